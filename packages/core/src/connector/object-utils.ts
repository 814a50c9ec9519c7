/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The `x-*` keys of a node, as written (the values are the document's own, frozen with it). */
export function extensionsOf(node: Record<string, unknown>): Record<string, unknown> {
  const extensions: Record<string, unknown> = {};
  for (const key in node) if (key.startsWith("x-")) extensions[key] = node[key];
  return extensions;
}

/**
 * Copies an object without its `null`/`undefined` values. YAML writes `key:` with no value as null; the model
 * treats that as absent so optional fields are either set or missing, never null.
 */
export function withoutNulls<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== null && value[key] !== undefined) out[key] = value[key];
  return out as { [K in keyof T]?: Exclude<T[K], null> };
}

/** `value` unless it is null, for optional model fields. */
export function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}
