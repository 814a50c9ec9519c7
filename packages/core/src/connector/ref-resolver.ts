import { joinPointer, type PointerSegment, parseLocalRef } from "./json-pointer";
import type { LoadContext } from "./load-context";

/** Keywords whose values are literal data, not schemas: a `$ref` key inside them is data and stays as written. */
const LITERAL_KEYWORDS = new Set(["example", "examples", "default", "enum", "const"]);
/** Keywords whose values map arbitrary names to schemas, so their keys are never keywords. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/** A `$ref` chain longer than this is treated as a loop. */
const MAX_REF_CHAIN = 64;

/**
 * Resolves local `$ref`s (`#/components/...`) of one document.
 *
 * - Each reference target is resolved once and shared by every node that points at it, so a schema used by fifty
 *   operations costs one resolution, and the resolved model stays a DAG instead of fifty copies.
 * - Sub-trees without any `$ref` are returned as they are (no copy).
 * - A reference met again while its own target is being resolved (a recursive schema such as a tree node with
 *   `children: {items: {$ref: '#/components/schemas/Node'}}`) is left as `{ $ref }`: the view is finite, and still
 *   JSON-serialisable, and `model.document` holds the target for whoever wants to follow it.
 * - A `$ref` next to other keywords (allowed by OpenAPI 3.1) is merged: the sibling keywords override the
 *   target's (a local `description` wins over the shared one).
 */
export class RefResolver {
  readonly #root: unknown;
  readonly #context: LoadContext;
  readonly #resolvedTargets = new Map<string, unknown>();
  readonly #inProgress = new Set<string>();
  readonly #visiting = new WeakSet<object>();

  constructor(root: unknown, context: LoadContext) {
    this.#root = root;
    this.#context = context;
  }

  /**
   * Follows a chain of `$ref`s at a structural node (a parameter, request body or response given as a reference)
   * and returns the node it ends at, with that node's pointer. The node's own content is not resolved.
   */
  deref(node: unknown, pointer: string): { node: unknown; pointer: string } {
    let current = node;
    let currentPointer = pointer;
    for (let hops = 0; isRefNode(current); hops++) {
      if (hops >= MAX_REF_CHAIN)
        this.#context.fail("This $ref chain loops back on itself.", joinPointer(pointer, "$ref"));
      const target = this.#target(current.$ref, joinPointer(currentPointer, "$ref"));
      current = target.node;
      currentPointer = target.pointer;
    }
    return { node: current, pointer: currentPointer };
  }

  /** The resolved view of a schema (or any sub-tree) found at `pointer`. */
  resolve(node: unknown, pointer: string): unknown {
    return this.#resolveNode(node, pointer, [], false);
  }

  /** The resolved view of the node at the path `segments` from the document root (e.g. a component schema). */
  resolveAt(segments: readonly string[]): unknown {
    const pointer = joinPointer("", ...segments);
    return this.#resolveTarget(segments, `#${pointer}`, pointer);
  }

  #resolveNode(node: unknown, base: string, path: PointerSegment[], keysAreNames: boolean): unknown {
    if (node === null || typeof node !== "object") return node;
    // Aliases in YAML can make an object contain itself; such a loop is returned unresolved rather than followed.
    if (this.#visiting.has(node)) return node;
    this.#visiting.add(node);
    try {
      if (Array.isArray(node)) return this.#resolveArray(node, base, path);
      const record = node as Record<string, unknown>;
      if (!keysAreNames && typeof record.$ref === "string") return this.#resolveRefNode(record, base, path);
      return this.#resolveObject(record, base, path, keysAreNames);
    } finally {
      this.#visiting.delete(node);
    }
  }

