import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConnectorModel, OperationModel } from "@execkit/core";
import type { Dispatcher } from "undici";
import { type AuthState, checkAuth } from "./auth-check";
import { expectedDownloadBytes } from "./download-bytes";
import { type ExpectedExtraction, extractExpected } from "./expected-result";
import { type FaultHandle, FaultQueue, type FaultSpec, type FaultTarget, type RequestKind } from "./faults";
import { applyAuthMapping, generateConfigValues, generateCredentials } from "./generate-credentials";
import { isPlainObject, writeDotPath } from "./json-path";
import { buildRoutes, matchRoutes, type OperationRoute, type RouteMatch } from "./operation-router";
import {
  applyPagination,
  type CursorBook,
  cursorValue,
  type PaginationPlan,
  pageFromRequest,
  planPagination,
} from "./pagination";
import { type ParsedBody, parseBody, validateRequest } from "./request-validation";
import { createRoutingDispatcher, ORIGINAL_ORIGIN_HEADER } from "./routing-dispatcher";
import { synthesizeValue } from "./synthesize-response";

/** Options of {@link startMockApi}. */
export interface MockApiOptions {
  /**
   * The user-facing credentials the mock accepts, by scheme name. Default: {@link generateCredentials} for
   * every scheme of the model with `salt`.
   */
  credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Salt of the default credentials. */
  salt?: string;
  /** The `config_values` the executor uses (server variables); default {@link generateConfigValues}. */
  configValues?: Readonly<Record<string, string>>;
  /** Pages served for a paginated list operation. Default 3. */
  pages?: number;
  /** Records per page. Default 2. */
  pageSize?: number;
  /** `expires_in` of issued OAuth2 tokens. Default 3600. */
  tokenExpiresInSeconds?: number;
  /** Issue a new refresh token with every refresh (and refuse the old one). Default false. */
  rotateRefreshTokens?: boolean;
  /** Values of `x-airbyte-token-extract` fields in token responses; default `https://acme.example.com`. */
  tokenExtractValues?: Readonly<Record<string, string>>;
  /**
   * Where a two-step download's file lives: `other` (default) a different host, so no credential should be
   * sent to it; `base` under the API's own origin.
   */
  fileHost?: "other" | "base";
  /** Bytes in a download. Default 4096. */
  downloadSize?: number;
  /**
   * Bodies to serve instead of synthesised ones, by `entity.action`: a value, or a function of the page and the
   * body the mock would have served. For specs whose response schema contradicts their own extractors.
   */
  responses?: Readonly<Record<string, unknown | ((page: number, synthesized: unknown) => unknown)>>;
  /** Check requests against the operation's parameters and body schema. Default true. */
  validate?: boolean;
}

/** One request the mock received, with what it made of it and what it answered. */
export interface RecordedRequest {
  /** Order of arrival, from 0. */
  readonly index: number;
  readonly kind: RequestKind;
  readonly method: string;
  /** The full URL as the client addressed it (original origin, path and query). */
  readonly url: string;
  /** The origin the client addressed, e.g. `https://api.stripe.com`. */
  readonly origin: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names; the routing header is removed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The body decoded by its content type. */
  readonly parsedBody: ParsedBody;
  /** The operation it was routed to. */
  readonly entity?: string;
  readonly action?: string;
  readonly operation?: OperationModel;
  readonly pathParams?: Readonly<Record<string, string>>;
  /** The scheme whose credentials it carried, when one matched. */
  authScheme?: string;
  /** Auth or validation problems that made the mock refuse it. */
  problems: string[];
  /** The page served (0-based) for list operations. */
  page?: number;
  /** True when an injected fault answered it. */
  faulted: boolean;
  /** What the mock answered (JSON bodies parsed), once it has. */
  response?: RecordedResponse;
}

/** What the mock answered. */
export interface RecordedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, when the answer was JSON. */
  readonly json?: unknown;
  /** Byte length of the body. */
  readonly length: number;
}

