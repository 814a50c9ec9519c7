import { z } from "zod";

/**
 * How an executor retries failed requests. Field names are the reference's `x-airbyte-retry-config` keys in
 * camelCase; the loader maps the snake_case keys of a spec onto them.
 */
export const RetryConfigSchema = z
  .object({
    /** Total attempts, the first included; 1 disables retries. */
    maxAttempts: z.number().int().min(1).default(3),
    /** Delay before the first retry, in seconds. */
    initialDelaySeconds: z.number().min(0).default(1),
    /** Upper bound of any single delay, `Retry-After` included, in seconds. */
    maxDelaySeconds: z.number().min(0).default(60),
    /** Growth factor of the exponential backoff. */
    exponentialBase: z.number().min(1).default(2),
    /** Full jitter: each delay is drawn uniformly between 0 and the computed delay. */
    jitter: z.boolean().default(true),
    /** Statuses that are retried. */
    retryOnStatusCodes: z.array(z.number().int()).default([429, 500, 502, 503, 504]),
    /** Retry requests that timed out. */
    retryOnTimeout: z.boolean().default(true),
    /** Retry connection failures (refused, reset, DNS). */
    retryOnNetworkError: z.boolean().default(true),
    /** The header that says how long to wait. */
    retryAfterHeader: z.string().default("Retry-After"),
    /** How to read that header. */
    retryAfterFormat: z.enum(["seconds", "milliseconds", "unix_timestamp"]).default("seconds"),
    /**
     * Also retry requests that may have changed something (POST, PATCH; create/update/delete) after a failure
     * whose outcome is unknown. Off by default: a retried POST can create a record twice.
     */
    retryNonIdempotent: z.boolean().default(false),
  })
  .strict();

/** Retry settings; see {@link RetryConfigSchema} for each field and its default. */
export type RetryConfig = z.infer<typeof RetryConfigSchema>;
/** Retry settings as a user writes them: every field optional. */
export type RetryConfigInput = z.input<typeof RetryConfigSchema>;

/** Fills in defaults and validates; throws a `ZodError` for an invalid value. */
export function resolveRetryConfig(input: RetryConfigInput = {}): RetryConfig {
  return RetryConfigSchema.parse(input);
}
