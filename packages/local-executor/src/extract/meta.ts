import type { OperationModel } from "@execkit/core";
import { queryJsonPath } from "./records";

/** Parses an RFC 8288 `Link` header into rel → URL. */
export function parseLinkHeader(value: string): Record<string, string> {
  const links: Record<string, string> = {};
  for (const segment of value.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(segment);
    if (!match) continue;
    const [, url, rest] = match;
    for (const param of rest!.split(";")) {
      const rel = /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param);
      if (!rel) continue;
      for (const name of rel[1]!.split(/\s+/))
        if (name && links[name.toLowerCase()] === undefined) links[name.toLowerCase()] = url!;
    }
  }
  return links;
}

/**
 * Evaluates `x-airbyte-meta-extractor` over the full body and the response headers: `@link.<rel>` reads the
 * `Link` header, `@header.<name>` a header, anything else is a JSONPath whose first match is taken. A field that
 * fails is `null`; the result is `null` when the operation has no meta extractor.
 */
export function extractMeta(
  body: unknown,
  headers: Readonly<Record<string, string>>,
  operation: OperationModel,
): Record<string, unknown> | null {
  const extractor = operation.metaExtractor;
  if (!extractor) return null;
  const meta: Record<string, unknown> = {};
  let links: Record<string, string> | undefined;
  for (const [name, expression] of Object.entries(extractor)) {
    try {
      if (expression.startsWith("@link.")) {
        links ??= parseLinkHeader(headers.link ?? "");
        meta[name] = links[expression.slice("@link.".length).toLowerCase()] ?? null;
      } else if (expression.startsWith("@header.")) {
        meta[name] = headers[expression.slice("@header.".length).toLowerCase()] ?? null;
      } else {
        const matches = queryJsonPath(expression, body);
        meta[name] = matches.length > 0 ? (matches[0] ?? null) : null;
      }
    } catch {
      meta[name] = null;
    }
  }
  return meta;
}
