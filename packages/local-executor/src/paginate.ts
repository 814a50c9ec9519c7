import type { CallOptions, OperationModel } from "@execkit/core";
import { PaginationLimitError, type Redactor } from "@execkit/errors";

/** Options of `paginate()`. */
export interface PaginateOptions extends CallOptions {
  /** Params of the first page; the cursor param is added for the next ones. */
  params?: Record<string, unknown>;
  /** Stop with a {@link PaginationLimitError} when more pages remain after this many (default 100). */
  maxPages?: number;
}

/** What paginate needs from the executor. */
export interface PaginationHost {
  lookup(entity: string, action: string): OperationModel;
  runPage(
    operation: OperationModel,
    params: Record<string, unknown>,
    nextUrl: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ data: unknown; meta: Record<string, unknown> | null }>;
  redactor: Redactor;
}

/** The next request to make, or none. */
type NextPage =
  | { kind: "url"; url: string }
  | { kind: "params"; params: Record<string, unknown> }
  | undefined;

const CURSOR_PARAMS = [
  "cursor",
  "after",
  "starting_after",
  "page_token",
  "pageToken",
  "next_page_token",
  "nextPageToken",
  "next_cursor",
  "next_token",
  "nextToken",
  "continuation",
  "continuation_token",
  "marker",
  "page_after",
  "offset",
  "page",
];
const HAS_MORE_KEYS = /^(has_?more|has_?next(_?page)?|more_?data_?available|more|hasNextPage)$/i;
const DONE_KEYS = /^(done|is_?last(_?page)?|last_?page)$/i;

function isUrlLike(value: unknown): value is string {
  return typeof value === "string" && (/^https?:\/\//i.test(value) || value.startsWith("/"));
}

/** Finds the parameter a meta value feeds: the same name, a known alias, or the sole cursor-like param. */
function cursorParam(operation: OperationModel, metaKey: string): string | undefined {
  const names = new Set<string>(operation.parameters.filter((p) => p.in === "query").map((p) => p.name));
  for (const value of Object.values(operation.requestBody?.graphql?.variables ?? {})) {
    const match = typeof value === "string" ? /^\{\{\s*(\w+)\s*\}\}$/.exec(value) : null;
    if (match) names.add(match[1]!);
  }
  for (const field of operation.requestBody?.fields ?? []) names.add(field);
  if (names.has(metaKey)) return metaKey;
  const stripped = metaKey.replace(/^next_?/i, "").replace(/^(end)(cursor)$/i, "$2");
  const lower = [...names].reduce<Record<string, string>>((acc, name) => {
    acc[name.toLowerCase().replace(/_/g, "")] = name;
    return acc;
  }, {});
  const normalized = stripped.toLowerCase().replace(/_/g, "");
  if (lower[normalized]) return lower[normalized];
  if (/offset/i.test(metaKey) && names.has("offset")) return "offset";
  if (/page/i.test(metaKey) && !/token/i.test(metaKey) && names.has("page")) return "page";
  for (const candidate of CURSOR_PARAMS)
    if (names.has(candidate) && !["offset", "page"].includes(candidate)) return candidate;
  return undefined;
}

/** Decides the next page from the meta of the current one. */
export function nextPage(
  operation: OperationModel,
  params: Record<string, unknown>,
  meta: Record<string, unknown> | null,
  records: unknown,
): NextPage {
  if (!meta) return undefined;
  const entries = Object.entries(meta);
  const hasMore = entries.find(([key]) => HAS_MORE_KEYS.test(key));
  const done = entries.find(([key]) => DONE_KEYS.test(key));
  if (hasMore && (hasMore[1] === false || hasMore[1] === "false")) return undefined;
  if (done && (done[1] === true || done[1] === "true")) return undefined;
  const count = Array.isArray(records) ? records.length : 0;
  for (const [key, value] of entries) {
    if (!/next|link/i.test(key) || /prev/i.test(key)) continue;
    if (isUrlLike(value)) return { kind: "url", url: value };
    if (value && typeof value === "object" && isUrlLike((value as { href?: unknown }).href)) {
      return { kind: "url", url: (value as { href: string }).href };
    }
  }
  for (const [key, value] of entries) {
    if (
      !/cursor|token|after|next|offset|marker|continuation/i.test(key) ||
      /prev|before|total|count/i.test(key)
    )
      continue;
    if (
      value === null ||
      value === undefined ||
      value === "" ||
      typeof value === "boolean" ||
      typeof value === "object"
    )
      continue;
    if (isUrlLike(value)) continue;
    const param = cursorParam(operation, key);
    if (!param) continue;
    if (params[param] === value) return undefined;
    return { kind: "params", params: { ...params, [param]: value } };
  }
  if (hasMore && (hasMore[1] === true || hasMore[1] === "true") && count > 0) {
    const names = new Set(operation.parameters.map((p) => p.name));
    const last = (records as Array<Record<string, unknown>>)[count - 1];
    if (names.has("starting_after") && last && last.id !== undefined)
      return { kind: "params", params: { ...params, starting_after: last.id } };
    if (names.has("offset"))
      return { kind: "params", params: { ...params, offset: Number(params.offset ?? 0) + count } };
    if (names.has("page"))
      return { kind: "params", params: { ...params, page: Number(params.page ?? 1) + 1 } };
  }
  return undefined;
}

/**
 * Yields the records of every page. Pages are fetched one at a time, only as the caller consumes records, so
 * stopping early sends no further requests.
 */
export async function* paginateRecords(
  host: PaginationHost,
  entity: string,
  action: string,
  options: PaginateOptions,
): AsyncGenerator<unknown, void, undefined> {
  const operation = host.lookup(entity, action);
  const maxPages = options.maxPages ?? 100;
  let params: Record<string, unknown> = { ...(options.params ?? {}) };
  let url: string | undefined;
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    const { data, meta } = await host.runPage(operation, params, url, options.signal);
    if (Array.isArray(data)) yield* data;
    else if (data !== null && data !== undefined) yield data;
    const next = nextPage(operation, params, meta, data);
    if (!next || (Array.isArray(data) && data.length === 0)) return;
    const key = next.kind === "url" ? `url:${next.url}` : `params:${JSON.stringify(next.params)}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (page >= maxPages) {
      throw new PaginationLimitError(
        `${entity}.${action} has more than ${maxPages} pages; stopped there. Raise maxPages or narrow the query.`,
        { maxPages, redactor: host.redactor },
      );
    }
    if (next.kind === "url") url = next.url;
    else {
      params = next.params;
      url = undefined;
    }
  }
}
