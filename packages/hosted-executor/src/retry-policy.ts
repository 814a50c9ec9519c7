import type { RetryConfig } from "@execkit/core";
import {
  HTTPStatusError,
  NetworkError,
  parseRetryAfterMs,
  RequestAbortedError,
  RequestTimeoutError,
} from "@execkit/errors";
import { sleep } from "./abort-signals";

/** How one logical call may be retried. */
export interface RetryPlan {
  config: RetryConfig;
  /**
   * True when sending the request twice cannot change anything on the server (token, lookup, reads). A request
   * that is not safe to repeat is retried only when `config.retryNonIdempotent` is set, or when the connection
   * failed before anything was sent.
   */
  safeToRepeat: boolean;
  signal?: AbortSignal;
  /** What the call is, for abort messages. */
  what: string;
  /** Injected in tests to observe the delays without waiting. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, the error is not worth retrying, or `config.maxAttempts` is used up; then
 * throws the last error as it was (typed). A `Retry-After` longer than `maxDelaySeconds` is not waited out.
 *
 * Differs from the reference: its hosted client never retries.
 */
export function withRetries<T>(plan: RetryPlan, attempt: (attemptNumber: number) => Promise<T>): Promise<T> {
  // The first attempt is chained directly, without an async frame of its own: most calls succeed at once and
  // this sits on every call's path.
  return attempt(1).catch((error: unknown) => retryAfterFailure(plan, attempt, error));
}

async function retryAfterFailure<T>(
  plan: RetryPlan,
  attempt: (attemptNumber: number) => Promise<T>,
  firstError: unknown,
): Promise<T> {
  const { config } = plan;
  const wait = plan.sleep ?? ((ms: number, signal: AbortSignal | undefined) => sleep(ms, signal, plan.what));
  let error = firstError;
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (attemptNumber >= config.maxAttempts || !shouldRetry(error, plan)) throw settled(error);
    // A server that asks for a longer wait than we would ever make gets its answer back at once: the error
    // carries the wait (`retryAfterMs`), and the caller (often an agent) is better placed to decide.
    const asked = askedDelayMs(error, config);
    if (asked !== undefined && asked > config.maxDelaySeconds * 1000) throw settled(error);
    await wait(retryDelayMs(error, attemptNumber, config, plan.random ?? Math.random), plan.signal);
    try {
      return await attempt(attemptNumber + 1);
    } catch (next) {
      error = next;
    }
  }
}

/**
 * Errors that already went through a retry loop (the token fetch inside an execute attempt). An outer loop must
 * not retry them again, or attempts would multiply.
 */
const SETTLED = new WeakSet<object>();

function settled(error: unknown): unknown {
  if (typeof error === "object" && error !== null) SETTLED.add(error);
  return error;
}

/** Whether `error` may go away by sending the same request again, under `plan`. */
export function shouldRetry(error: unknown, plan: Pick<RetryPlan, "config" | "safeToRepeat">): boolean {
  const { config } = plan;
  if (RequestAbortedError.isInstance(error)) return false;
  if (typeof error === "object" && error !== null && SETTLED.has(error)) return false;
  const neverSent = NetworkError.isInstance(error) && !error.requestSent;
  if (!plan.safeToRepeat && !config.retryNonIdempotent && !neverSent) return false;
  if (HTTPStatusError.isInstance(error)) return config.retryOnStatusCodes.includes(error.status);
  if (RequestTimeoutError.isInstance(error)) return config.retryOnTimeout;
  if (NetworkError.isInstance(error)) return config.retryOnNetworkError;
  return false;
}

/**
 * The wait before the next attempt: what the server asked for in the configured retry-after header when it
 * said, else exponential backoff (with full jitter when `config.jitter`); never more than `maxDelaySeconds`.
 */
export function retryDelayMs(
  error: unknown,
  attemptNumber: number,
  config: RetryConfig,
  random: () => number,
): number {
  const capMs = config.maxDelaySeconds * 1000;
  const asked = askedDelayMs(error, config);
  if (asked !== undefined) return Math.min(asked, capMs);
  const backoff = Math.min(
    config.initialDelaySeconds * 1000 * config.exponentialBase ** (attemptNumber - 1),
    capMs,
  );
  return config.jitter ? random() * backoff : backoff;
}

/** The wait the server asked for in the configured retry-after header, when it did. */
export function askedDelayMs(error: unknown, config: RetryConfig): number | undefined {
  return HTTPStatusError.isInstance(error) ? serverAskedDelayMs(error.headers, config) : undefined;
}

function serverAskedDelayMs(
  headers: Readonly<Record<string, string>>,
  config: RetryConfig,
): number | undefined {
  const wanted = config.retryAfterHeader.toLowerCase();
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === wanted);
  if (wanted === "retry-after" && config.retryAfterFormat === "seconds") return parseRetryAfterMs(headers);
  if (!entry) return undefined;
  const value = Number(entry[1].trim());
  if (!Number.isFinite(value) || value < 0) return undefined;
  if (config.retryAfterFormat === "milliseconds") return value;
  if (config.retryAfterFormat === "unix_timestamp") return Math.max(0, value * 1000 - Date.now());
  return value * 1000;
}
