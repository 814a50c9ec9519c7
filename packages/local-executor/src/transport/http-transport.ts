import type { Readable } from "node:stream";
import { delay, type RetryConfig } from "@execkit/core";
import {
  AuthenticationError,
  createHttpStatusError,
  type ExecKitError,
  NetworkError,
  type Redactor,
  RequestAbortedError,
  RequestTimeoutError,
} from "@execkit/errors";
import { type Dispatcher, request } from "undici";
import type { AuthMaterial, AuthSession } from "../auth/auth-session";
import { appendQuery } from "../request/encode";
import type { RequestLogSink } from "../request-logger";
import { sendBuffered } from "./buffered-request";
import { toRequestTarget } from "./request-target";
import { retryDelayMs } from "./retry-policy";

/** One request as the transport sends it. */
export interface TransportRequest {
  method: string;
  /** Absolute URL, query included. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  kind: "api" | "token" | "file";
  /**
   * True when sending it twice cannot do more than sending it once (GET/HEAD/PUT/DELETE, or a read-only action
   * even over POST, such as a GraphQL query). Decides which failures may be retried.
   */
  idempotent: boolean;
  /** Apply the executor's auth (off for token requests and for files outside the API's base URL). */
  authenticate: boolean;
  /** Return the body as a stream instead of reading it (downloads). */
  stream?: boolean;
  /** Return every status instead of throwing for >= 400 (token requests read their own errors). */
  acceptAnyStatus?: boolean;
  /** Retry per the retry config (default true). */
  retry?: boolean;
}

/** A response: headers lower-cased, and either the text or a stream of the body. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  url: string;
  text?: string;
  stream?: Readable;
}

/** Construction options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  dispatcher: Dispatcher;
  retryConfig: RetryConfig;
  timeoutMs: number;
  redactor: Redactor;
  logger: RequestLogSink;
  userAgent: string;
  auth?: AuthSession;
}

const RETRYABLE_NETWORK_CODES_BEFORE_SEND = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const PRECISE_TIMEOUT_BELOW_MS = 5_000;

/**
 * Sends requests with undici through one dispatcher: auth, timeouts, cancellation, retries, the 401 → refresh →
 * retry step, status errors and logging all live here, so every request (API, token refresh, file download)
 * behaves the same way.
 *
 * Retries are idempotency-aware: a failure is retried when its status is in `retryOnStatusCodes` (or it is a
 * timeout or network failure, when enabled) and either the request is idempotent or the failure proves the server
 * did nothing: a 429, or a connection that failed before the request was sent. A non-idempotent request that
 * failed after it may have reached the server is not retried; its {@link NetworkError} has `requestSent: true`
 * and says the outcome is unknown.
 */
export class HttpTransport {
  readonly #options: HttpTransportOptions;

  constructor(options: HttpTransportOptions) {
    this.#options = options;
  }

  get auth(): AuthSession | undefined {
    return this.#options.auth;
  }

  async send(original: TransportRequest, signal?: AbortSignal): Promise<TransportResponse> {
    const { retryConfig, redactor } = this.#options;
    const maxAttempts = original.retry === false ? 1 : retryConfig.maxAttempts;
    let req = original;
    let redirects = 0;
    let attempt = 0;
    let sends = 0;
    let authRetried = false;
    for (;;) {
      if (signal?.aborted) throw this.#aborted(req, signal);
      const auth = req.authenticate ? this.#options.auth : undefined;
      let material: AuthMaterial | undefined;
      if (auth) {
        const pending = auth.ensureFresh(signal);
        if (pending) await pending;
        material = auth.current();
      }
      sends++;
      let response: TransportResponse;
      try {
        response = await this.#attempt(req, material, sends, signal);
      } catch (error) {
        const retryable =
          (NetworkError.isInstance(error) && retryConfig.retryOnNetworkError) ||
          (RequestTimeoutError.isInstance(error) && retryConfig.retryOnTimeout);
        const nothingHappened = NetworkError.isInstance(error) && !(error as NetworkError).requestSent;
        const mayRetry = req.idempotent || nothingHappened || retryConfig.retryNonIdempotent;
        if (retryable && mayRetry && attempt < maxAttempts - 1) {
          await this.#backoff(req, attempt, undefined, signal);
          attempt++;
          continue;
        }
        throw error;
      }
      const { status } = response;
      if (REDIRECTS.has(status) && response.headers.location && redirects < MAX_REDIRECTS) {
        await discard(response);
        req = redirected(req, response);
        redirects++;
        continue;
      }
      if (status < 400 || req.acceptAnyStatus) {
        if (response.stream && !req.stream)
          response.text = await readBounded(response.stream, Number.POSITIVE_INFINITY);
        return response;
      }
      if (status === 401 && auth && material && !authRetried) {
        // The first 401 after a token was used may mean it expired: refresh (or pick up a concurrent refresh)
        // and send once more. A second 401 is final.
        const fresh = await auth.onUnauthorized(material, signal);
        if (fresh) {
          authRetried = true;
          await discard(response);
          continue;
        }
      }
      const mayRetry = req.idempotent || status === 429 || retryConfig.retryNonIdempotent;
      if (retryConfig.retryOnStatusCodes.includes(status) && mayRetry && attempt < maxAttempts - 1) {
        await discard(response);
        await this.#backoff(req, attempt, response.headers, signal);
        attempt++;
        continue;
      }
      const body = response.text ?? (await readBounded(response.stream));
      const error = createHttpStatusError({
        status,
        headers: response.headers,
        body: parseMaybeJson(body),
        method: req.method,
        url: req.url,
        redactor,
      });
      if (status === 401 && authRetried && AuthenticationError.isInstance(error)) {
        throw createHttpStatusError({
          status,
          headers: response.headers,
          body: parseMaybeJson(body),
          method: req.method,
          url: req.url,
          redactor,
          message: `${error.message.replace(/^Authentication failed: /, "").replace(/ \(HTTP 401\)$/, "")} (rejected again after a token refresh; the new credentials are not accepted either)`,
        });
      }
      throw error;
    }
  }

