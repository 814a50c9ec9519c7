import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ExecutionResult, ExecutorProtocol } from "@execkit/core";

/** A connector the fake cloud knows: what the lookup filters on and what execute runs. */
export interface FakeCloudConnector {
  /** The connector (source) id used in `/connectors/{id}/execute`. */
  id: string;
  workspaceName: string;
  /** The connector definition UUID the lookup's `definition_id` matches. */
  definitionId: string;
  /** When set, the connector is only visible to calls whose `X-Organization-Id` is this value. */
  organizationId?: string;
  /** Shown as `name` in lookup answers. */
  name?: string;
}

/** The three endpoints the fake cloud serves. */
export type FakeCloudEndpoint = "token" | "lookup" | "execute";

/**
 * A fault answered instead of (or before) the normal answer of matching requests. Field names follow the mock
 * API's `FaultSpec` (`status`, `headers`, `body`, `delayMs`, `resetMidBody`, `malformedBody`, `times`); they
 * combine, so `{ delayMs: 500 }` alone only slows the real answer down.
 */
export interface FakeCloudFault {
  /** Which endpoint it hits; every endpoint when omitted. */
  endpoint?: FakeCloudEndpoint;
  /** How many matching requests it hits; default 1, `Infinity` for all. */
  times?: number;
  /** Answer with this status (and `body`, default `{"message": "injected <status>"}`). */
  status?: number;
  /** The body of an injected status: a string is sent as is (text/plain), anything else as JSON. */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Sets `Retry-After` (seconds, or any string). */
  retryAfter?: number | string;
  /** Waits this long before answering. */
  delayMs?: number;
  /** Destroys the connection before any answer. */
  reset?: boolean;
  /** Sends the headers and half the body, then destroys the connection. */
  resetMidBody?: boolean;
  /** Answers 200 with a JSON content type and the answer's body cut in half. */
  malformedBody?: boolean;
  /** Answers 200 with this JSON instead of the real answer (e.g. `{}` for a missing `result`). */
  json?: unknown;
}

/** A queued fault; see {@link FakeCloud.inject}. */
export interface FakeCloudFaultHandle {
  /** Requests it has applied to so far. */
  readonly hits: number;
  /** Applications left. */
  readonly remaining: number;
  /** Stops it applying. */
  remove(): void;
}

/** One request the fake cloud received, as it came off the wire. */
export interface FakeCloudRequest {
  endpoint: FakeCloudEndpoint | "unknown";
  method: string;
  /** The path without the query string. */
  path: string;
  /** The raw query string, without `?` (`""` when there is none). */
  rawQuery: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body as received (`""` when none). */
  body: string;
  /** The status the fake cloud answered with (undefined when the connection was reset). */
  status?: number;
}

/** Options of {@link startFakeCloud}. */
export interface FakeCloudOptions {
  /** Application credentials that get tokens: client id → secret. Default `{ "test-client-id": "test-client-secret" }`. */
  clients?: Record<string, string>;
  /** The connectors the lookup and execute know. */
  connectors?: FakeCloudConnector[];
  /**
   * Builds the executor behind a connector (called once per connector, on its first execute). Hosted tests plug
   * a real `LocalExecutor` running against `startMockApi` here. Without it, execute answers 501.
   */
  createExecutor?: (connector: FakeCloudConnector) => ExecutorProtocol | Promise<ExecutorProtocol>;
  /** Lifetime of issued tokens, in seconds. Default 900 (the real cloud's 15 minutes). */
  tokenTtlSeconds?: number;
  /** Whether token answers carry `expires_in`. Default true. */
  sendExpiresIn?: boolean;
}

/** A running fake cloud; see {@link startFakeCloud}. */
export interface FakeCloud {
  /** Base URL (`http://127.0.0.1:<port>`), to pass as `apiUrl`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly FakeCloudRequest[];
  /** The requests to one endpoint. */
  requestsTo(endpoint: FakeCloudEndpoint): FakeCloudRequest[];
  /** Every token issued so far. */
  readonly issuedTokens: readonly string[];
  /** Queues a fault; the first queued fault matching a request applies to it. */
  inject(fault: FakeCloudFault): FakeCloudFaultHandle;
  /** Makes every token issued so far expired: the next call with one gets a 401. */
  expireTokens(): void;
  /** Adds a connector to the registry. */
  addConnector(connector: FakeCloudConnector): void;
  /** Forgets recorded requests (tokens stay valid). */
  clearRequests(): void;
  /** Stops the server, drops open connections and closes the executors it built. */
  close(): Promise<void>;
}

