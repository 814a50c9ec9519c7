/** One step of a JSON pointer: an object key or an array index. */
export type PointerSegment = string | number;

/** Escapes one segment as RFC 6901 requires (`~` → `~0`, `/` → `~1`). */
export function escapePointerSegment(segment: PointerSegment): string {
  const text = String(segment);
  // Most keys need no escaping; skipping the replace keeps pointer building cheap on large specs.
  if (!text.includes("~") && !text.includes("/")) return text;
  return text.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Undoes {@link escapePointerSegment}. */
export function unescapePointerSegment(segment: string): string {
  if (!segment.includes("~")) return segment;
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Splits an RFC 6901 pointer into its unescaped segments (`""` is the root: no segment). */
export function splitPointer(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map(unescapePointerSegment);
}

/** Appends segments to a pointer: `joinPointer("/paths", "/v1/x", "get")` → `/paths/~1v1~1x/get`. */
export function joinPointer(base: string, ...segments: readonly PointerSegment[]): string {
  let pointer = base;
  for (const segment of segments) pointer += `/${escapePointerSegment(segment)}`;
  return pointer;
}

/**
 * Splits a local `$ref` (`#/components/schemas/A~1B`) into decoded segments, or returns undefined when the
 * reference is not a local JSON pointer. The fragment is URI-encoded in a `$ref`, so `%25` and friends are decoded
 * before the RFC 6901 unescaping.
 */
export function parseLocalRef(ref: string): string[] | undefined {
  if (ref === "#") return [];
  if (!ref.startsWith("#/")) return undefined;
  let body = ref.slice(2);
  if (body.includes("%")) {
    try {
      body = decodeURIComponent(body);
    } catch {
      return undefined;
    }
  }
  return body.split("/").map(unescapePointerSegment);
}
