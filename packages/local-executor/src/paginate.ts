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

const HAS_MORE_KEYS =
  /^(has_?more|has_?next(_?page)?|more_?data_?available|more|more_?records|hasNextPage)$/i;
/** Fields that report the page just served (zoho's `info.page`, paypal's `page`): sending one back repeats it. */
const CURRENT_PAGE_FIELD = /^(current_?)?page(_?(number|num|index))?$/i;
const TOTAL_PAGES_KEY = /^total_?pages$/i;
const DONE_KEYS = /^(done|is_?last(_?page)?|last_?page)$/i;
const CURSOR_KEY = /cursor|token|after|next|offset|marker|continuation|start|page/i;
const NOT_CURSOR_KEY = /prev|before|total|count|size|limit|current|max/i;
const CURSOR_PARAM =
  /^(after|cursor|starting_?after|start_?cursor|page_?token|next_?page_?token|next_?token|next_?cursor|page_?cursor|page_?info|marker|continuation(_?token)?|offset|start_?at|start|start_?id|page|from|since_?id)$/i;
const URL_FIELDS = ["href", "uri", "url", "link", "next"];

function isUrlLike(value: unknown): value is string {
  return typeof value === "string" && (/^https?:\/\//i.test(value) || value.startsWith("/"));
}

const plain = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Every name a cursor can be sent back in: query params, top-level body fields, GraphQL variable params. */
function requestNames(operation: OperationModel): string[] {
  const names = new Set<string>(operation.parameters.filter((p) => p.in === "query").map((p) => p.name));
  for (const value of Object.values(operation.requestBody?.graphql?.variables ?? {})) {
    const match = typeof value === "string" ? /^\{\{\s*(\w+)\s*\}\}$/.exec(value) : null;
    if (match) names.add(match[1]!);
  }
  for (const field of operation.requestBody?.fields ?? []) names.add(field);
  return [...names];
}

/** The last name of a meta extractor's JSONPath (`$.data.bookmark` → `bookmark`); none for `@link`/`@header`. */
function extractedField(operation: OperationModel, metaKey: string): string | undefined {
  const expression = operation.metaExtractor?.[metaKey];
  if (expression === undefined || expression.startsWith("@")) return undefined;
  return /(\w+)['"\]]*$/.exec(expression)?.[1];
}

/**
 * Finds the parameter a meta value feeds: the same name (ignoring case and separators: `next_token` →
 * `NextToken`), then the response field the value was read from (pinterest's `cursor: $.bookmark` goes back as
 * `bookmark`), then a cursor-like param containing the key's core word (`next_cursor` → `start_cursor`,
 * `next_id` → `start_id`), then the best cursor-like param (offsets and starts for numeric values).
 */
function cursorParam(operation: OperationModel, metaKey: string, value: unknown): string | undefined {
  const names = requestNames(operation);
  const key = plain(metaKey);
  const exact = names.find((name) => plain(name) === key);
  if (exact) return exact;
  const field = extractedField(operation, metaKey);
  const sameField = field === undefined ? undefined : names.find((name) => plain(name) === plain(field));
  if (sameField) return sameField;
  const core = key.replace(/^next/, "").replace(/^end(?=cursor)/, "");
  if (core) {
    const containing = names.filter(
      (name) => CURSOR_PARAM.test(name.replace(/\W/g, "")) && plain(name).includes(core),
    );
    if (containing.length > 0) return containing.sort((a, b) => a.length - b.length)[0];
  }
  const candidates = names.filter((name) => CURSOR_PARAM.test(name.replace(/\W/g, "")));
  const numeric = typeof value === "number";
  const score = (name: string) => {
    let points = 0;
    if (/cursor|after|token|marker|info|continuation/i.test(name)) points += 4;
    if (numeric && /offset|start/i.test(name)) points += 6;
    if (/^page$/i.test(name)) points -= 1;
    return points;
  };
  return candidates.sort((a, b) => score(b) - score(a))[0];
}

/** The JSON type a request param declares (`integer`, `string`…), when it declares one. */
function declaredType(operation: OperationModel, name: string): string | undefined {
  const parameter = operation.parameters.find((p) => p.name === name);
  const schema =
    parameter?.schema ??
    (operation.requestBody?.schema?.properties as Record<string, Record<string, unknown>> | undefined)?.[
      name
    ];
  const type = schema?.type;
  return typeof type === "string"
    ? type
    : Array.isArray(type)
      ? (type.find((t) => t !== "null") as string | undefined)
      : undefined;
}

/** Sends a cursor in the param's own type: linkedin's `"2"` token goes into an integer `start` as 2. */
function asParamType(operation: OperationModel, name: string, value: unknown): unknown {
  const type = declaredType(operation, name);
  if (
    (type === "integer" || type === "number") &&
    typeof value === "string" &&
    value.trim() !== "" &&
    Number.isFinite(Number(value))
  ) {
    return Number(value);
  }
  if (type === "string" && typeof value === "number") return String(value);
  return value;
}

/** A next-page URL inside an object value (asana's `next_page: {offset, path, uri}`). */
function urlInside(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  for (const field of URL_FIELDS) {
    const inner = (value as Record<string, unknown>)[field];
    if (isUrlLike(inner)) return inner;
  }
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
  let url: string | undefined;
  for (const [key, value] of entries) {
    if (!/next|link|url/i.test(key) || /prev|last|first|self/i.test(key)) continue;
    url = isUrlLike(value) ? value : urlInside(value);
    if (url) break;
  }
  // A next-page URL replays a GET; a POST search must send its cursor in the body instead.
  if (url && operation.method === "GET") return { kind: "url", url };
  let currentPage: number | undefined;
  for (const [key, value] of entries) {
    if (!CURSOR_KEY.test(key) || NOT_CURSOR_KEY.test(key) || HAS_MORE_KEYS.test(key)) continue;
    if (
      CURRENT_PAGE_FIELD.test(extractedField(operation, key) ?? key) &&
      (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value)))
    ) {
      currentPage = Number(value);
      continue;
    }
    if (
      value === null ||
      value === undefined ||
      value === "" ||
      typeof value === "boolean" ||
      typeof value === "object"
    )
      continue;
    if (isUrlLike(value)) continue;
    const param = cursorParam(operation, key, value);
    if (!param) continue;
    const typed = asParamType(operation, param, value);
    if (params[param] === typed) return undefined;
    return { kind: "params", params: { ...params, [param]: typed } };
  }
  if (url) return { kind: "url", url };
  const names = new Set(requestNames(operation));
  // Page numbers only where the param is numeric; a string `page` is an opaque token we were not given.
  const pageType = declaredType(operation, "page");
  const numberedPages = names.has("page") && (pageType === "integer" || pageType === "number");
  const thisPage = currentPage ?? Number(params.page ?? 1);
  if (hasMore && (hasMore[1] === true || hasMore[1] === "true") && count > 0) {
    const last = (records as Array<Record<string, unknown>>)[count - 1];
    if (names.has("starting_after") && last && last.id !== undefined)
      return { kind: "params", params: { ...params, starting_after: last.id } };
    if (names.has("offset"))
      return { kind: "params", params: { ...params, offset: Number(params.offset ?? 0) + count } };
    if (numberedPages) return { kind: "params", params: { ...params, page: thisPage + 1 } };
  }
  // Without a has-more flag, a page count tells whether this page was the last one.
  const totalPages = entries.find(([key]) => TOTAL_PAGES_KEY.test(key))?.[1];
  if (!hasMore && numberedPages && currentPage !== undefined && Number(totalPages) > currentPage && count > 0)
    return { kind: "params", params: { ...params, page: currentPage + 1 } };
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
