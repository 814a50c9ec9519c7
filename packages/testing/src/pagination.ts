import type { JsonSchema, OperationModel } from "@execkit/core";
import { isPlainObject, parseJsonPath, setJsonPath } from "./json-path";
import { normalizeSchema, schemaProperties, schemaType } from "./schema-utils";

/** What one meta-extractor entry means for pagination. */
export type PaginationMarker =
  | { kind: "link"; rel: string }
  | { kind: "header"; name: string; role: "cursor" | "url" }
  | { kind: "cursor"; path: string; integer: boolean }
  | { kind: "url"; path: string }
  | { kind: "flag"; path: string; inverted: boolean }
  /** An object that is present while there is a next page (asana's `next_page: {offset, uri}`), else null. */
  | { kind: "object"; path: string; properties: readonly string[] };

/** How the mock pages a list operation, derived from its meta extractor. */
export interface PaginationPlan {
  /** True when the mock found somewhere to say "there is a next page". */
  readonly paginated: boolean;
  readonly markers: readonly PaginationMarker[];
  /** The request param that carries the cursor back (query param, body field or GraphQL variable). */
  readonly cursorParam?: string;
  /** Stripe style: the next request names the last record's id (`starting_after`). */
  readonly lastIdCursor: boolean;
  /**
   * What the cursor values look like: opaque `cursor-<n>` tokens, 1-based page numbers, or record offsets. An
   * integer cursor param gets numbers, so the next request stays valid for its schema.
   */
  readonly cursorStyle: "token" | "page" | "offset";
}

const CURSOR_HINT = /next|cursor|after|token|marker|continuation|offset|start/i;
const NOT_CURSOR = /prev|previous|total|count|size|limit|current|first|last_page/i;
const URL_HINT = /url|link|href/i;
const FLAG_MORE = /has_?more|has_?next|more_?data|hasmore|more$/i;
const FLAG_LAST = /^(done|is_?last|islast|last)$/i;
const CURSOR_PARAM_HINT =
  /^(after|cursor|starting_after|page_?token|next_?page_?token|page_?info|marker|continuation|offset|start_?at|start|start_?cursor|next|next_?token|next_?cursor|page_?cursor|from|since_?id|page)$/i;

/** Reads an operation's meta extractor into a paging plan; operations other than list/api_search never page. */
export function planPagination(
  operation: OperationModel,
  document?: Readonly<Record<string, unknown>>,
): PaginationPlan {
  const markers: PaginationMarker[] = [];
  const listLike = operation.action === "list" || operation.action === "api_search";
  if (!listLike) return { paginated: false, markers, lastIdCursor: false, cursorStyle: "token" };
  const schema = normalizeSchema(operation.responseSchema, document);
  for (const [key, expression] of Object.entries(operation.metaExtractor ?? {})) {
    const marker = classify(key, expression, schema, document);
    if (marker) markers.push(marker);
  }
  const cursorParam = findCursorParam(operation, markers);
  if (cursorParam === undefined) {
    // A `next_page` string with no param to send it back in can only be a URL (zendesk-chat's is).
    markers.forEach((marker, i) => {
      if (marker.kind === "cursor" && !marker.integer && /page/i.test(marker.path))
        markers[i] = { kind: "url", path: marker.path };
    });
  }
  const hasNext = markers.some((m) => m.kind !== "flag" && !(m.kind === "link" && m.rel !== "next"));
  const hasFlag = markers.some((m) => m.kind === "flag");
  const lastIdCursor =
    !hasNext && hasFlag && cursorParam !== undefined && /after|starting/i.test(cursorParam);
  const paramType = cursorParam === undefined ? undefined : cursorParamType(operation, cursorParam, document);
  const integerMarker = markers.some((m) => m.kind === "cursor" && m.integer);
  const numeric =
    paramType === "integer" || paramType === "number" || (paramType === undefined && integerMarker);
  const cursorStyle = !numeric
    ? "token"
    : cursorParam !== undefined && /page/i.test(cursorParam) && !/size/i.test(cursorParam)
      ? "page"
      : "offset";
  return {
    paginated: hasNext || (hasFlag && cursorParam !== undefined),
    markers,
    ...(cursorParam !== undefined ? { cursorParam } : {}),
    lastIdCursor,
    cursorStyle,
  };
}