const TOKEN_PATH = "/api/v1/account/applications/token";
const CONNECTORS_PATH = "/api/v1/integrations/connectors";
const EXECUTE_PATH = /^\/api\/v1\/integrations\/connectors\/([^/]+)\/execute$/;

/**
 * Starts a stand-in for the Airbyte cloud API on 127.0.0.1 that serves the three endpoints the hosted executor
 * uses, with real behaviour behind them:
 *
 * - `POST /api/v1/account/applications/token`: checks `client_id`/`client_secret`, issues random tokens that
 *   expire after `tokenTtlSeconds` (or on {@link FakeCloud.expireTokens});
 * - `GET /api/v1/integrations/connectors?workspace_name=&definition_id=`: filters the registry (and the
 *   organization, from `X-Organization-Id`), answering `{data: [{id, name, workspace_name, definition_id}]}`;
 * - `POST /api/v1/integrations/connectors/{id}/execute`: runs `{entity, action, params}` on the connector's
 *   executor and answers `{result, connector_metadata}`; a download (a byte-stream result) is sent as
 *   `application/octet-stream`, chunk by chunk as the executor produces it, as the real cloud streams files.
 *
 * Failures answer with `{message}` bodies, as the reference client reads them: 401 for a missing, unknown or
 * expired token or bad credentials; 404 for an unknown connector; 422 for a malformed execute body; 400 with
 * `{"message", "success": false, "result"}` for an execution error (the executor's `success: false`: unknown
 * entity, missing parameter…); an error thrown by the executor keeps its HTTP status when it has one (so an
 * upstream 429 is a 429 with its `Retry-After`), 504 for a timeout, 502 for a network failure, else 500.
 */
