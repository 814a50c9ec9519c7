import { resolveRetryConfig } from "@execkit/core";
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./retry-policy";

describe("retryDelayMs", () => {
  const config = resolveRetryConfig({ initialDelaySeconds: 1, maxDelaySeconds: 10, jitter: false });

  it("honours Retry-After in seconds or as a date, capped at maxDelaySeconds", () => {
    expect(retryDelayMs(0, config, { "retry-after": "3" })).toBe(3000);
    expect(retryDelayMs(0, config, { "retry-after": "120" })).toBe(10_000);
    expect(
      retryDelayMs(0, config, { "retry-after": new Date(10_000 + 4000).toUTCString() }, Math.random, 10_000),
    ).toBe(4000);
  });

  it("reads milliseconds and unix timestamps per retryAfterFormat", () => {
    const ms = resolveRetryConfig({ retryAfterHeader: "X-Wait", retryAfterFormat: "milliseconds" });
    expect(retryDelayMs(0, ms, { "x-wait": "250" })).toBe(250);
    const unix = resolveRetryConfig({
      retryAfterHeader: "X-RateLimit-Reset",
      retryAfterFormat: "unix_timestamp",
    });
    expect(retryDelayMs(0, unix, { "x-ratelimit-reset": "105" }, Math.random, 100_000)).toBe(5000);
  });

  it("falls back to exponential backoff with full jitter", () => {
    expect([0, 1, 2, 5].map((attempt) => retryDelayMs(attempt, config, {}))).toEqual([
      1000, 2000, 4000, 10_000,
    ]);
    const jittered = resolveRetryConfig({ initialDelaySeconds: 1 });
    expect(retryDelayMs(1, jittered, undefined, () => 0.5)).toBe(1000);
  });
});
