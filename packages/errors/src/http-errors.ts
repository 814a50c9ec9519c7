import { brandFor } from "./brand";
import { ExecKitError, type ExecKitErrorOptions } from "./execkit-error";
import { defaultRedactor, excerpt, type Redactor } from "./redaction";

/** The request an HTTP error is about. URLs and headers are stored redacted. */
export interface HttpRequestInfo {
  method?: string;
  url?: string;
}

/**
 * Base of every error about talking to an HTTP API: a status the API answered with, a network failure,
 * a timeout, an unparseable response.
 */
export class HTTPClientError extends ExecKitError {
  static override readonly brand: symbol = brandFor("HTTPClientError");
  static override readonly defaultCode: string = "HTTP_CLIENT_ERROR";
  /** Upper-case HTTP method of the failed request. */
  readonly method?: string;
  /** The URL of the failed request, with credentials redacted. */
  readonly url?: string;

  constructor(message: string, options: ExecKitErrorOptions & HttpRequestInfo & { code?: string } = {}) {
    super(message, options);
    this.method = options.method?.toUpperCase();
    this.url =
      options.url === undefined ? undefined : (options.redactor ?? defaultRedactor).redactUrl(options.url);
  }

  protected override jsonFields(): Record<string, unknown> {
    return { method: this.method, url: this.url };
  }
}

/** Options of every HTTP status error. */
export interface HTTPStatusErrorOptions extends ExecKitErrorOptions, HttpRequestInfo {
  status: number;
  /** Response headers; sensitive ones are stored as `[REDACTED]`. */
  headers?: Record<string, string | string[] | undefined>;
  /** The response body (text or parsed JSON); only a bounded, redacted excerpt is kept. */
  body?: unknown;
  /** The request id the API returned (`x-request-id` and friends), when there is one. */
  requestId?: string;
  code?: string;
}

const BODY_EXCERPT_CHARS = 1_000;

/**
 * The API answered with a status that means failure, and no more specific class applies.
 * Build it (and its subclasses) with {@link createHttpStatusError}, which picks the class from the status.
 */
export class HTTPStatusError extends HTTPClientError {
  static override readonly brand: symbol = brandFor("HTTPStatusError");
  static override readonly defaultCode: string = "HTTP_STATUS_ERROR";
  /** The HTTP status code (the reference calls it `status_code`). */
  readonly status: number;
  /** Response headers, with credential-bearing ones redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** At most 1,000 characters of the response body, redacted. */
  readonly bodyExcerpt?: string;
  /** The request id the API returned, for support tickets. */
  readonly requestId?: string;

  constructor(message: string, options: HTTPStatusErrorOptions) {
    super(message, options);
    const redactor = options.redactor ?? defaultRedactor;
    this.status = options.status;
    this.headers = Object.freeze(redactor.redactHeaders(options.headers ?? {}));
    this.bodyExcerpt = bodyExcerpt(options.body, redactor);
    this.requestId = options.requestId ?? findRequestId(this.headers);
  }

  /** Alias of `status`, under the reference's name. */
  get statusCode(): number {
    return this.status;
  }

  /** 408, 409, 429 and every 5xx may succeed when sent again. */
  override get isRetryable(): boolean {
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }

  protected override jsonFields(): Record<string, unknown> {
    return {
      ...super.jsonFields(),
      status: this.status,
      headers: this.headers,
      bodyExcerpt: this.bodyExcerpt,
      requestId: this.requestId,
    };
  }
}

/** 401 or 403: the credentials were refused. */
export class AuthenticationError extends HTTPStatusError {
  static override readonly brand: symbol = brandFor("AuthenticationError");
  static override readonly defaultCode: string = "AUTHENTICATION_FAILED";
  override get isRetryable(): boolean {
    return false;
  }
}

/** An OAuth2 token refresh failed (bad refresh token, token endpoint down, no access token in the answer). */
export class TokenRefreshError extends AuthenticationError {
  static override readonly brand: symbol = brandFor("TokenRefreshError");
  static override readonly defaultCode: string = "TOKEN_REFRESH_FAILED";
}