export async function startFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const clients = options.clients ?? { "test-client-id": "test-client-secret" };
  const connectors = [...(options.connectors ?? [])];
  const ttlMs = (options.tokenTtlSeconds ?? 900) * 1000;
  const tokens = new Map<string, number>();
  const issuedTokens: string[] = [];
  const requests: FakeCloudRequest[] = [];
  const faults: Array<{ fault: FakeCloudFault; hits: number; remaining: number }> = [];
  const executors = new Map<string, Promise<ExecutorProtocol>>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function takeFault(endpoint: FakeCloudRequest["endpoint"]): FakeCloudFault | undefined {
    const index = faults.findIndex(
      ({ fault }) => fault.endpoint === undefined || fault.endpoint === endpoint,
    );
    if (index < 0) return undefined;
    const entry = faults[index]!;
    entry.hits += 1;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  function bearerValid(record: FakeCloudRequest): boolean {
    const match = /^Bearer (.+)$/.exec(record.headers.authorization ?? "");
    const expiresAt = match ? tokens.get(match[1]!) : undefined;
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  function executorFor(connector: FakeCloudConnector): Promise<ExecutorProtocol> | undefined {
    if (!options.createExecutor) return undefined;
    let executor = executors.get(connector.id);
    if (!executor) {
      executor = Promise.resolve().then(() => options.createExecutor!(connector));
      executors.set(connector.id, executor);
    }
    return executor;
  }

  async function answer(record: FakeCloudRequest): Promise<Answer> {
    if (record.endpoint === "token") {
      const body = parseJson(record.body);
      const clientId = body?.client_id;
      const clientSecret = body?.client_secret;
      if (typeof clientId !== "string" || typeof clientSecret !== "string") {
        return json(422, { message: "client_id and client_secret are required" });
      }
      if (clients[clientId] !== clientSecret) return json(401, { message: "Invalid client credentials" });
      const token = `fake-token-${randomBytes(16).toString("hex")}`;
      tokens.set(token, Date.now() + ttlMs);
      issuedTokens.push(token);
      const answerBody: Record<string, unknown> = { access_token: token, token_type: "Bearer" };
      if (options.sendExpiresIn !== false) answerBody.expires_in = Math.round(ttlMs / 1000);
      return json(200, answerBody);
    }
    if (record.endpoint === "unknown")
      return json(404, { message: `No route for ${record.method} ${record.path}` });
    if (!bearerValid(record)) return json(401, { message: "Invalid or expired token" });
    const organization = record.headers["x-organization-id"];
    const visible = (connector: FakeCloudConnector) =>
      connector.organizationId === undefined || connector.organizationId === organization;

    if (record.endpoint === "lookup") {
      const { workspace_name: workspaceName, definition_id: definitionId } = record.query;
      const found = connectors.filter(
        (connector) =>
          visible(connector) &&
          (workspaceName === undefined || connector.workspaceName === workspaceName) &&
          (definitionId === undefined || connector.definitionId === definitionId),
      );
      return json(200, {
        data: found.map((connector) => ({
          id: connector.id,
          name: connector.name ?? `${connector.workspaceName}-${connector.definitionId}`,
          workspace_name: connector.workspaceName,
          definition_id: connector.definitionId,
        })),
      });
    }

    const connectorId = decodeURIComponent(EXECUTE_PATH.exec(record.path)![1]!);
    const connector = connectors.find((candidate) => candidate.id === connectorId && visible(candidate));
    if (!connector) return json(404, { message: `Connector ${connectorId} not found` });
    const body = parseJson(record.body);
    if (!body || typeof body.entity !== "string" || typeof body.action !== "string") {
      return json(422, { message: "The body must be a JSON object with string entity and action" });
    }
    const params = body.params;
    if (params !== null && params !== undefined && (typeof params !== "object" || Array.isArray(params))) {
      return json(422, { message: "params must be an object or null" });
    }
    const executor = executorFor(connector);
    if (!executor) return json(501, { message: "This fake cloud was started without createExecutor" });
    let result: ExecutionResult;
    try {
      result = await (await executor).execute({
        entity: body.entity,
        action: body.action,
        params: params as Record<string, unknown> | null,
      });
    } catch (error) {
      return executorFailure(error);
    }
    if (!result.success) return executionError(result.error ?? "Execution failed", result.data);
    if (isByteStream(result.data)) {
      // Sent as the executor produces it, as the real cloud streams a download.
      return {
        status: 200,
        headers: { "content-type": "application/octet-stream" },
        body: "",
        stream: result.data,
      };
    }
    return json(200, { result: result.data ?? null, connector_metadata: result.meta ?? null });
  }

  const server = createServer((request, response) => {
    // A client that hangs up mid-request makes reading fail; that connection is simply dropped.
    handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const record = await readRequest(request);
    requests.push(record);
    const fault = takeFault(record.endpoint);
    if (fault?.delayMs) await wait(fault.delayMs);
    if (response.destroyed) return;
    if (fault?.reset) {
      request.socket.destroy();
      return;
    }
    let reply: Answer;
    if (fault?.json !== undefined) reply = json(200, fault.json);
    else if (fault?.status !== undefined) {
      const body = fault.body ?? { message: `injected ${fault.status}` };
      reply =
        typeof body === "string"
          ? { status: fault.status, headers: { "content-type": "text/plain" }, body }
          : json(fault.status, body);
    } else {
      try {
        reply = await answer(record);
      } catch (error) {
        reply = json(500, { message: error instanceof Error ? error.message : "Internal error" });
      }
    }
    if (fault?.headers) reply.headers = { ...reply.headers, ...fault.headers };
    if (fault?.retryAfter !== undefined) reply.headers["retry-after"] = String(fault.retryAfter);
    if (reply.stream && (fault?.malformedBody || fault?.resetMidBody)) {
      // These faults cut a known body in half, so a streamed one is read whole first.
      const chunks: Uint8Array[] = [];
      for await (const chunk of reply.stream) chunks.push(chunk);
      reply = { status: reply.status, headers: reply.headers, body: Buffer.concat(chunks) };
    }
    if (fault?.malformedBody) {
      const whole = Buffer.from(reply.body);
      reply = {
        status: 200,
        headers: { "content-type": "application/json" },
        body: whole.subarray(0, whole.length >> 1),
      };
    }
    record.status = reply.status;
    if (response.destroyed) return;
    if (fault?.resetMidBody) {
      const whole = Buffer.from(reply.body);
      response.writeHead(reply.status, { ...reply.headers, "content-length": String(whole.length) });
      response.write(whole.subarray(0, whole.length >> 1), () => request.socket.destroy());
      return;
    }
    response.writeHead(reply.status, reply.headers);
    if (reply.stream) await sendStream(reply.stream, response);
    else response.end(reply.body);
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (endpoint) => requests.filter((record) => record.endpoint === endpoint),
    issuedTokens,
    inject(fault) {
      if (fault.times !== undefined && !(fault.times > 0))
        throw new RangeError("fault times must be a positive number");
      const entry = { fault: { ...fault }, hits: 0, remaining: fault.times ?? 1 };
      faults.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        get remaining() {
          return entry.remaining;
        },
        remove() {
          const at = faults.indexOf(entry);
          if (at >= 0) faults.splice(at, 1);
          entry.remaining = 0;
        },
      };
    },
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    addConnector(connector) {
      connectors.push(connector);
    },
    clearRequests() {
      requests.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const executor of executors.values()) {
        const built = await executor.catch(() => undefined);
        const closable = built as { close?: () => unknown } | undefined;
        if (typeof closable?.close === "function") await closable.close();
      }
    },
  };
}

