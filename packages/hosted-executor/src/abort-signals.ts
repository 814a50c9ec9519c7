import { delay } from "@execkit/core";
import { RequestAbortedError } from "@execkit/errors";

/**
 * The error a caller's abort turns into; the signal's reason is kept as the cause when it is an Error, and the
 * request (`method`, `url`) when the abort hit one.
 */
export function abortError(
  signal: AbortSignal | undefined,
  what: string,
  request: { method?: string; url?: string } = {},
): RequestAbortedError {
  const reason: unknown = signal?.reason;
  return new RequestAbortedError(
    `${what} was aborted by its AbortSignal; nothing more will be sent for it.`,
    {
      ...request,
      cause: reason instanceof Error ? reason : undefined,
    },
  );
}

/**
 * Waits for `promise`, but gives up as soon as `signal` aborts. The promise itself keeps running: it is shared
 * (a token fetch, a connector lookup) and other callers may still be waiting for it.
 */
export function raceWithSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Sleeps `ms`, waking early with a {@link RequestAbortedError} when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return delay(ms, signal).catch(() => {
    throw abortError(signal, what);
  });
}
