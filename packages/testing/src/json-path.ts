/**
 * The JSONPath subset connector specs use in their extractors: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`.
 * The mock needs it both ways: to place pagination values where a meta extractor will read them, and to compute
 * the records an executor should extract.
 */

/** One step of a parsed path: a property name, an array index, or a wildcard. */
export type JsonPathSegment =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number }
  /** `[*]` (bracket) or `.*`; they differ on objects, as in jsonpath-ng (see {@link queryJsonPath}). */
  | { kind: "wildcard"; bracket: boolean };

const SEGMENT =
  /^(?:\.(?<dotName>[A-Za-z0-9_$@-]+)|\.\*|\[\*\]|\[(?<index>-?\d+)\]|\[['"](?<quoted>[^'"]*)['"]\])/;

/** Parses a path like `$.data[*].id`; `undefined` when it is outside the supported subset. */
export function parseJsonPath(path: string): JsonPathSegment[] | undefined {
  const trimmed = path.trim();
  if (!trimmed.startsWith("$")) return undefined;
  let rest = trimmed.slice(1);
  const segments: JsonPathSegment[] = [];
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) return undefined;
    const groups = match.groups ?? {};
    if (groups.dotName !== undefined) segments.push({ kind: "name", name: groups.dotName });
    else if (groups.index !== undefined) segments.push({ kind: "index", index: Number(groups.index) });
    else if (groups.quoted !== undefined) segments.push({ kind: "name", name: groups.quoted });
    else segments.push({ kind: "wildcard", bracket: match[0] === "[*]" });
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/**
 * Every value the path selects in `root`, in document order. Follows jsonpath-ng, which the reference uses:
 * `[*]` on a value that is not a list selects the value itself (so `$[*][*]` on an object is the object), while
 * `.*` selects an object's values.
 */
export function queryJsonPath(root: unknown, path: string): unknown[] {
  const segments = parseJsonPath(path);
  if (segments === undefined) return [];
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === "wildcard") {
        if (Array.isArray(value)) next.push(...value);
        else if (segment.bracket) next.push(value);
        else if (isPlainObject(value)) next.push(...Object.values(value));
      } else if (segment.kind === "index") {
        if (Array.isArray(value)) {
          const item = value[segment.index < 0 ? value.length + segment.index : segment.index];
          if (item !== undefined) next.push(item);
        }
      } else if (isPlainObject(value) && Object.hasOwn(value, segment.name)) {
        next.push(value[segment.name]);
      }
    }
    current = next;
  }
  return current;
}

/** True when the path has a `[*]` or `.*` step. */
export function hasWildcard(path: string): boolean {
  return (parseJsonPath(path) ?? []).some((segment) => segment.kind === "wildcard");
}

/**
 * Writes `value` at a wildcard-free path, creating the objects on the way. Returns false when the path cannot
 * be written (a wildcard, an index past an array's end, a scalar in the way).
 */
export function setJsonPath(root: Record<string, unknown>, path: string, value: unknown): boolean {
  const segments = parseJsonPath(path);
  if (segments === undefined || segments.length === 0) return false;
  let current: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment.kind === "wildcard") return false;
    if (segment.kind === "index") {
      if (!Array.isArray(current) || segment.index < 0 || segment.index >= current.length) return false;
      if (last) current[segment.index] = value;
      else current = current[segment.index];
      continue;
    }
    if (!isPlainObject(current)) return false;
    if (last) {
      current[segment.name] = value;
    } else {
      const child = current[segment.name];
      const nextSegment = segments[i + 1]!;
      if (!isPlainObject(child) && !Array.isArray(child)) {
        current[segment.name] = nextSegment.kind === "index" ? [] : {};
      }
      current = current[segment.name];
    }
  }
  return true;
}

/**
 * Reads a dot path with `name[n]` steps (the `x-airbyte-file-url` syntax, not JSONPath), e.g.
 * `calls[0].media.audioUrl`.
 */
export function readDotPath(root: unknown, path: string): unknown {
  let current = root;
  for (const step of splitDotPath(path)) {
    if (typeof step === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isPlainObject(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

/**
 * Writes `value` at a dot path with `name[n]` steps, creating objects and array slots on the way. The root may be
 * an array when the path starts with an index (greenhouse's `[0].url` on a top-level list).
 */
export function writeDotPath(root: Record<string, unknown> | unknown[], path: string, value: unknown): void {
  const steps = splitDotPath(path);
  const first = steps[0];
  if (Array.isArray(root) && typeof first === "number") while (root.length <= first) root.push({});
  let current: Record<string, unknown> | unknown[] = root;
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    const nextIsIndex = typeof steps[i + 1] === "number";
    const container = current as Record<string | number, unknown>;
    if (last) {
      container[step] = value;
      return;
    }
    let child = container[step];
    if (nextIsIndex ? !Array.isArray(child) : !isPlainObject(child)) {
      child = nextIsIndex ? [] : {};
      container[step] = child;
    }
    if (nextIsIndex) {
      const array = child as unknown[];
      const index = steps[i + 1] as number;
      while (array.length <= index) array.push({});
    }
    current = child as Record<string, unknown> | unknown[];
  });
}

function splitDotPath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      steps.push(part);
      continue;
    }
    if (match[1]) steps.push(match[1]);
    for (const index of match[2]?.matchAll(/\[(\d+)\]/g) ?? []) steps.push(Number(index[1]));
  }
  return steps;
}

/** A non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}
