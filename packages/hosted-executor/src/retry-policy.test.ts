import { resolveRetryConfig } from "@execkit/core";
import {
  AuthenticationError,
  ConnectorValidationError,
  HTTPStatusError,
  NetworkError,
  RateLimitError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseFormatError,
} from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { retryDelayMs, shouldRetry, withRetries } from "./retry-policy";

const config = resolveRetryConfig({ initialDelaySeconds: 1, maxDelaySeconds: 10, jitter: false });
const status = (code: number, headers: Record<string, string> = {}) =>
  code === 429
    ? new RateLimitError("limited", { status: 429, headers })
    : new HTTPStatusError("failed", { status: code, headers });

describe("shouldRetry", () => {
  const read = { config, safeToRepeat: true };
  const write = { config, safeToRepeat: false };

  it("retries 429, 5xx, timeouts and network failures of calls that are safe to repeat", () => {
    for (const error of [
      status(429),
      status(500),
      status(502),
      status(503),
      status(504),
      new RequestTimeoutError("slow"),
      new NetworkError("reset"),
    ]) {
      expect(shouldRetry(error, read)).toBe(true);
    }
  });

  it("never retries aborts, auth, validation, format errors or other statuses", () => {
    for (const error of [
      new RequestAbortedError("stop"),
      new AuthenticationError("no", { status: 401 }),
      new ConnectorValidationError("bad", { status: 422 }),
      new ResponseFormatError("garbled"),
      status(404),
      status(501),
      new Error("plain"),
    ]) {
      expect(shouldRetry(error, read)).toBe(false);
    }
  });

  it("does not retry writes, except when the request never left or retryNonIdempotent is set", () => {
    expect(shouldRetry(status(503), write)).toBe(false);
    expect(shouldRetry(new NetworkError("reset", { requestSent: true }), write)).toBe(false);
    expect(shouldRetry(new NetworkError("refused", { requestSent: false }), write)).toBe(true);
    const opted = { config: resolveRetryConfig({ retryNonIdempotent: true }), safeToRepeat: false };
    expect(shouldRetry(status(503), opted)).toBe(true);
  });

  it("follows the config's switches", () => {
    const off = resolveRetryConfig({
      retryOnTimeout: false,
      retryOnNetworkError: false,
      retryOnStatusCodes: [503],
    });
    expect(shouldRetry(new RequestTimeoutError("slow"), { config: off, safeToRepeat: true })).toBe(false);
    expect(shouldRetry(new NetworkError("reset"), { config: off, safeToRepeat: true })).toBe(false);
    expect(shouldRetry(status(500), { config: off, safeToRepeat: true })).toBe(false);
    expect(shouldRetry(status(503), { config: off, safeToRepeat: true })).toBe(true);
  });
});

describe("retryDelayMs", () => {
  it("backs off exponentially up to maxDelaySeconds", () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(status(503), attempt, config, () => 0.5));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10000]);
  });

  it("applies full jitter when asked", () => {
    const jittered = resolveRetryConfig({ initialDelaySeconds: 1, jitter: true });
    expect(retryDelayMs(status(503), 2, jittered, () => 0.25)).toBe(500);
  });

  it("waits what Retry-After asks (seconds or HTTP date), capped", () => {
    expect(retryDelayMs(status(429, { "retry-after": "3" }), 1, config, () => 0)).toBe(3000);
    expect(retryDelayMs(status(503, { "retry-after": "120" }), 1, config, () => 0)).toBe(10_000);
    const date = new Date(Date.now() + 5_000).toUTCString();
    const fromDate = retryDelayMs(status(429, { "retry-after": date }), 1, config, () => 0);
    expect(fromDate).toBeGreaterThan(3_000);
    expect(fromDate).toBeLessThanOrEqual(5_000);
  });

  it("reads a custom header in milliseconds or as a unix timestamp", () => {
    const ms = resolveRetryConfig({ retryAfterHeader: "X-Wait", retryAfterFormat: "milliseconds" });
    expect(retryDelayMs(status(429, { "x-wait": "250" }), 1, ms, () => 0)).toBe(250);
    const unix = resolveRetryConfig({ retryAfterHeader: "X-Reset", retryAfterFormat: "unix_timestamp" });
    const at = Math.floor(Date.now() / 1000) + 4;
    const delay = retryDelayMs(status(429, { "x-reset": String(at) }), 1, unix, () => 0);
    expect(delay).toBeGreaterThan(2_000);
    expect(delay).toBeLessThanOrEqual(4_000);
  });
});

describe("withRetries", () => {
  it("stops after maxAttempts and throws the last error as it was", async () => {
    const waits: number[] = [];
    let attempts = 0;
    const error = await withRetries(
      { config, safeToRepeat: true, what: "test", sleep: async (ms) => void waits.push(ms) },
      async () => {
        attempts += 1;
        throw status(503);
      },
    ).catch((thrown: unknown) => thrown);
    expect(attempts).toBe(3);
    expect(waits).toEqual([1000, 2000]);
    expect(HTTPStatusError.isInstance(error)).toBe(true);
  });

  it("does not wait out a Retry-After longer than maxDelaySeconds", async () => {
    const waits: number[] = [];
    let attempts = 0;
    const plan = {
      config,
      safeToRepeat: true,
      what: "test",
      sleep: async (ms: number) => void waits.push(ms),
    };
    const error = await withRetries(plan, async () => {
      attempts += 1;
      throw status(429, { "retry-after": "12" });
    }).catch((thrown: unknown) => thrown);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(12_000);
    expect([attempts, waits]).toEqual([1, []]);
  });

  it("never retries an error an inner retry loop already gave up on", async () => {
    let inner = 0;
    let outer = 0;
    const plan = { config, safeToRepeat: true, what: "test", sleep: async () => undefined };
    await withRetries(plan, async () => {
      outer += 1;
      return withRetries(plan, async () => {
        inner += 1;
        throw status(503);
      });
    }).catch(() => undefined);
    expect([outer, inner]).toEqual([1, 3]);
  });

  it("returns the first success", async () => {
    let attempts = 0;
    const value = await withRetries(
      { config, safeToRepeat: true, what: "test", sleep: async () => undefined },
      async () => {
        attempts += 1;
        if (attempts < 2) throw new NetworkError("reset");
        return "ok";
      },
    );
    expect([value, attempts]).toEqual(["ok", 2]);
  });
});