/** 429: too many requests. `retryAfterMs` says how long the API asked us to wait, when it said. */
export class RateLimitError extends HTTPStatusError {
  static override readonly brand: symbol = brandFor("RateLimitError");
  static override readonly defaultCode: string = "RATE_LIMITED";
  /** Milliseconds to wait before retrying, from `Retry-After` (seconds or HTTP date) or `retry-after-ms`. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: HTTPStatusErrorOptions & { retryAfterMs?: number }) {
    super(message, { ...options, status: options.status ?? 429 });
    this.retryAfterMs = options.retryAfterMs ?? parseRetryAfterMs(this.headers);
  }

  /** Whole seconds to wait, under the reference's name (`retry_after`). */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.ceil(this.retryAfterMs / 1000);
  }

  override get isRetryable(): boolean {
    return true;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), retryAfterMs: this.retryAfterMs };
  }
}

/**
 * 400 or 422, or a value refused by a client-side check before sending: the input was wrong. Not retryable as
 * is, but an LLM can correct its input and try again.
 */
export class ConnectorValidationError extends HTTPStatusError {
  static override readonly brand: symbol = brandFor("ConnectorValidationError");
  static override readonly defaultCode: string = "VALIDATION_FAILED";
  override get isRetryable(): boolean {
    return false;
  }
}

/**
 * The request never got an answer: connection refused or reset, DNS failure, socket closed mid-body.
 * `requestSent` tells whether the request may have reached the server; when it did and the method is not
 * idempotent, the outcome is unknown and the error says so.
 */
export class NetworkError extends HTTPClientError {
  static override readonly brand: symbol = brandFor("NetworkError");
  static override readonly defaultCode: string = "NETWORK_ERROR";
  /** Whether the request may have reached the server before the failure. */
  readonly requestSent: boolean;

  constructor(
    message: string,
    options: ExecKitErrorOptions & HttpRequestInfo & { requestSent?: boolean; code?: string } = {},
  ) {
    super(message, options);
    this.requestSent = options.requestSent ?? true;
  }

  override get isRetryable(): boolean {
    return true;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), requestSent: this.requestSent };
  }
}

/** The request took longer than the configured timeout. */
export class RequestTimeoutError extends HTTPClientError {
  static override readonly brand: symbol = brandFor("RequestTimeoutError");
  static override readonly defaultCode: string = "REQUEST_TIMEOUT";
  /** The timeout that expired. */
  readonly timeoutMs?: number;
  /** Which phase timed out, when known: `connect`, `headers` or `body`. */
  readonly phase?: "connect" | "headers" | "body";

  constructor(
    message: string,
    options: ExecKitErrorOptions &
      HttpRequestInfo & { timeoutMs?: number; phase?: "connect" | "headers" | "body" } = {},
  ) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
    this.phase = options.phase;
  }

  override get isRetryable(): boolean {
    return true;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), timeoutMs: this.timeoutMs, phase: this.phase };
  }
}

/** The caller aborted the operation through its `AbortSignal`. Never retried. */
export class RequestAbortedError extends HTTPClientError {
  static override readonly brand: symbol = brandFor("RequestAbortedError");
  static override readonly defaultCode: string = "ABORTED";
}

/** A 2xx response whose body is not what the operation promised (not JSON, a missing key, an error-in-body). */
export class ResponseFormatError extends HTTPClientError {
  static override readonly brand: symbol = brandFor("ResponseFormatError");
  static override readonly defaultCode: string = "INVALID_RESPONSE";
  /** The HTTP status of the response. */
  readonly status?: number;
  /** At most 1,000 characters of the body, redacted. */
  readonly bodyExcerpt?: string;

  constructor(
    message: string,
    options: ExecKitErrorOptions & HttpRequestInfo & { status?: number; body?: unknown; code?: string } = {},
  ) {
    super(message, options);
    this.status = options.status;
    this.bodyExcerpt = bodyExcerpt(options.body, options.redactor ?? defaultRedactor);
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), status: this.status, bodyExcerpt: this.bodyExcerpt };
  }
}

