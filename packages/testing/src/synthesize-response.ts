import type { JsonSchema } from "@execkit/core";
import { isPlainObject } from "./json-path";
import { normalizeSchema, schemaProperties, schemaType } from "./schema-utils";

/** How a response body is synthesised from a schema. */
export interface SynthesizeOptions {
  /** The spec document, for `$ref`s the loader left in place. */
  document?: Readonly<Record<string, unknown>>;
  /** Items in each array that is not nested in another array (the records of a list page). Default 2. */
  pageSize?: number;
  /** Index of the first item of those outer arrays, so each page's records differ. Default 0. */
  firstIndex?: number;
}

const MAX_DEPTH = 9;
const NESTED_ARRAY_ITEMS = 2;

/**
 * A deterministic JSON value for `schema`, following the golden traffic's rules: every declared property,
 * arrays of two items whose values differ (strings end in `-0`/`-1`, integers 7/8, numbers 7.5/8.5, dates the
 * 15th/16th, booleans true/false), enums their first value, free-form objects an `id`, nesting cut at depth 9.
 * Outer arrays get `pageSize` items numbered from `firstIndex`, so consecutive pages carry different records.
 *
 * @example
 * ```ts
 * synthesizeValue({ type: "object", properties: { id: { type: "string" } } }, "customer");
 * // { id: "id-0" }
 * ```
 */
export function synthesizeValue(
  schema: JsonSchema | undefined,
  name: string,
  options: SynthesizeOptions = {},
): unknown {
  return synth(schema, name, 0, 0, options, true);
}

function synth(
  raw: JsonSchema | undefined,
  name: string,
  index: number,
  depth: number,
  options: SynthesizeOptions,
  outer: boolean,
): unknown {
  if (depth > MAX_DEPTH) return undefined;
  const schema = normalizeSchema(raw, options.document);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) {
    const first = schema.enum.find((value) => value !== null);
    if (first !== undefined) return first;
  }
  const type = schemaType(schema);
  switch (type) {
    case "object":
      return synthObject(schema, name, index, depth, options, outer);
    case "array": {
      const count = outer ? (options.pageSize ?? 2) : NESTED_ARRAY_ITEMS;
      const base = outer ? (options.firstIndex ?? 0) : 0;
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const value = synth(
          schema.items as JsonSchema | undefined,
          name,
          base + i,
          depth + 1,
          options,
          false,
        );
        if (value !== undefined) items.push(value);
      }
      return items;
    }
    case "integer":
      return clamp(7 + index, schema, true);
    case "number":
      return clamp(7.5 + index, schema, false);
    case "boolean":
      return index % 2 === 0;
    case "string":
      return synthString(schema, name, index);
    case "null":
      return null;
    default:
      // No type at all: a free-form value; a string is the least surprising choice for an extractor.
      return isPlainObject(schema.additionalProperties)
        ? synthObject(schema, name, index, depth, options, outer)
        : `${name}-${index}`;
  }
}

function synthObject(
  schema: JsonSchema,
  name: string,
  index: number,
  depth: number,
  options: SynthesizeOptions,
  outer: boolean,
): Record<string, unknown> {
  const properties = schemaProperties(schema);
  const out: Record<string, unknown> = {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    const extra = schema.additionalProperties;
    if (isPlainObject(extra) && Object.keys(extra).length > 0) {
      const value = synth(extra, name, index, depth + 1, options, outer);
      if (value !== undefined) out[`${name}-key`] = value;
      return out;
    }
    out.id = `${name}-${index}`;
    return out;
  }
  for (const property of names) {
    const value = synth(properties[property], property, index, depth + 1, options, outer);
    if (value !== undefined) out[property] = value;
  }
  return out;
}

function synthString(schema: JsonSchema, name: string, index: number): string {
  const day = String(15 + (index % 14)).padStart(2, "0");
  switch (schema.format) {
    case "date":
      return `2024-01-${day}`;
    case "date-time":
      return `2024-01-${day}T10:30:00Z`;
    case "time":
      return "10:30:00";
    case "email":
      return `${name}${index}@example.com`;
    case "uri":
    case "url":
      return `https://example.com/${encodeURIComponent(name)}/${index}`;
    case "uuid":
      return `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
    case "byte":
    case "base64":
      return Buffer.from(`${name}-${index}`).toString("base64");
    default:
      return `${name}-${index}`;
  }
}

function clamp(value: number, schema: JsonSchema, integer: boolean): number {
  let out = value;
  if (typeof schema.minimum === "number" && out < schema.minimum) out = schema.minimum;
  if (typeof schema.exclusiveMinimum === "number" && out <= schema.exclusiveMinimum) {
    out = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  }
  if (typeof schema.maximum === "number" && out > schema.maximum) out = schema.maximum;
  if (typeof schema.exclusiveMaximum === "number" && out >= schema.exclusiveMaximum) {
    out = schema.exclusiveMaximum - (integer ? 1 : 0.5);
  }
  return integer ? Math.trunc(out) : out;
}
