import type { OperationModel } from "@execkit/core";
import { type Redactor, ResponseFormatError } from "@execkit/errors";
import { JSONPath } from "jsonpath-plus";
import { isFalsyRendering, renderStrict } from "../template";

type Step = { kind: "field"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" };

/** Parses the basic JSONPath grammar the specs use (`$.a.b`, `$.a[0]`, `$.a[*].b`, `$['a']`, `$[*][*]`). */
function parseSimplePath(path: string): Step[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const steps: Step[] = [];
  const pattern = /\.([A-Za-z_$@][\w$@-]*)|\.\*|\[\*\]|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let position = 1;
  while (position < path.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(path);
    if (!match) return undefined;
    if (match[1] !== undefined) steps.push({ kind: "field", name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: "index", index: Number(match[2]) });
    else if (match[3] !== undefined || match[4] !== undefined)
      steps.push({ kind: "field", name: (match[3] ?? match[4])! });
    else steps.push({ kind: "wildcard" });
    position = pattern.lastIndex;
  }
  return steps;
}

const pathCache = new Map<string, Step[] | null>();

/**
 * Evaluates a JSONPath; every match's value, in document order. The basic grammar is evaluated with the
 * semantics of the reference's jsonpath-ng (a `[*]` over an object or a scalar treats it as a one-item list, so
 * zendesk-chat's `$[*][*]` over an object yields the object); anything richer goes to jsonpath-plus.
 */
export function queryJsonPath(path: string, body: unknown): unknown[] {
  let steps = pathCache.get(path);
  if (steps === undefined) {
    steps = parseSimplePath(path.trim()) ?? null;
    pathCache.set(path, steps);
  }
  if (!steps) {
    if (body === null || typeof body !== "object") return [];
    // "safe" evaluates filter expressions (`[?(@.active)]`) without running arbitrary code from a spec.
    return JSONPath({ path, json: body as object, wrap: true, eval: "safe" }) as unknown[];
  }
  let current: unknown[] = [body];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === "field") {
        if (
          value !== null &&
          typeof value === "object" &&
          !Array.isArray(value) &&
          Object.hasOwn(value, step.name)
        ) {
          next.push((value as Record<string, unknown>)[step.name]);
        }
      } else if (step.kind === "index") {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (Array.isArray(value)) {
        next.push(...value);
      } else if (value !== null && value !== undefined && value !== "" && value !== 0 && value !== false) {
        if (typeof value !== "object" || Object.keys(value).length > 0) next.push(value);
      }
    }
    current = next;
  }
  return current;
}

/**
 * Wraps primitives so every record is an object, as the reference does: a scalar becomes `{value}`, a list's
 * non-object items become `{value: item}`, `null` stays `null`.
 */
export function wrapPrimitives(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    // Most lists are already objects: return them as they are instead of copying.
    return value.every(isPlainObject)
      ? value
      : value.map((item) => (isPlainObject(item) ? item : { value: item }));
  }
  if (typeof value === "object") return value;
  return { value };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const LIST_ACTIONS = new Set(["list", "api_search"]);

/**
 * Extracts the records of a response with `x-airbyte-record-extractor`, then applies the record transform and
 * (for list and search) the record filter, as the reference does:
 *
 * - no extractor: the body, primitives wrapped; transform and filter do not apply;
 * - list/api_search: no match → `[]`; one match that is a list, the root, or from a path without `[*]` → that
 *   match; one match from a `[*]` path → `[match]`; several → the list of matches;
 * - other actions: the first match, or `null`.
 *
 * The filter is fail-closed: a template that reads a missing field throws instead of keeping the record.
 */
export function extractRecords(
  body: unknown,
  operation: OperationModel,
  configValues: Readonly<Record<string, string>>,
  redactor: Redactor,
): unknown {
  const extractor = operation.recordExtractor;
  if (!extractor) return wrapPrimitives(body);
  const isList = LIST_ACTIONS.has(operation.action);
  let data: unknown;
  try {
    const matches = queryJsonPath(extractor, body);
    if (matches.length === 0) data = isList ? [] : null;
    else if (!isList) data = matches[0];
    else if (matches.length === 1) {
      const only = matches[0];
      data = Array.isArray(only) || only === body || !extractor.includes("[*]") ? only : [only];
    } else data = matches;
  } catch (cause) {
    if (operation.recordTransform || (isList && operation.recordFilter)) {
      throw new ResponseFormatError(
        `Record extractor '${extractor}' failed on the response of ${operation.entity}.${operation.action}.`,
        {
          cause,
          redactor,
        },
      );
    }
    return wrapPrimitives(body);
  }
  data = wrapPrimitives(data);
  if (operation.recordTransform) data = applyTransform(data, operation, configValues, redactor);
  if (isList && operation.recordFilter) data = applyFilter(data, operation, configValues, redactor);
  return data;
}

function applyTransform(
  data: unknown,
  operation: OperationModel,
  configValues: Readonly<Record<string, string>>,
  redactor: Redactor,
): unknown {
  const transform = operation.recordTransform!;
  const one = (record: unknown) => {
    const context = { record: isPlainObject(record) ? record : { value: record }, config: configValues };
    const out: Record<string, string> = {};
    for (const [field, template] of Object.entries(transform)) {
      try {
        out[field] = renderStrict(template, context);
      } catch (cause) {
        throw new ResponseFormatError(
          `Record transform of '${field}' failed for ${operation.entity}.${operation.action}: ${(cause as Error).message}.`,
          { cause, redactor },
        );
      }
    }
    return out;
  };
  if (Array.isArray(data)) return data.map(one);
  if (data === null) return null;
  return one(data);
}

function applyFilter(
  data: unknown,
  operation: OperationModel,
  configValues: Readonly<Record<string, string>>,
  redactor: Redactor,
): unknown {
  const filter = operation.recordFilter!;
  const keep = (record: unknown): boolean => {
    if (!isPlainObject(record)) return true;
    let rendered: string;
    try {
      rendered = renderStrict(filter, { record, config: configValues });
    } catch (cause) {
      throw new ResponseFormatError(
        `Record filter of ${operation.entity}.${operation.action} could not be evaluated (${(cause as Error).message}); no record was returned rather than risk returning one the filter should have hidden.`,
        { cause, redactor },
      );
    }
    return !isFalsyRendering(rendered);
  };
  if (Array.isArray(data)) return data.filter(keep);
  if (data === null) return [];
  return keep(data) ? data : [];
}
