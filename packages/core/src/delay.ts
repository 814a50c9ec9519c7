/**
 * Waits `ms` milliseconds, or rejects with the signal's reason as soon as it aborts (at once if it already
 * has). Zero or less resolves at once. The timer is removed on abort and the listener on expiry, so neither
 * outlives the wait. Every executor's backoff goes through this one function.
 *
 * @example
 * ```ts
 * await delay(retryAfterMs, signal); // a retry that the caller can still cancel
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