/** A running mock API. */
export interface MockApi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Routes every request, whatever its host or scheme, to this server. Give it to the executor. */
  readonly dispatcher: Dispatcher;
  readonly model: ConnectorModel;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The `config_values` the mock assumed. */
  readonly configValues: Readonly<Record<string, string>>;
  /** The credentials the mock accepts for a scheme (user-facing `x-airbyte-auth-config` properties). */
  credentials(scheme: string): Readonly<Record<string, string>>;
  /** Requests of the given kind and, optionally, operation. */
  requestsFor(filter: { kind?: RequestKind; entity?: string; action?: string }): RecordedRequest[];
  /** Injects a fault (see {@link FaultSpec}). */
  inject(fault: FaultSpec): FaultHandle;
  /** Removes every injected fault. */
  clearFaults(): void;
  /** Forgets recorded requests and faults (credentials and issued tokens are kept). */
  reset(): void;
  /** Makes every issued access token expire now, so the next API call gets a 401. */
  expireTokens(): void;
  /** Refuses the configured (not issued) access token of a scheme (all schemes when omitted). */
  revokeConfiguredToken(scheme?: string): void;
  /** Access tokens issued so far. */
  readonly issuedTokens: readonly string[];
  /**
   * When several operations share a method and path (salesforce `/query`, google-ads `googleAds:search`), the
   * mock scores them by the request; this hint settles ties for the next requests. `undefined` clears it.
   */
  preferOperation(entity: string | undefined, action?: string): void;
  /** The body the mock serves for an operation's page (after pagination signals are written). */
  responseBody(entity: string, action: string, page?: number, origin?: string): unknown;
  /**
   * What an executor should return for the last response served for this operation (or, when none was served
   * yet, for page 0 addressed at the spec's base URL).
   */
  expectedResult(entity: string, action: string): ExpectedExtraction;
  /** The bytes a download operation serves. */
  downloadBytes(entity: string, action: string): Buffer;
  /** Stops the server and the dispatcher. */
  close(): Promise<void>;
}

/** Path prefix of the file URLs of two-step downloads. */
export const FILE_PATH_PREFIX = "/__execkit/files/";
/** Path of the mock's own OAuth2 token endpoint (refresh URLs of the spec are routed to it too). */
export const TOKEN_PATH = "/__execkit/oauth/token";
const OTHER_FILE_ORIGIN = "https://files.execkit-mock.test";
const MAX_BODY_BYTES = 32 * 1024 * 1024;

interface OperationState {
  readonly plan: PaginationPlan;
  readonly book: CursorBook;
}

/**
 * Starts a loopback HTTP server that plays the API a connector model describes: it routes each request to its
 * operation, checks auth and the request, and answers with deterministic JSON synthesised from the response
 * schema, paged as the spec's meta extractors expect. It also plays the OAuth2 token endpoint and the file
 * host of two-step downloads, and takes injected faults.
 *
 * @example
 * ```ts
 * const model = await loadConnectorModel("stripe/connector.yaml");
 * const mock = await startMockApi(model);
 * const executor = new LocalExecutor({ model, authConfig: mock.credentials("bearerAuth"), dispatcher: mock.dispatcher });
 * const result = await executor.execute("customers", "list", {});
 * expect(result.data).toEqual(mock.expectedResult("customers", "list").data);
 * await mock.close();
 * ```
 */
