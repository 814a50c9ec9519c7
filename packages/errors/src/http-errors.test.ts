import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ConnectorValidationError,
  createHttpStatusError,
  extractErrorDetail,
  HTTPClientError,
  HTTPStatusError,
  NetworkError,
  parseRetryAfterMs,
  RateLimitError,
  RequestTimeoutError,
  ResponseFormatError,
  TokenRefreshError,
} from "./index";

describe("createHttpStatusError", () => {
  it.each([
    [401, AuthenticationError, "AUTHENTICATION_FAILED", "Authentication failed: boom (HTTP 401)"],
    [403, AuthenticationError, "AUTHENTICATION_FAILED", "Authentication failed: boom (HTTP 403)"],
    [400, ConnectorValidationError, "VALIDATION_FAILED", "Validation error: boom (HTTP 400)"],
    [422, ConnectorValidationError, "VALIDATION_FAILED", "Validation error: boom (HTTP 422)"],
    [429, RateLimitError, "RATE_LIMITED", "Rate limit exceeded: boom"],
    [404, HTTPStatusError, "HTTP_STATUS_ERROR", "boom"],
    [500, HTTPStatusError, "HTTP_STATUS_ERROR", "boom"],
  ])("maps %i to the reference's class and message", (status, cls, code, message) => {
    const error = createHttpStatusError({
      status,
      body: { message: "boom" },
      method: "get",
      url: "https://api.test/x",
    });
    expect(error).toBeInstanceOf(cls);
    expect(error.constructor).toBe(cls);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
    expect(error.statusCode).toBe(status);
    expect(error.method).toBe("GET");
    expect(error.url).toBe("https://api.test/x");
  });

  it("reads Retry-After into the message and retryAfterMs", () => {
    const error = createHttpStatusError({ status: 429, headers: { "Retry-After": "12" }, body: "" });
    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimit = error as RateLimitError;
    expect(rateLimit.retryAfterMs).toBe(12_000);
    expect(rateLimit.retryAfter).toBe(12);
    expect(rateLimit.message).toBe("Rate limit exceeded: HTTP 429 error (retry after 12s)");
  });

  it("says whether a status is worth retrying", () => {
    expect(createHttpStatusError({ status: 503 }).isRetryable).toBe(true);
    expect(createHttpStatusError({ status: 408 }).isRetryable).toBe(true);
    expect(createHttpStatusError({ status: 429 }).isRetryable).toBe(true);
    expect(createHttpStatusError({ status: 404 }).isRetryable).toBe(false);
    expect(createHttpStatusError({ status: 401 }).isRetryable).toBe(false);
    expect(createHttpStatusError({ status: 422 }).isRetryable).toBe(false);
    expect(new NetworkError("reset").isRetryable).toBe(true);
    expect(new RequestTimeoutError("slow", { timeoutMs: 5 }).isRetryable).toBe(true);
  });

  it("keeps a bounded body excerpt and finds the request id", () => {
    const error = createHttpStatusError({
      status: 500,
      body: "x".repeat(5_000),
      headers: { "X-Request-Id": "req_1" },
    });
    expect(error.bodyExcerpt!.length).toBeLessThan(1_100);
    expect(error.bodyExcerpt).toContain("more characters");
    expect(error.requestId).toBe("req_1");
  });

  it("lets a caller override the message (the hosted format)", () => {
    const error = createHttpStatusError({ status: 404, message: "HTTP 404 error for GET https://x/y: nope" });
    expect(error.message).toBe("HTTP 404 error for GET https://x/y: nope");
  });
});

describe("extractErrorDetail", () => {
  it("joins errors[] using userPresentableMessage, message or error", () => {
    expect(
      extractErrorDetail(
        { errors: [{ userPresentableMessage: "a" }, { message: "b" }, { error: "c" }, "d"] },
        400,
      ),
    ).toBe("a, b, c, d");
  });
  it("falls back to message, then error, then the body text", () => {
    expect(extractErrorDetail({ message: "m", error: "e" }, 400)).toBe("m");
    expect(extractErrorDetail({ error: "e" }, 400)).toBe("e");
    expect(extractErrorDetail('{"message":"from text"}', 400)).toBe("from text");
    expect(extractErrorDetail("<html>bad gateway</html>", 502)).toBe("<html>bad gateway</html>");
    expect(extractErrorDetail({ other: 1 }, 400)).toBe('{"other":1}');
  });
  it("names the status when there is no body", () => {
    expect(extractErrorDetail("", 503)).toBe("HTTP 503 error");
    expect(extractErrorDetail(undefined, 503)).toBe("HTTP 503 error");
  });
});

describe("parseRetryAfterMs", () => {
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfterMs({ "retry-after": "3" })).toBe(3000);
    expect(parseRetryAfterMs({ "Retry-After-Ms": "250" })).toBe(250);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }, now)).toBe(5000);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfterMs({})).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "-1" })).toBeUndefined();
  });
});

describe("class tree", () => {
  it("matches the reference hierarchy", () => {
    const refresh = new TokenRefreshError("Token refresh failed: 400", { status: 400 });
    expect(refresh).toBeInstanceOf(AuthenticationError);
    expect(refresh).toBeInstanceOf(HTTPStatusError);
    expect(refresh).toBeInstanceOf(HTTPClientError);
    expect(refresh.code).toBe("TOKEN_REFRESH_FAILED");
    expect(new NetworkError("x")).toBeInstanceOf(HTTPClientError);
    expect(new NetworkError("x")).not.toBeInstanceOf(HTTPStatusError);
    expect(new ResponseFormatError("x", { status: 200, body: "<html>" }).bodyExcerpt).toBe("<html>");
  });
});
