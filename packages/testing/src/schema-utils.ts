import type { JsonSchema } from "@execkit/core";
import { isPlainObject } from "./json-path";

/**
 * Flattens the composition keywords the generators cannot walk directly: follows a local `$ref` (the loader
 * resolves them, but a cyclic one may be left in place), merges `allOf`, and takes the first non-null branch of
 * `anyOf`/`oneOf`, as the golden traffic's synthesiser did.
 */
export function normalizeSchema(
  schema: JsonSchema | undefined,
  document?: Readonly<Record<string, unknown>>,
  depth = 0,
): JsonSchema {
  if (schema === undefined || !isPlainObject(schema)) return {};
  if (depth > 16) return {};
  let out: Record<string, unknown> = { ...schema };
  if (typeof out.$ref === "string") {
    const target = resolveLocalRef(out.$ref, document);
    const { $ref: _ref, ...siblings } = out;
    out = { ...normalizeSchema(target, document, depth + 1), ...siblings };
  }
  if (Array.isArray(out.allOf)) {
    const parts = out.allOf.map((part) => normalizeSchema(part as JsonSchema, document, depth + 1));
    const { allOf: _allOf, ...rest } = out;
    out = parts.reduce<Record<string, unknown>>((merged, part) => mergeSchemas(merged, part), {});
    out = mergeSchemas(out, rest);
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = out[key];
    if (!Array.isArray(branches)) continue;
    const chosen = branches
      .map((branch) => normalizeSchema(branch as JsonSchema, document, depth + 1))
      .find((branch) => schemaType(branch) !== "null");
    const { [key]: _branches, ...rest } = out;
    out = chosen === undefined ? rest : mergeSchemas(chosen, rest);
  }
  return out;
}

function mergeSchemas(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...a, ...b };
  if (isPlainObject(a.properties) || isPlainObject(b.properties)) {
    merged.properties = { ...(a.properties as object | undefined), ...(b.properties as object | undefined) };
  }
  if (Array.isArray(a.required) || Array.isArray(b.required)) {
    merged.required = [
      ...new Set([...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])]),
    ];
  }
  return merged;
}

function resolveLocalRef(ref: string, document?: Readonly<Record<string, unknown>>): JsonSchema | undefined {
  if (document === undefined || !ref.startsWith("#/")) return undefined;
  let current: unknown = document;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return isPlainObject(current) ? current : undefined;
}

/**
 * The schema's effective type: its `type` (the first non-null one of a list), else inferred from `properties`,
 * `items` or `enum`; `undefined` for a free-form schema.
 */
export function schemaType(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    const first = type.find((t) => t !== "null");
    return typeof first === "string" ? first : "null";
  }
  if (isPlainObject(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const value = schema.enum.find((v) => v !== null);
    return value === undefined ? undefined : jsonTypeOf(value);
  }
  return undefined;
}

/** True when the schema allows `null` (`nullable: true`, a `null` type, or `null` in its enum). */
export function schemaAllowsNull(schema: JsonSchema): boolean {
  if (schema.nullable === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes("null")) return true;
  if (schema.type === "null") return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.some((b) => isPlainObject(b) && b.type === "null")) return true;
  }
  return false;
}

/** The JSON Schema type name of a value. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The schema's `properties` as a record (empty when it has none). */
export function schemaProperties(schema: JsonSchema): Record<string, JsonSchema> {
  return isPlainObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
}
