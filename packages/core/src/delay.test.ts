import { describe, expect, it } from "vitest";
import { delay } from "./delay";

describe("delay", () => {
  it("waits about the time asked", async () => {
    const started = performance.now();
    await delay(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("resolves at once for zero or less", async () => {
    await expect(delay(0)).resolves.toBeUndefined();
    await expect(delay(-5)).resolves.toBeUndefined();
  });

  it("rejects with the signal's reason when aborted during the wait, and clears the timer", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const waiting = delay(60_000, controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it("rejects at once when the signal already aborted, even for a zero wait", async () => {
    const reason = new Error("already");
    await expect(delay(0, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it("removes its abort listener when the wait ends", async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    }) as typeof remove;
    await delay(5, signal);
    expect([added, removed]).toEqual([1, 1]);
  });
});