function classify(
  key: string,
  expression: string,
  schema: JsonSchema,
  document?: Readonly<Record<string, unknown>>,
): PaginationMarker | undefined {
  if (expression.startsWith("@link.")) return { kind: "link", rel: expression.slice("@link.".length) };
  if (expression.startsWith("@header.")) {
    const name = expression.slice("@header.".length);
    if (NOT_CURSOR.test(key) || !CURSOR_HINT.test(key)) return undefined;
    return { kind: "header", name, role: URL_HINT.test(key) ? "url" : "cursor" };
  }
  const segments = parseJsonPath(expression);
  if (segments === undefined || segments.length === 0 || segments.some((s) => s.kind !== "name"))
    return undefined;
  const leaf = (segments.at(-1) as { name: string }).name;
  const target = schemaAt(
    schema,
    segments.map((s) => (s as { name: string }).name),
    document,
  );
  const type = target === undefined ? undefined : schemaType(target);
  if (type === "object" && /next/i.test(`${key} ${leaf}`) && !NOT_CURSOR.test(key)) {
    return { kind: "object", path: expression, properties: Object.keys(schemaProperties(target!)) };
  }
  if (type === "object" || type === "array") return undefined;
  if (type === "boolean" || FLAG_MORE.test(leaf) || FLAG_LAST.test(leaf)) {
    if (FLAG_LAST.test(leaf) || FLAG_LAST.test(key))
      return { kind: "flag", path: expression, inverted: true };
    if (FLAG_MORE.test(leaf) || FLAG_MORE.test(key))
      return { kind: "flag", path: expression, inverted: false };
    return undefined;
  }
  const words = `${key} ${expression}`;
  if (NOT_CURSOR.test(key) || NOT_CURSOR.test(leaf)) return undefined;
  if (!CURSOR_HINT.test(words) && !/\.links?\.next$|_links\.next$/.test(expression)) return undefined;
  const looksLikeUrl =
    URL_HINT.test(key) ||
    URL_HINT.test(leaf) ||
    /\blinks?\b|_links|_metadata/.test(expression) ||
    target?.format === "uri" ||
    (typeof target?.description === "string" && /\burl\b|\blink\b/i.test(target.description));
  if (looksLikeUrl) return { kind: "url", path: expression };
  return { kind: "cursor", path: expression, integer: type === "integer" || type === "number" };
}

function schemaAt(
  schema: JsonSchema,
  names: string[],
  document?: Readonly<Record<string, unknown>>,
): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const name of names) {
    if (current === undefined) return undefined;
    current = normalizeSchema(schemaProperties(current)[name], document);
    if (Object.keys(current).length === 0) return undefined;
  }
  return current;
}

function cursorParamType(
  operation: OperationModel,
  name: string,
  document?: Readonly<Record<string, unknown>>,
): string | undefined {
  const param = operation.parameters.find((p) => p.name === name);
  if (param !== undefined) return schemaType(normalizeSchema(param.schema, document));
  const body = operation.requestBody?.schema;
  if (body === undefined) return undefined;
  const property = schemaProperties(normalizeSchema(body, document))[name];
  return property === undefined ? undefined : schemaType(normalizeSchema(property, document));
}

/** `page[cursor]` reads as `page_cursor`, so bracketed names match the same hints. */
function plainName(name: string): string {
  return name.replace(/[[\]]+/g, "_").replace(/_+$/, "");
}

function findCursorParam(
  operation: OperationModel,
  markers: readonly PaginationMarker[],
): string | undefined {
  const names = new Set<string>();
  for (const param of operation.parameters) if (param.in === "query") names.add(param.name);
  for (const field of operation.requestBody?.fields ?? []) names.add(field);
  const graphql = operation.requestBody?.graphql;
  if (graphql) for (const name of Object.keys(graphql.variables)) names.add(name);
  // A param named like the field the cursor is read from takes it back, whatever the name (pinterest's
  // `bookmark`); executors match it the same way.
  for (const marker of markers) {
    if (marker.kind !== "cursor") continue;
    const last = parseJsonPath(marker.path)?.at(-1);
    const field = last?.kind === "name" ? last.name.toLowerCase() : undefined;
    const same = [...names].find((name) => name.toLowerCase() === field);
    if (same !== undefined) return same;
  }
  const candidates = [...names].filter((name) => CURSOR_PARAM_HINT.test(plainName(name)));
  if (candidates.length === 0) return undefined;
  const integerCursor = markers.some((m) => m.kind === "cursor" && m.integer);
  const score = (name: string): number => {
    let s = 0;
    if (/cursor|after|token|marker|info|continuation/i.test(name)) s += 4;
    if (integerCursor && /offset|start/i.test(name)) s += 6;
    if (/^page$/i.test(name)) s -= 1;
    return s;
  };
  return candidates.sort((a, b) => score(b) - score(a))[0];
}