/** What {@link createHttpStatusError} needs: the status and what came with it. */
export interface CreateHttpStatusErrorInput extends HTTPStatusErrorOptions {
  /** Overrides the message derived from the body. */
  message?: string;
}

/**
 * Builds the right error for a failed HTTP status, as the reference maps them:
 *
 * | status | class |
 * |---|---|
 * | 401, 403 | {@link AuthenticationError} |
 * | 429 | {@link RateLimitError} (with `retryAfterMs`) |
 * | 400, 422 | {@link ConnectorValidationError} |
 * | any other | {@link HTTPStatusError} |
 *
 * The message keeps the reference's wording: `Authentication failed: <detail> (HTTP 401)`,
 * `Rate limit exceeded: <detail> (retry after 12s)`, `Validation error: <detail> (HTTP 422)`, else the detail,
 * where the detail comes from the body ({@link extractErrorDetail}).
 */
export function createHttpStatusError(input: CreateHttpStatusErrorInput): HTTPStatusError {
  const { status } = input;
  const detail = input.message ?? extractErrorDetail(input.body, status);
  if (status === 401 || status === 403) {
    return new AuthenticationError(`Authentication failed: ${detail} (HTTP ${status})`, input);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(lowerCaseKeys(input.headers ?? {}));
    const suffix = retryAfterMs === undefined ? "" : ` (retry after ${Math.ceil(retryAfterMs / 1000)}s)`;
    return new RateLimitError(`Rate limit exceeded: ${detail}${suffix}`, { ...input, retryAfterMs });
  }
  if (status === 400 || status === 422) {
    return new ConnectorValidationError(`Validation error: ${detail} (HTTP ${status})`, input);
  }
  return new HTTPStatusError(detail, input);
}

/**
 * The human part of an error body, as the reference reads it: `errors[]` joined by ", " (each item's
 * `userPresentableMessage`, `message` or `error`), else `message`, else `error`, else the body as text,
 * else `HTTP <status> error`.
 */
export function extractErrorDetail(body: unknown, status: number): string {
  let parsed = body;
  if (typeof body === "string") {
    const trimmed = body.trim();
    if (trimmed === "") return `HTTP ${status} error`;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return excerpt(trimmed, 500);
    }
  }
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
    const record = parsed as Record<string, unknown>;
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      return record.errors
        .map((item) => {
          if (item !== null && typeof item === "object") {
            const fields = item as Record<string, unknown>;
            const text = fields.userPresentableMessage ?? fields.message ?? fields.error;
            if (text !== undefined && text !== null) return String(text);
          }
          return typeof item === "string" ? item : JSON.stringify(item);
        })
        .join(", ");
    }
    for (const key of ["message", "error"]) {
      const value = record[key];
      if (typeof value === "string" && value !== "") return value;
      if (value !== undefined && value !== null && typeof value === "object") return JSON.stringify(value);
    }
  }
  if (parsed === undefined || parsed === null) return `HTTP ${status} error`;
  return excerpt(typeof parsed === "string" ? parsed : JSON.stringify(parsed), 500);
}

/**
 * Reads how long to wait from `retry-after-ms`, or `retry-after` as seconds or an HTTP date.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfterMs(
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): number | undefined {
  const lower = lowerCaseKeys(headers);
  const ms = Number.parseFloat(lower["retry-after-ms"] ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = lower["retry-after"];
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function lowerCaseKeys(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

const REQUEST_ID_HEADERS = [
  "x-request-id",
  "request-id",
  "x-amzn-requestid",
  "x-github-request-id",
  "cf-ray",
];

function findRequestId(headers: Record<string, string>): string | undefined {
  const lower = lowerCaseKeys(headers);
  for (const name of REQUEST_ID_HEADERS) if (lower[name]) return lower[name];
  return undefined;
}

function bodyExcerpt(body: unknown, redactor: Redactor): string | undefined {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === "string" ? body : safeStringify(redactor.redactValue(body));
  if (text === "") return undefined;
  return excerpt(redactor.redact(text), BODY_EXCERPT_CHARS);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
