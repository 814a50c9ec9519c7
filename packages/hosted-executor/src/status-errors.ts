import type { ByteStream } from "@execkit/core";
import {
  AuthenticationError,
  ConnectorValidationError,
  extractErrorDetail,
  HTTPStatusError,
  type HTTPStatusErrorOptions,
  RateLimitError,
  type Redactor,
  TokenRefreshError,
} from "@execkit/errors";

/** A cloud response as the transport hands it over: status, headers, the body as text. */
export interface CloudResponse {
  method: string;
  url: string;
  status: number;
  /** As undici gives them: lower-case names; a repeated header (set-cookie) as an array. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as UTF-8 text (empty when it is left unread as `stream`). */
  text: string;
  /**
   * A successful answer that is not JSON (a download), left on the socket to be read as the caller consumes it,
   * instead of `text`.
   */
  stream?: ByteStream;
}

/**
 * The typed error for a non-2xx cloud answer, with the reference's message
 * `HTTP {code} error for {METHOD} {url}: {detail}` and its detail extraction (`errors[]`, `message`, `error`,
 * else the body text).
 *
 * The class follows the reference's table: 401/403 → {@link AuthenticationError} (a {@link TokenRefreshError}
 * when the token call itself was refused), 429 → {@link RateLimitError}, 400/422 →
 * {@link ConnectorValidationError}, anything else → {@link HTTPStatusError}.
 *
 * Differs from the reference: `Retry-After` is also read as an HTTP date or `retry-after-ms`, not only as whole
 * seconds, and a non-JSON body is cut to a bounded excerpt in the message.
 */
export function cloudStatusError(
  response: CloudResponse,
  redactor: Redactor,
  options: { tokenCall?: boolean } = {},
): HTTPStatusError {
  const detail = extractErrorDetail(response.text, response.status);
  const message = `HTTP ${response.status} error for ${response.method} ${response.url}: ${detail}`;
  const init: HTTPStatusErrorOptions = {
    status: response.status,
    method: response.method,
    url: response.url,
    headers: response.headers,
    body: response.text,
    redactor,
  };
  const { status } = response;
  if (status === 401 || status === 403) {
    return options.tokenCall ? new TokenRefreshError(message, init) : new AuthenticationError(message, init);
  }
  if (status === 429) return new RateLimitError(message, init);
  if (status === 400 || status === 422) return new ConnectorValidationError(message, init);
  return new HTTPStatusError(message, init);
}