/** A fresh connector record with random ids, for tests that need one. */
export function fakeCloudConnector(overrides: Partial<FakeCloudConnector> = {}): FakeCloudConnector {
  return { id: randomUUID(), workspaceName: "default", definitionId: randomUUID(), ...overrides };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** A download, written chunk by chunk as it is read (instead of `body`). */
  stream?: AsyncIterable<Uint8Array>;
}

/** Writes `stream` to `response` with backpressure; stops reading it when the client goes away. */
async function sendStream(stream: AsyncIterable<Uint8Array>, response: ServerResponse): Promise<void> {
  for await (const chunk of stream) {
    if (response.destroyed) return;
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off("drain", done);
          response.off("close", done);
          resolve();
        };
        response.on("drain", done);
        response.on("close", done);
      });
    }
  }
  if (!response.destroyed) response.end();
}

function json(status: number, body: unknown): Answer {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** An executor's thrown error becomes the answer the real cloud would give for it. */
function executorFailure(error: unknown): Answer {
  const message = error instanceof Error ? error.message : String(error);
  const fields = (error ?? {}) as { status?: unknown; code?: unknown; retryAfterMs?: unknown };
  const headers: Record<string, string> = {};
  if (typeof fields.retryAfterMs === "number")
    headers["retry-after"] = String(Math.ceil(fields.retryAfterMs / 1000));
  const withHeaders = (answer: Answer): Answer => ({ ...answer, headers: { ...answer.headers, ...headers } });
  if (typeof fields.status === "number" && fields.status >= 400 && fields.status <= 599) {
    return withHeaders(json(fields.status, { message }));
  }
  if (fields.code === "REQUEST_TIMEOUT") return json(504, { message });
  if (fields.code === "NETWORK_ERROR") return json(502, { message });
  if (error instanceof Error && isExecutionError(error)) return executionError(message, null);
  return json(500, { message });
}

/**
 * An operation that could not run: 400 with `"success": false`, so a client can tell it from a validation error
 * of the upstream API (also 400/422), and `message` for clients that only read that.
 */
function executionError(message: string, data: unknown): Answer {
  return json(400, { message, success: false, result: isByteStream(data) ? null : (data ?? null) });
}

/** Execution errors (bad entity, action or params) are the caller's to fix: 400, as for `success: false`. */
function isExecutionError(error: Error): boolean {
  return /^(EXECUTOR_ERROR|ENTITY_NOT_FOUND|ACTION_NOT_SUPPORTED|INVALID_PARAMETER|MISSING_PARAMETER)$/.test(
    String((error as { code?: unknown }).code),
  );
}

async function readRequest(request: IncomingMessage): Promise<FakeCloudRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  const path = queryStart < 0 ? target : target.slice(0, queryStart);
  const rawQuery = queryStart < 0 ? "" : target.slice(queryStart + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const method = request.method ?? "GET";
  let endpoint: FakeCloudRequest["endpoint"] = "unknown";
  if (method === "POST" && path === TOKEN_PATH) endpoint = "token";
  else if (method === "GET" && path === CONNECTORS_PATH) endpoint = "lookup";
  else if (method === "POST" && EXECUTE_PATH.test(path)) endpoint = "execute";
  return {
    endpoint,
    method,
    path,
    rawQuery,
    query: Object.fromEntries(new URLSearchParams(rawQuery)),
    headers,
    body: Buffer.concat(chunks).toString("utf8"),
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isByteStream(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