export async function startMockApi(model: ConnectorModel, options: MockApiOptions = {}): Promise<MockApi> {
  const pages = Math.max(1, options.pages ?? 3);
  const pageSize = Math.max(1, options.pageSize ?? 2);
  const downloadSize = options.downloadSize ?? 4096;
  const validate = options.validate ?? true;
  const configValues = { ...generateConfigValues(model), ...options.configValues };
  const credentials = new Map<string, Record<string, string>>();
  for (const scheme of model.securitySchemes) {
    const given = options.credentials?.[scheme.name];
    if (given !== undefined) credentials.set(scheme.name, { ...given });
    else if (options.credentials === undefined)
      credentials.set(scheme.name, generateCredentials(model, scheme, { salt: options.salt }));
  }
  const auth: AuthState = { credentials, issued: new Map(), revokedConfiguredTokens: new Set() };
  const refreshTokens = new Map<string, string>();
  for (const scheme of model.securitySchemes) {
    const secrets = applyAuthMapping(scheme, credentials.get(scheme.name) ?? {});
    if (secrets.refresh_token !== undefined) refreshTokens.set(secrets.refresh_token, scheme.name);
  }
  const routes = buildRoutes(model);
  const basePaths = computeBasePaths(model, configValues, options.tokenExtractValues);
  const refreshPaths = new Set<string>([TOKEN_PATH]);
  for (const scheme of model.securitySchemes) {
    // The reference refreshes at refreshUrl; tokenUrl is accepted too, for executors that use it.
    for (const url of [scheme.refreshUrl, scheme.tokenUrl]) {
      const path = url === undefined ? undefined : pathOfTemplate(url);
      if (path !== undefined) refreshPaths.add(path);
    }
  }
  const states = new Map<OperationModel, OperationState>();
  const stateOf = (operation: OperationModel): OperationState => {
    let state = states.get(operation);
    if (state === undefined) {
      state = { plan: planPagination(operation, model.document), book: new Map() };
      states.set(operation, state);
    }
    return state;
  };
  const faults = new FaultQueue();
  // Next-page URLs handed out by POST (or other non-GET) list operations, by path: a client follows them with a
  // GET (snowflake's statement partitions), which no route of the spec serves.
  const continuations = new Map<string, OperationModel>();
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  let hint: { entity: string; action?: string } | undefined;
  let tokenCounter = 0;

  const pickRoute = (
    matches: RouteMatch[],
    record: Pick<RecordedRequest, "query" | "headers" | "parsedBody">,
  ): RouteMatch | undefined => {
    if (matches.length === 0) return undefined;
    const top = matches.filter((m) => m.route.specificity === matches[0]!.route.specificity);
    const graphqlQuery =
      record.parsedBody.kind === "json" && isPlainObject(record.parsedBody.value)
        ? record.parsedBody.value.query
        : undefined;
    let candidates = top;
    if (top.some((m) => m.route.graphqlQuery !== undefined)) {
      const byQuery = top.filter(
        (m) =>
          m.route.graphqlQuery !== undefined &&
          typeof graphqlQuery === "string" &&
          m.route.graphqlQuery.test(graphqlQuery),
      );
      if (byQuery.length > 0) candidates = byQuery;
    }
    if (candidates.length === 1) return candidates[0];
    const scored = candidates.map((match) => ({
      match,
      score: scoreCandidate(match.route, record, hint, model.document),
    }));
    scored.sort((a, b) => b.score - a.score);
    return scored[0]!.match;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === ORIGINAL_ORIGIN_HEADER) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const host = headers.host ?? "127.0.0.1";
    const origin = singleHeader(req.headers[ORIGINAL_ORIGIN_HEADER]) ?? `http://${host}`;
    const target = new URL(req.url ?? "/", origin);
    const method = (req.method ?? "GET").toUpperCase();
    const parsedBody = parseBody(headers["content-type"], body);
    const base = { query: target.searchParams, headers, parsedBody };
    let kind: RequestKind = "unmatched";
    let match: RouteMatch | undefined;
    let continued = false;
    if (target.pathname.startsWith(FILE_PATH_PREFIX)) kind = "file";
    else if (method === "POST" && refreshPaths.has(target.pathname) && hasGrantType(parsedBody))
      kind = "token";
    else {
      match = pickRoute(matchRoutes(routes, method, target.pathname, basePaths), base);
      const issuer = continuations.get(target.pathname);
      if (match === undefined && method === "GET" && issuer !== undefined) {
        const issuerMatches = matchRoutes(routes, issuer.method, target.pathname, basePaths);
        match = issuerMatches.find((m) => m.route.operation === issuer);
        continued = match !== undefined;
      }
      if (match !== undefined) kind = "api";
    }
    const operation = match?.route.operation;
    const record: RecordedRequest = {
      index: requests.length,
      kind,
      method,
      url: target.toString(),
      origin: target.origin,
      path: target.pathname,
      query: target.searchParams,
      headers,
      body,
      parsedBody,
      ...(operation
        ? { entity: operation.entity, action: operation.action, operation, pathParams: match!.pathParams }
        : {}),
      problems: [],
      faulted: false,
    };
    requests.push(record);
    const send = (status: number, responseHeaders: Record<string, string>, payload: unknown): void => {
      const isBytes = Buffer.isBuffer(payload);
      const text = isBytes
        ? payload
        : payload === undefined
          ? Buffer.alloc(0)
          : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
      const outHeaders = { ...responseHeaders };
      if (
        !isBytes &&
        payload !== undefined &&
        typeof payload !== "string" &&
        outHeaders["content-type"] === undefined
      ) {
        outHeaders["content-type"] = "application/json";
      }
      record.response = {
        status,
        headers: outHeaders,
        ...(!isBytes && payload !== undefined && typeof payload !== "string" ? { json: payload } : {}),
        length: text.length,
      };
      res.writeHead(status, { ...outHeaders, "content-length": String(text.length) });
      res.end(text);
    };

    const faultTarget: FaultTarget = {
      kind,
      method,
      path: target.pathname,
      headers,
      body: body.toString("utf8"),
      ...(operation ? { entity: operation.entity, action: operation.action } : {}),
    };
    const fault = faults.take(faultTarget);
    if (fault !== undefined) {
      record.faulted = true;
      if (fault.delayMs !== undefined && fault.delayMs > 0) {
        const closed = await delayUnlessClosed(fault.delayMs, req);
        if (closed) return;
      }
      if (fault.status !== undefined || fault.resetMidBody || fault.malformedBody) {
        sendFault(res, record, fault, faultTarget);
        return;
      }
    }

    if (kind === "file") {
      send(
        200,
        { "content-type": "application/octet-stream" },
        expectedDownloadBytes(target.pathname, downloadSize),
      );
      return;
    }
    if (kind === "token") {
      const answer = tokenResponse();
      send(answer.status, {}, answer.body);
      return;
    }
    if (kind === "unmatched" || operation === undefined) {
      record.problems.push(`no operation of ${model.name} serves ${method} ${target.pathname}`);
      send(404, {}, { error: "not_found", message: record.problems[0] });
      return;
    }
    const verdict = checkAuth(model, auth, { headers, query: target.searchParams });
    if (verdict.scheme === undefined) {
      record.problems.push(...verdict.problems);
      send(
        401,
        { "www-authenticate": 'Bearer realm="execkit-mock"' },
        { error: "unauthorized", problems: verdict.problems },
      );
      return;
    }
    record.authScheme = verdict.scheme;
    // A continuation URL is the mock's own: it carries no body and needs none.
    if (validate && !continued) {
      const problems = validateRequest(
        operation,
        { query: target.searchParams, headers, body: parsedBody },
        model.document,
      );
      if (problems.length > 0) {
        record.problems.push(...problems);
        send(400, {}, { error: "invalid_request", problems });
        return;
      }
    }
    const answer = answerOperation(operation, record, target.origin);
    send(answer.status, answer.headers, answer.body);

    function tokenResponse(): { status: number; body: unknown } {
      const form =
        parsedBody.kind === "form"
          ? parsedBody.value
          : parsedBody.kind === "json" && isPlainObject(parsedBody.value)
            ? parsedBody.value
            : {};
      const grant = String(form.grant_type ?? "");
      let schemeName: string | undefined;
      if (grant === "refresh_token") {
        schemeName = refreshTokens.get(String(form.refresh_token ?? ""));
        if (schemeName === undefined) {
          record.problems.push("unknown refresh token");
          return {
            status: 400,
            body: { error: "invalid_grant", error_description: "unknown refresh token" },
          };
        }
      } else if (grant === "client_credentials") {
        schemeName = model.securitySchemes.find(
          (s) => s.authType === "oauth2" && credentials.has(s.name),
        )?.name;
      } else {
        record.problems.push(`unsupported grant_type "${grant}"`);
        return { status: 400, body: { error: "unsupported_grant_type" } };
      }
      const scheme = model.securitySchemes.find((s) => s.name === schemeName);
      if (scheme === undefined) return { status: 400, body: { error: "invalid_client" } };
      const secrets = applyAuthMapping(scheme, credentials.get(scheme.name) ?? {});
      const style = scheme.tokenRefresh?.authStyle ?? "body";
      const wantedFormat = scheme.tokenRefresh?.bodyFormat ?? "form";
      if ((wantedFormat === "json") !== (parsedBody.kind === "json"))
        record.problems.push(`token request body should be ${wantedFormat}`);
      if (style === "body" && secrets.client_id !== undefined) {
        if (
          form.client_id !== secrets.client_id ||
          (secrets.client_secret !== undefined && form.client_secret !== secrets.client_secret)
        ) {
          record.problems.push("client credentials missing from the token request body");
        }
      } else if (style === "basic" && secrets.client_id !== undefined) {
        const expected = `Basic ${Buffer.from(`${secrets.client_id}:${secrets.client_secret ?? ""}`).toString("base64")}`;
        if (headers.authorization !== expected)
          record.problems.push("client credentials missing from the Basic header");
      }
      if (record.problems.length > 0)
        return { status: 401, body: { error: "invalid_client", problems: record.problems } };
      tokenCounter += 1;
      const accessToken = `ek_issued_access_${tokenCounter}_${randomBytes(6).toString("hex")}`;
      const expiresIn = options.tokenExpiresInSeconds ?? 3600;
      auth.issued.set(accessToken, { scheme: scheme.name, expiresAt: Date.now() + expiresIn * 1000 });
      issuedTokens.push(accessToken);
      const out: Record<string, unknown> = {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: expiresIn,
      };
      if (options.rotateRefreshTokens && grant === "refresh_token") {
        const next = `ek_issued_refresh_${tokenCounter}_${randomBytes(6).toString("hex")}`;
        refreshTokens.delete(String(form.refresh_token));
        refreshTokens.set(next, scheme.name);
        out.refresh_token = next;
      }
      for (const name of scheme.tokenExtract)
        out[name] = options.tokenExtractValues?.[name] ?? "https://acme.example.com";
      return { status: 200, body: out };
    }
  };

  const answerOperation = (
    operation: OperationModel,
    record: RecordedRequest,
    origin: string,
  ): { status: number; headers: Record<string, string>; body: unknown } => {
    if (operation.action === "download" && operation.fileUrl === undefined) {
      return {
        status: 200,
        headers: { "content-type": "application/octet-stream" },
        body: expectedDownloadBytes(`${operation.entity}/${operation.action}`, downloadSize),
      };
    }
    const state = stateOf(operation);
    const sentCursor =
      state.plan.cursorParam === undefined ? undefined : requestValue(record, state.plan.cursorParam);
    const page = state.plan.paginated
      ? Math.min(pageFromRequest(sentCursor, record.query.values(), state.book), pages - 1)
      : 0;
    record.page = page;
    const built = buildBody(operation, page, origin, record);
    return built;
  };

  const buildBody = (
    operation: OperationModel,
    page: number,
    origin: string,
    record?: RecordedRequest,
  ): { status: number; headers: Record<string, string>; body: unknown } => {
    const declared = operation.responseStatuses;
    if (
      declared.length > 0 &&
      !declared.includes("200") &&
      !declared.includes("201") &&
      declared.includes("204")
    ) {
      return { status: 204, headers: {}, body: undefined };
    }
    const status = !declared.includes("200") && declared.includes("201") ? 201 : 200;
    const key = `${operation.entity}.${operation.action}`;
    const override = options.responses?.[key];
    const state = stateOf(operation);
    const firstIndex = page * pageSize;
    const synthesized =
      operation.responseSchema === undefined
        ? {}
        : synthesizeValue(operation.responseSchema, operation.entity, {
            document: model.document,
            pageSize,
            firstIndex,
          });
    let body: unknown =
      override === undefined
        ? synthesized
        : typeof override === "function"
          ? (override as (page: number, synthesized: unknown) => unknown)(page, synthesized)
          : structuredClone(override);
    if (body === undefined || body === null) body = {};
    const headers: Record<string, string> = { "content-type": "application/json" };
    const check = model.responseErrorCheck;
    if (check !== undefined && isPlainObject(body)) {
      // The synthesised body must not look like the API's in-band error report (slack's `ok: false`).
      body[check.field] =
        typeof check.onValue === "boolean" ? !check.onValue : `not-${String(check.onValue)}`;
    }
    if (
      operation.action === "download" &&
      operation.fileUrl !== undefined &&
      (isPlainObject(body) || Array.isArray(body))
    ) {
      const path = renderFileUrlPath(operation.fileUrl, record);
      const fileOrigin = options.fileHost === "base" ? `${origin}${basePaths[0] ?? ""}` : OTHER_FILE_ORIGIN;
      writeDotPath(
        body,
        path,
        `${fileOrigin}${FILE_PATH_PREFIX}${operation.entity}/${operation.action}/file.bin`,
      );
    }
    if (state.plan.paginated) {
      const requestUrl = record
        ? new URL(record.url)
        : new URL(`${origin}${basePaths[0] ?? ""}${operation.requestPath.split("?")[0]}`);
      const nextUrl = (nextPage: number): string => {
        const url = new URL(requestUrl.toString());
        if (operation.method !== "GET") continuations.set(url.pathname, operation);
        const param =
          state.plan.cursorParam && operation.requestBody?.graphql === undefined
            ? state.plan.cursorParam
            : "page_cursor";
        url.searchParams.set(
          param,
          String(
            param === "page_cursor" ? `cursor-${nextPage}` : cursorValue(state.plan, nextPage, pageSize),
          ),
        );
        return url.toString();
      };
      const lastId = lastRecordId(operation, body);
      applyPagination(state.plan, page, pages, pageSize, body, headers, nextUrl, state.book, lastId);
    }
    return { status, headers, body };
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ error: "mock_failure", message: String((error as Error)?.message ?? error) }),
        );
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const dispatcher = createRoutingDispatcher(url);
  const findOperation = (entity: string, action: string): OperationModel => {
    const operation = model.operations.find((op) => op.entity === entity && op.action === action);
    if (operation === undefined) throw new TypeError(`${model.name} has no operation ${entity}.${action}`);
    return operation;
  };
  const defaultOrigin = (): string => {
    try {
      return new URL(substitute(model.baseUrl, configValues)).origin;
    } catch {
      return url;
    }
  };

  return {
    url,
    dispatcher,
    model,
    requests,
    configValues,
    credentials(scheme) {
      const found = credentials.get(scheme);
      if (found === undefined)
        throw new TypeError(`The mock has no credentials for scheme "${scheme}" of ${model.name}`);
      return found;
    },
    requestsFor(filter) {
      return requests.filter(
        (r) =>
          (filter.kind === undefined || r.kind === filter.kind) &&
          (filter.entity === undefined || r.entity === filter.entity) &&
          (filter.action === undefined || r.action === filter.action),
      );
    },
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    reset() {
      requests.length = 0;
      faults.clear();
    },
    expireTokens() {
      for (const token of auth.issued.values()) token.expiresAt = 0;
    },
    revokeConfiguredToken(scheme) {
      for (const candidate of model.securitySchemes) {
        if (scheme === undefined || candidate.name === scheme)
          auth.revokedConfiguredTokens.add(candidate.name);
      }
    },
    get issuedTokens() {
      return [...issuedTokens];
    },
    preferOperation(entity, action) {
      hint = entity === undefined ? undefined : { entity, ...(action !== undefined ? { action } : {}) };
    },
    responseBody(entity, action, page = 0, origin = defaultOrigin()) {
      return buildBody(findOperation(entity, action), page, origin).body;
    },
    expectedResult(entity, action) {
      const operation = findOperation(entity, action);
      const served = [...requests]
        .reverse()
        .find((r) => r.operation === operation && r.response !== undefined && r.response.status < 300);
      if (served?.response !== undefined)
        return extractExpected(operation, served.response.json, served.response.headers);
      const built = buildBody(operation, 0, defaultOrigin());
      return extractExpected(operation, built.body, built.headers);
    },
    downloadBytes(entity, action) {
      const operation = findOperation(entity, action);
      const key =
        operation.fileUrl === undefined
          ? `${entity}/${action}`
          : `${FILE_PATH_PREFIX}${entity}/${action}/file.bin`;
      return expectedDownloadBytes(key, downloadSize);
    },
    async close() {
      await dispatcher.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function scoreCandidate(
  route: OperationRoute,
  record: Pick<RecordedRequest, "query" | "headers" | "parsedBody">,
  hint: { entity: string; action?: string } | undefined,
  document: Readonly<Record<string, unknown>>,
): number {
  const operation = route.operation;
  let score = 0;
  if (
    hint !== undefined &&
    hint.entity === operation.entity &&
    (hint.action === undefined || hint.action === operation.action)
  ) {
    score += 1_000;
  }
  score -=
    10 *
    validateRequest(
      operation,
      { query: record.query, headers: record.headers, body: record.parsedBody },
      document,
    ).length;
  const bodyValue =
    record.parsedBody.kind === "json" || record.parsedBody.kind === "form"
      ? record.parsedBody.value
      : undefined;
  for (const param of operation.parameters) {
    if (param.in !== "query") continue;
    const sent = record.query.get(param.name);
    if (sent === null) continue;
    score += 1;
    if (param.default !== undefined && String(param.default) === sent) score += 3;
  }
  if (isPlainObject(bodyValue)) {
    for (const field of operation.requestBody?.fields ?? []) {
      if (bodyValue[field] === undefined) continue;
      score += 1;
      const fallback = operation.requestBody?.defaults[field];
      if (fallback !== undefined && JSON.stringify(fallback) === JSON.stringify(bodyValue[field])) score += 3;
    }
  }
  return score;
}

function requestValue(record: RecordedRequest, name: string): unknown {
  const fromQuery = record.query.get(name);
  if (fromQuery !== null) return fromQuery;
  const body = record.parsedBody;
  if ((body.kind === "json" || body.kind === "form") && isPlainObject(body.value)) {
    if (body.value[name] !== undefined) return body.value[name];
    const variables = body.value.variables;
    if (isPlainObject(variables)) return variables[name];
  }
  return undefined;
}

function lastRecordId(operation: OperationModel, body: unknown): string | undefined {
  const extracted = extractExpected(operation, body).extracted;
  if (!Array.isArray(extracted) || extracted.length === 0) return undefined;
  const last = extracted.at(-1);
  return isPlainObject(last) && (typeof last.id === "string" || typeof last.id === "number")
    ? String(last.id)
    : undefined;
}

function renderFileUrlPath(template: string, record?: RecordedRequest): string {
  return template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = record?.pathParams?.[name] ?? (record ? requestValue(record, name) : undefined);
    return value === undefined || value === null ? "0" : String(value);
  });
}

