import type { RetryConfig } from "@execkit/core";
import { parseRetryAfterMs } from "@execkit/errors";

/**
 * How long to wait before retry number `attempt + 1` (attempt is 0-based). A `Retry-After` (or the configured
 * header) is honoured as the API asked, capped at `maxDelaySeconds`; otherwise exponential backoff with full
 * jitter.
 *
 * Differs from the reference: it never read `Retry-After` (§10 item 1).
 */
export function retryDelayMs(
  attempt: number,
  config: RetryConfig,
  headers: Readonly<Record<string, string>> | undefined,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const maxMs = config.maxDelaySeconds * 1000;
  const asked = headers ? readRetryAfter(headers, config, now) : undefined;
  if (asked !== undefined) return Math.min(Math.max(0, asked), maxMs);
  const base = Math.min(config.initialDelaySeconds * 1000 * config.exponentialBase ** attempt, maxMs);
  return config.jitter ? random() * base : base;
}

function readRetryAfter(
  headers: Readonly<Record<string, string>>,
  config: RetryConfig,
  now: number,
): number | undefined {
  const name = config.retryAfterHeader.toLowerCase();
  const raw = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (raw === undefined || raw.trim() === "") {
    // `retry-after-ms` is a common companion; honour it when the configured header is absent.
    return name === "retry-after" ? parseRetryAfterMs(headers, now) : undefined;
  }
  const value = Number(raw.trim());
  switch (config.retryAfterFormat) {
    case "milliseconds":
      return Number.isFinite(value) ? value : undefined;
    case "unix_timestamp":
      return Number.isFinite(value) ? value * 1000 - now : undefined;
    default:
      return parseRetryAfterMs({ "retry-after": raw }, now);
  }
}