  async #backoff(
    req: TransportRequest,
    attempt: number,
    headers: Record<string, string> | undefined,
    signal?: AbortSignal,
  ) {
    const delayMs = retryDelayMs(attempt, this.#options.retryConfig, headers);
    try {
      await delay(delayMs, signal);
    } catch {
      throw this.#aborted(req, signal);
    }
  }

  async #attempt(
    req: TransportRequest,
    material: AuthMaterial | undefined,
    attemptNumber: number,
    signal: AbortSignal | undefined,
  ): Promise<TransportResponse> {
    const { timeoutMs, dispatcher, logger, userAgent } = this.#options;
    const url = material && material.query.length > 0 ? appendQuery(req.url, material.query) : req.url;
    const headers: Record<string, string> = { accept: "*/*", "user-agent": userAgent };
    mergeHeaders(headers, req.headers);
    if (material) mergeHeaders(headers, material.headers);
    const startedAt = Date.now();
    // Every outcome of this attempt (a body, a stream, an error) is logged with the same request fields.
    const logExchange = (
      outcome:
        | { status: number; responseHeaders: Record<string, string>; responseBody: string }
        | { error: string },
    ) => {
      if (!logger.enabled) return;
      logger.log({
        kind: req.kind,
        method: req.method,
        url,
        attempt: attemptNumber,
        requestHeaders: headers,
        requestBody: req.body,
        startedAt,
        ...outcome,
      });
    };
    let phase: "headers" | "body" = "headers";
    let progress: { headersReceived: boolean } | undefined;
    // undici's own timers tick at about one second, fine for the default 30 s but not for a 200 ms limit: short
    // limits get a native timer (and an AbortController), long ones stay on the cheaper undici timeouts.
    let requestSignal = signal;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    let unlink: (() => void) | undefined;
    if (timeoutMs > 0 && timeoutMs < PRECISE_TIMEOUT_BELOW_MS) {
      const controller = new AbortController();
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      if (signal) {
        const onAbort = () => controller.abort(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        unlink = () => signal.removeEventListener("abort", onAbort);
      }
      requestSignal = controller.signal;
    }
    try {
      if (!req.stream) {
        // Read whole (API and token responses): no stream object needed, see sendBuffered.
        const { origin, path } = toRequestTarget(url);
        progress = { headersReceived: false };
        const response = await sendBuffered(dispatcher, {
          origin,
          path,
          method: req.method,
          headers,
          body: req.body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: requestSignal,
          progress,
        });
        if (timer) clearTimeout(timer);
        unlink?.();
        const responseHeaders = flattenHeaders(response.headers);
        const { status, text } = response;
        logExchange({ status, responseHeaders, responseBody: text });
        return { status, headers: responseHeaders, url, text };
      }
      // Streams (downloads): the caller's signal is passed straight through; headers must arrive within timeoutMs
      // and the body may not stall longer than timeoutMs between chunks.
      const response = await request(url, {
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        dispatcher,
        signal: requestSignal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      phase = "body";
      const responseHeaders = flattenHeaders(response.headers);
      const status = response.statusCode;
      if ((req.stream && status < 400) || (REDIRECTS.has(status) && responseHeaders.location)) {
        // A stream's total time is unbounded on purpose (a large download); only its idle gaps are limited.
        if (timer) clearTimeout(timer);
        const stream = response.body as unknown as Readable;
        if (unlink) stream.once("close", unlink);
        logExchange({ status, responseHeaders, responseBody: "<streamed binary content>" });
        return { status, headers: responseHeaders, url, stream };
      }
      const text = await response.body.text();
      if (timer) clearTimeout(timer);
      unlink?.();
      logExchange({ status, responseHeaders, responseBody: text });
      return { status, headers: responseHeaders, url, text };
    } catch (cause) {
      if (timer) clearTimeout(timer);
      unlink?.();
      if (progress?.headersReceived) phase = "body";
      const error = this.#classify(req, cause, { phase, signal, timedOut });
      logExchange({ error: error.message });
      throw error;
    }
  }

  #classify(
    req: TransportRequest,
    cause: unknown,
    state: { phase: "headers" | "body"; signal: AbortSignal | undefined; timedOut: boolean },
  ): ExecKitError {
    const { redactor, timeoutMs } = this.#options;
    if (state.signal?.aborted) return this.#aborted(req, state.signal, cause);
    const code = errorCode(cause);
    if (
      state.timedOut ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT" ||
      code === "UND_ERR_CONNECT_TIMEOUT"
    ) {
      const phase =
        code === "UND_ERR_CONNECT_TIMEOUT"
          ? "connect"
          : code === "UND_ERR_BODY_TIMEOUT"
            ? "body"
            : state.phase;
      if (phase === "connect") {
        return new NetworkError(
          `Could not connect to ${req.method} ${req.url} within the connect timeout; the request was not sent.`,
          {
            method: req.method,
            url: req.url,
            requestSent: false,
            cause,
            redactor,
            code: "CONNECT_TIMEOUT",
          },
        );
      }
      const outcome = req.idempotent
        ? ""
        : " The request may have reached the server, so its outcome is unknown; check before retrying.";
      return new RequestTimeoutError(
        `${req.method} ${req.url} timed out after ${timeoutMs} ms waiting for the response ${phase}.${outcome} Raise timeoutMs if the API is slow.`,
        { method: req.method, url: req.url, timeoutMs, phase, cause, redactor },
      );
    }
    const sentBefore = code !== undefined && RETRYABLE_NETWORK_CODES_BEFORE_SEND.has(code);
    const detail = cause instanceof Error ? cause.message : String(cause);
    const outcome = sentBefore
      ? "the request was not sent."
      : req.idempotent
        ? "the request may have reached the server."
        : "the request may have reached the server, so its outcome is unknown; it was not retried. Check the API's state before retrying.";
    return new NetworkError(
      `${req.method} ${req.url} failed: ${detail}${code ? ` (${code})` : ""}; ${outcome}`,
      {
        method: req.method,
        url: req.url,
        requestSent: !sentBefore,
        cause,
        redactor,
      },
    );
  }

  #aborted(req: TransportRequest, signal: AbortSignal | undefined, cause?: unknown): RequestAbortedError {
    return new RequestAbortedError(`${req.method} ${req.url} was aborted by the caller's signal.`, {
      method: req.method,
      url: req.url,
      cause: cause ?? signal?.reason,
      redactor: this.#options.redactor,
    });
  }
}