function computeBasePaths(
  model: ConnectorModel,
  configValues: Readonly<Record<string, string>>,
  extracted?: Readonly<Record<string, string>>,
): string[] {
  const paths = new Set<string>();
  const tokenExtract = Object.fromEntries(
    model.securitySchemes
      .flatMap((s) => s.tokenExtract)
      .map((name) => [name, extracted?.[name] ?? "https://acme.example.com"]),
  );
  for (const values of [configValues, model.serverVariableDefaults, { ...configValues, ...tokenExtract }]) {
    const candidate = substitute(model.baseUrl, values);
    try {
      const path = new URL(candidate).pathname.replace(/\/+$/, "");
      if (path) paths.add(path);
    } catch {
      // A base URL that is still a template cannot contribute a prefix.
    }
  }
  return [...paths].sort((a, b) => b.length - a.length);
}

function substitute(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function pathOfTemplate(template: string): string | undefined {
  const stripped = template.replace(/\{\{[^}]*\}\}/g, "x").replace(/\{\w+\}/g, "x");
  try {
    return new URL(stripped).pathname;
  } catch {
    return undefined;
  }
}

function hasGrantType(body: ParsedBody): boolean {
  if (body.kind === "form") return typeof body.value.grant_type === "string";
  if (body.kind === "json") return isPlainObject(body.value) && typeof body.value.grant_type === "string";
  return false;
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Waits, but gives up as soon as the client goes away, so an aborted request leaves no timer behind. */
function delayUnlessClosed(ms: number, req: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = req.socket;
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      socket.off("close", onClose);
      resolve(false);
    }, ms);
    socket.once("close", onClose);
  });
}

