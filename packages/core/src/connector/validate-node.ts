import type { z } from "zod";
import { joinPointer, type PointerSegment } from "./json-pointer";
import type { LoadContext } from "./load-context";

type Issue = z.core.$ZodIssue;

/**
 * Parses `value` with a zod schema and returns the typed result. The first problem becomes a
 * `ConnectorSpecError` whose pointer is `pointer` extended by the issue's path, so the message names the exact
 * node (`/paths/~1v1~1notes/get/x-airbyte-action`) rather than the object that contains it.
 */
export function validateNode<S extends z.ZodType>(
  context: LoadContext,
  schema: S,
  value: unknown,
  pointer: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = deepestIssue(result.error.issues[0] as Issue);
  const path = issue.path.filter((segment): segment is PointerSegment => typeof segment !== "symbol");
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const extra = result.error.issues.length - 1;
  const detail = describeIssue(issue, valueAt(value, path), path);
  context.fail(
    extra > 0 ? `${detail} (${extra} more problem${extra === 1 ? "" : "s"} in the same object.)` : detail,
    joinPointer(pointer, ...path),
  );
}

/** A union failure carries one issue list per branch; the branch that got furthest explains the problem best. */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  if (!best || best.path.length === 0) return issue;
  return deepestIssue({ ...best, path: [...issue.path, ...best.path] } as Issue);
}

function describeIssue(issue: Issue, received: unknown, path: readonly PointerSegment[]): string {
  const key = path.length > 0 ? `"${String(path[path.length - 1])}"` : "this node";
  if (received === undefined && issue.code !== "custom") {
    return issue.code === "invalid_type"
      ? `${key} is required (expected ${article(issue.expected)}).`
      : `${key} is required.`;
  }
  switch (issue.code) {
    case "invalid_type":
      return `${key} must be ${article(issue.expected)}, not ${typeName(received)}.`;
    case "invalid_value":
      return `${key} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}; got ${preview(received)}.`;
    case "too_small":
      if (issue.origin === "array") return `${key} must have at least ${issue.minimum} item(s).`;
      if (issue.origin === "string") return `${key} must not be empty.`;
      return `${key} must be at least ${issue.minimum}; got ${preview(received)}.`;
    case "too_big":
      return `${key} must be at most ${issue.maximum}; got ${preview(received)}.`;
    case "custom":
      return issue.message;
    case "unrecognized_keys":
      return `Unknown key ${key}; remove it or fix its spelling (extensions must start with "x-").`;
    default:
      return `${key}: ${issue.message}`;
  }
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  if (expected === "record") return "an object";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** The JSON type of a value, as a spec author would name it. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return article(typeof value);
}

function preview(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null || typeof value !== "object") return String(value);
  return typeName(value);
}

function valueAt(root: unknown, path: readonly PointerSegment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