/**
 * The request to send after a redirect: 303 (and 301/302 after a POST) become a body-less GET, as browsers and
 * httpx do. Auth is dropped when the redirect leaves the origin, so credentials never follow a redirect to
 * another host.
 */
function redirected(req: TransportRequest, response: TransportResponse): TransportRequest {
  const target = new URL(response.headers.location!, req.url);
  const toGet =
    response.status === 303 ||
    ((response.status === 301 || response.status === 302) && req.method === "POST");
  const sameOrigin = target.origin === new URL(req.url).origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (toGet && (lower === "content-type" || lower === "content-length")) continue;
    if (!sameOrigin && (lower === "authorization" || lower === "cookie")) continue;
    headers[name] = value;
  }
  return {
    ...req,
    url: target.toString(),
    method: toGet ? "GET" : req.method,
    body: toGet ? undefined : req.body,
    headers,
    authenticate: req.authenticate && sameOrigin,
  };
}

/** Sets `source`'s headers on `target`, replacing same-named ones whatever their case. */
function mergeHeaders(target: Record<string, string>, source: Readonly<Record<string, string>>): void {
  for (const name in source) {
    if (!(name in target)) {
      const lower = name.toLowerCase();
      for (const existing in target)
        if (existing !== name && existing.toLowerCase() === lower) delete target[existing];
    }
    target[name] = source[name]!;
  }
}

/** undici already lower-cases header names; only repeated headers (arrays) need joining. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = typeof value === "string" ? value : value.join(", ");
  }
  return out;
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Drops a body we will not read. The noop listener keeps the abort undici emits from being unhandled. */
async function discard(response: TransportResponse): Promise<void> {
  if (response.stream && !response.stream.destroyed) {
    response.stream.on("error", () => {});
    response.stream.destroy();
  }
}

async function readBounded(stream: Readable | undefined, limit = MAX_ERROR_BODY_BYTES): Promise<string> {
  if (!stream) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } catch {
    // The error body is only context; a broken one still yields the status error.
  } finally {
    stream.on("error", () => {});
    stream.destroy();
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseMaybeJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}