  #resolveArray(node: unknown[], base: string, path: PointerSegment[]): unknown {
    let copy: unknown[] | undefined;
    for (let index = 0; index < node.length; index++) {
      const item = node[index];
      path.push(index);
      const resolved = this.#resolveNode(item, base, path, false);
      path.pop();
      if (copy) copy.push(resolved);
      else if (resolved !== item) {
        copy = node.slice(0, index);
        copy.push(resolved);
      }
    }
    return copy ?? node;
  }

  #resolveObject(
    node: Record<string, unknown>,
    base: string,
    path: PointerSegment[],
    keysAreNames: boolean,
  ): unknown {
    let copy: Record<string, unknown> | undefined;
    for (const key in node) {
      const value = node[key];
      if (value === null || typeof value !== "object" || (!keysAreNames && LITERAL_KEYWORDS.has(key)))
        continue;
      path.push(key);
      const resolved = this.#resolveNode(value, base, path, !keysAreNames && SCHEMA_MAPS.has(key));
      path.pop();
      if (resolved !== value) {
        copy ??= { ...node };
        copy[key] = resolved;
      }
    }
    return copy ?? node;
  }

  #resolveRefNode(node: Record<string, unknown>, base: string, path: PointerSegment[]): unknown {
    const ref = node.$ref as string;
    path.push("$ref");
    const target = this.#resolveRefTarget(ref, joinPointer(base, ...path));
    path.pop();
    let siblings = false;
    for (const key in node) {
      if (key !== "$ref") {
        siblings = true;
        break;
      }
    }
    if (!siblings) return target;
    const { $ref: _ref, ...rest } = node;
    const resolvedRest = this.#resolveObject(rest, base, path, false) as Record<string, unknown>;
    if (target === null || typeof target !== "object" || Array.isArray(target) || isRefNode(target)) {
      // A recursive back-reference (or a non-object target) cannot be merged; keep the reference with its siblings.
      return { ...resolvedRest, $ref: ref };
    }
    return { ...(target as Record<string, unknown>), ...resolvedRest };
  }

  #resolveRefTarget(ref: string, refPointer: string): unknown {
    return this.#resolveTarget(this.#segments(ref, refPointer), ref, refPointer);
  }

  #resolveTarget(segments: readonly string[], ref: string, refPointer: string): unknown {
    const { node, pointer } = this.#lookup(segments, ref, refPointer);
    const cached = this.#resolvedTargets.get(pointer);
    if (cached !== undefined || this.#resolvedTargets.has(pointer)) return cached;
    if (this.#inProgress.has(pointer)) return { $ref: ref };
    this.#inProgress.add(pointer);
    try {
      const resolved = this.#resolveNode(node, pointer, [], false);
      this.#resolvedTargets.set(pointer, resolved);
      return resolved;
    } finally {
      this.#inProgress.delete(pointer);
    }
  }

  #target(ref: string, refPointer: string): { node: unknown; pointer: string } {
    return this.#lookup(this.#segments(ref, refPointer), ref, refPointer);
  }

  #segments(ref: string, refPointer: string): string[] {
    const segments = parseLocalRef(ref);
    if (segments === undefined) {
      this.#context.fail(
        `$ref "${ref}" is not a local reference; only references inside the same document ("#/components/...") are supported.`,
        refPointer,
      );
    }
    return segments;
  }

  #lookup(segments: readonly string[], ref: string, refPointer: string): { node: unknown; pointer: string } {
    let current: unknown = this.#root;
    for (const segment of segments) {
      const next =
        current !== null && typeof current === "object" && Object.hasOwn(current, segment)
          ? (current as Record<string, unknown>)[segment]
          : undefined;
      if (next === undefined) {
        this.#context.fail(
          `$ref "${ref}" points to nothing: the document has no node there. Fix the reference or add the target.`,
          refPointer,
        );
      }
      current = next;
    }
    return { node: current, pointer: joinPointer("", ...segments) };
  }
}

/** True for `{ $ref: "..." }` objects (a `$ref` that is not a string is an ordinary key, e.g. a property name). */
export function isRefNode(node: unknown): node is { $ref: string } {
  return node !== null && typeof node === "object" && typeof (node as { $ref?: unknown }).$ref === "string";
}