/** The opaque cursor token of `page` (0-based). */
export function cursorFor(page: number): string {
  return `cursor-${page}`;
}

/** The value that asks for `page` (0-based) in the plan's cursor style. */
export function cursorValue(plan: PaginationPlan, page: number, pageSize: number): string | number {
  if (plan.cursorStyle === "page") return page + 1;
  if (plan.cursorStyle === "offset") return page * pageSize;
  return cursorFor(page);
}

/** Values a request may carry to ask for a page, mapped to that page; filled as pages are served. */
export type CursorBook = Map<string, number>;

/**
 * Writes the "next page" signals of page `page` of `pages` into a body and headers. `nextUrl` builds the URL of
 * the next page (same origin and path as the request, cursor param replaced). `lastId` is the id of the page's
 * last record, for Stripe-style `starting_after` paging.
 */
export function applyPagination(
  plan: PaginationPlan,
  page: number,
  pages: number,
  pageSize: number,
  body: unknown,
  headers: Record<string, string>,
  nextUrl: (nextPage: number) => string,
  book: CursorBook,
  lastId: string | undefined,
): void {
  const more = page + 1 < pages;
  const links: string[] = [];
  const next = cursorValue(plan, page + 1, pageSize);
  if (more) {
    book.set(cursorFor(page + 1), page + 1);
    book.set(String(next), page + 1);
    if (plan.lastIdCursor && lastId !== undefined) book.set(lastId, page + 1);
  }
  for (const marker of plan.markers) {
    switch (marker.kind) {
      case "link":
        if (marker.rel === "next") {
          if (more) links.push(`<${nextUrl(page + 1)}>; rel="next"`);
        } else {
          links.push(
            `<${nextUrl(marker.rel === "prev" || marker.rel === "previous" ? Math.max(page - 1, 0) : 0)}>; rel="${marker.rel}"`,
          );
        }
        break;
      case "header":
        if (more)
          headers[marker.name.toLowerCase()] = marker.role === "url" ? nextUrl(page + 1) : String(next);
        break;
      case "cursor":
        if (isPlainObject(body)) {
          setJsonPath(
            body,
            marker.path,
            more ? (marker.integer ? Number(next) || (page + 1) * pageSize : String(next)) : null,
          );
        }
        break;
      case "url":
        if (isPlainObject(body)) setJsonPath(body, marker.path, more ? nextUrl(page + 1) : null);
        break;
      case "flag":
        if (isPlainObject(body)) setJsonPath(body, marker.path, marker.inverted ? !more : more);
        break;
      case "object": {
        if (!isPlainObject(body)) break;
        if (!more) {
          setJsonPath(body, marker.path, null);
          break;
        }
        const names = marker.properties.length > 0 ? marker.properties : ["cursor", "url"];
        const value: Record<string, unknown> = {};
        for (const name of names) {
          value[name] =
            URL_HINT.test(name) || name === "uri"
              ? nextUrl(page + 1)
              : name === "path"
                ? new URL(nextUrl(page + 1)).pathname
                : next;
        }
        setJsonPath(body, marker.path, value);
        break;
      }
    }
  }
  if (links.length > 0) headers.link = links.join(", ");
}

/**
 * The page a request asks for: its cursor param's value when the mock handed it out (a cursor, an offset, a
 * last id), else any value shaped like a mock cursor (next-page URLs carry one), else page 0.
 */
export function pageFromRequest(
  cursorValue: unknown,
  otherValues: Iterable<unknown>,
  book: CursorBook,
): number {
  if (cursorValue !== undefined && cursorValue !== null && typeof cursorValue !== "object") {
    const known = book.get(String(cursorValue));
    if (known !== undefined) return known;
  }
  for (const value of [cursorValue, ...otherValues]) {
    if (typeof value !== "string") continue;
    const match = /^cursor-(\d+)$/.exec(value);
    if (match) return Number(match[1]);
  }
  return 0;
}
