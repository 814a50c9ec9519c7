/**
 * Runs one shared operation at a time: while it is in flight, every caller gets the same promise, so a burst of
 * concurrent callers causes one request instead of one each. A failure is handed to every waiter and then
 * forgotten, so the next call starts afresh.
 */
export class SingleFlight<T> {
  #pending: Promise<T> | undefined;

  /** The in-flight promise, or a new one from `start` when nothing is in flight. */
  run(start: () => Promise<T>): Promise<T> {
    if (this.#pending) return this.#pending;
    const pending = start().finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    // Waiters may all have given up (aborted); the shared promise must not then become an unhandled rejection.
    pending.catch(() => undefined);
    this.#pending = pending;
    return pending;
  }
}