function sendFault(
  res: ServerResponse,
  record: RecordedRequest,
  fault: FaultSpec,
  target: FaultTarget,
): void {
  const status = fault.status ?? 200;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...lowerKeys(fault.headers ?? {}),
  };
  if (fault.malformedBody) {
    const text = Buffer.from('{"data": [{"id": "truncated');
    record.response = { status, headers, length: text.length };
    res.writeHead(status, { ...headers, "content-length": String(text.length) });
    res.end(text);
    return;
  }
  const payload =
    fault.body === undefined
      ? { error: `injected ${status}` }
      : typeof fault.body === "function"
        ? (fault.body as (request: FaultTarget) => unknown)(target)
        : fault.body;
  const text = Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
  if (fault.resetMidBody) {
    const full = Buffer.concat([text, Buffer.alloc(4096, 0x20)]);
    record.response = { status, headers, length: full.length };
    res.writeHead(status, { ...headers, "content-length": String(full.length) });
    res.write(full.subarray(0, Math.floor(full.length / 2)), () => {
      res.socket?.destroy();
    });
    return;
  }
  record.response = {
    status,
    headers,
    ...(typeof payload === "string" ? {} : { json: payload }),
    length: text.length,
  };
  res.writeHead(status, { ...headers, "content-length": String(text.length) });
  res.end(text);
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
