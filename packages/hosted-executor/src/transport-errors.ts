import { HTTPClientError, NetworkError, type Redactor, RequestTimeoutError } from "@execkit/errors";

/** Error codes that mean the connection was never made, so the server cannot have seen the request. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

const NETWORK_CODES = new Set([
  ...NOT_SENT_CODES,
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_INFO",
]);

const TIMEOUT_PHASES: Record<string, "connect" | "headers" | "body"> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "headers",
  UND_ERR_BODY_TIMEOUT: "body",
};

/** The request a transport failure happened on. */
export interface FailedRequest {
  method: string;
  url: string;
  timeoutMs: number;
}

/**
 * Turns whatever undici (or the socket under it) threw into one of our typed errors, so callers never see a raw
 * undici error.
 *
 * Differs from the reference: httpx's `RequestError`s escape its hosted client unwrapped.
 */
export function transportError(error: unknown, request: FailedRequest, redactor: Redactor): HTTPClientError {
  const code = findCode(error);
  const where = `${request.method} ${request.url}`;
  const detail = error instanceof Error ? error.message : String(error);
  const phase = code === undefined ? undefined : TIMEOUT_PHASES[code];
  if (phase !== undefined) {
    return new RequestTimeoutError(
      `${where} timed out: no ${phase === "connect" ? "connection" : phase === "headers" ? "response headers" : "more of the body"} within ${request.timeoutMs} ms. The cloud API may be slow; retry later or raise timeoutMs.`,
      {
        method: request.method,
        url: request.url,
        timeoutMs: request.timeoutMs,
        phase,
        cause: error,
        redactor,
      },
    );
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    const requestSent = !NOT_SENT_CODES.has(code);
    const hint = requestSent
      ? "The connection broke after the request was sent, so its outcome is unknown."
      : "Check that the API URL is right and the host is reachable.";
    return new NetworkError(`Network error for ${where}: ${detail} (${code}). ${hint}`, {
      method: request.method,
      url: request.url,
      requestSent,
      cause: error,
      redactor,
    });
  }
  return new HTTPClientError(`Unexpected error for ${where}: ${detail}`, {
    method: request.method,
    url: request.url,
    cause: error,
    redactor,
  });
}

/** undici puts its code on the error; Node's socket errors sit on `cause` (sometimes nested). */
function findCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || code in TIMEOUT_PHASES)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const top = (error as { code?: unknown } | null)?.code;
  return typeof top === "string" ? top : undefined;
}
