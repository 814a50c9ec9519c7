import type { OperationModel } from "@execkit/core";
import { hasWildcard, isPlainObject, queryJsonPath } from "./json-path";

/** What an executor should return for a response, by the spec's extractors. */
export interface ExpectedExtraction {
  /**
   * The records: a list for list/api_search, a record (or `null`) otherwise. `undefined` when the operation has
   * a record transform or filter (Jinja templates the mock does not evaluate); compare `extracted` then.
   */
  readonly data: unknown;
  /** The extractor's output before transform and filter. */
  readonly extracted: unknown;
  /** Meta values by key, or `null` when the operation has no meta extractor. */
  readonly meta: Record<string, unknown> | null;
  /** True when a transform or filter applies, so `data` could not be computed here. */
  readonly templated: boolean;
}

/**
 * Applies an operation's record and meta extractors to a response, with the reference's rules: no extractor
 * returns the body; no match is `[]` for lists and `null` otherwise; a list takes a single array match as is
 * and wraps a single wildcard match; other actions take the first match; scalars become `{ value }`. Meta
 * reads JSONPath (first match or `null`), `@link.<rel>` and `@header.<name>`.
 *
 * @example
 * ```ts
 * const served = mock.requests.at(-1)!.response!;
 * const expected = extractExpected(operation, served.json, served.headers);
 * expect(result.data).toEqual(expected.data);
 * ```
 */
export function extractExpected(
  operation: OperationModel,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): ExpectedExtraction {
  const root = body === undefined || body === null || body === "" ? {} : body;
  const extracted = extractRecords(operation, root);
  const templated = operation.recordTransform !== undefined || operation.recordFilter !== undefined;
  return {
    data: templated ? undefined : extracted,
    extracted,
    meta: operation.metaExtractor === undefined ? null : extractMeta(operation.metaExtractor, root, headers),
    templated,
  };
}

function extractRecords(operation: OperationModel, body: unknown): unknown {
  const extractor = operation.recordExtractor;
  const listLike = operation.action === "list" || operation.action === "api_search";
  if (extractor === undefined) return wrapPrimitives(body);
  const matches = queryJsonPath(body, extractor);
  if (matches.length === 0) return listLike ? [] : null;
  if (listLike) {
    if (matches.length === 1) {
      const only = matches[0];
      if (Array.isArray(only) || only === body || !hasWildcard(extractor)) return wrapPrimitives(only);
      return wrapPrimitives([only]);
    }
    return wrapPrimitives(matches);
  }
  return wrapPrimitives(matches[0]);
}

function wrapPrimitives(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? item : { value: item }));
  if (isPlainObject(value)) return value;
  return { value };
}

function extractMeta(
  extractor: Readonly<Record<string, string>>,
  body: unknown,
  headers: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [key, expression] of Object.entries(extractor)) {
    if (expression.startsWith("@link.")) {
      meta[key] = linkRel(lower.link, expression.slice("@link.".length)) ?? null;
    } else if (expression.startsWith("@header.")) {
      meta[key] = lower[expression.slice("@header.".length).toLowerCase()] ?? null;
    } else {
      const matches = queryJsonPath(body, expression);
      meta[key] = matches.length === 0 ? null : matches[0];
    }
  }
  return meta;
}

/** The URL of a relation in an RFC 8288 `Link` header. */
export function linkRel(header: string | undefined, rel: string): string | undefined {
  if (!header) return undefined;
  for (const segment of header.split(/,(?=\s*<)/)) {
    const url = /<([^>]*)>/.exec(segment)?.[1];
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(segment)?.[1];
    if (url !== undefined && rels?.toLowerCase().split(/\s+/).includes(rel.toLowerCase())) return url;
  }
  return undefined;
}
