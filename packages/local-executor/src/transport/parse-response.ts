import { type Redactor, ResponseFormatError } from "@execkit/errors";
import type { TransportResponse } from "./http-transport";

/**
 * Parses an API response as JSON, by the reference's rules: an empty body is `{}`; `application/json`, `+json`
 * or no content type is parsed; `application/xml` and `text/html` are refused; anything else is tried as JSON.
 * A body that does not parse is a {@link ResponseFormatError} naming the request.
 */
export function parseJsonResponse(response: TransportResponse, method: string, redactor: Redactor): unknown {
  const text = response.text ?? "";
  if (text.trim() === "") return {};
  const contentType = (response.headers["content-type"] ?? "").toLowerCase();
  if (contentType.includes("application/xml") || contentType.includes("text/html")) {
    throw new ResponseFormatError(
      `Expected JSON response from ${method} ${response.url}, got ${contentType.split(";")[0]} (HTTP ${response.status}).`,
      { method, url: response.url, status: response.status, body: text, redactor },
    );
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ResponseFormatError(
      `Failed to parse JSON response from ${method} ${response.url} (HTTP ${response.status}): ${(cause as Error).message}.`,
      { method, url: response.url, status: response.status, body: text, cause, redactor },
    );
  }
}
