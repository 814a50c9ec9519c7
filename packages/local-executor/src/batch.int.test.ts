import { InvalidConfigurationError, RequestAbortedError } from "@execkit/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { acmeModel } from "../test/acme-spec";
import { sendJson as json, type LoopbackServer, useLoopbackServer } from "../test/loopback";
import { type BatchItemResult, LocalExecutor } from "./index";

describe("executeBatch onSettled progress", () => {
  const loopback = useLoopbackServer<LocalExecutor>();
  const executors = loopback.executors;
  let server: LoopbackServer;
  beforeAll(() => {
    server = loopback.server;
  });

  function make(): LocalExecutor {
    const executor = new LocalExecutor({
      model: acmeModel(server.origin),
      authConfig: { api_key: "batch-secret-4321" },
      retryConfig: { maxAttempts: 1 },
      timeoutMs: 5_000,
    });
    executors.push(executor);
    return executor;
  }

  /** Answers `/items/<id>` after `delay-<ms>` in the id, 500 for `boom`. */
  function serveItems(): void {
    server.handler = (req, res) => {
      const id = req.url.split("/").pop()!;
      const delay = Number(/delay-(\d+)/.exec(id)?.[1] ?? 0);
      setTimeout(() => {
        if (id === "boom") return json(res, 500, { message: "boom" });
        json(res, 200, { id });
      }, delay);
    };
  }

  it("reports every operation once, in completion order, with a running count and the total", {
    timeout: 10_000,
  }, async () => {
    serveItems();
    const ids = ["delay-300", "a", "boom", "b", "c", "d"];
    const seen: Array<{ item: BatchItemResult; count: number; total: number }> = [];
    const results = await make().executeBatch(
      [...ids.map((id) => ["items", "get", { item_id: id }] as const), ["nope", "list"]],
      {
        concurrency: 3,
        onSettled: (item, count, total) => {
          seen.push({ item, count, total });
        },
      },
    );
    expect(results).toHaveLength(7);
    expect(seen.map((entry) => entry.count)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.every((entry) => entry.total === 7)).toBe(true);
    // Each reported item is the very object returned at its index: nothing reported differs from the result.
    expect(new Set(seen.map((entry) => entry.item.index))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    for (const { item } of seen) expect(results[item.index]).toBe(item);
    // The slow first operation settles last although it started first.
    expect(seen.at(-1)!.item.index).toBe(0);
    expect(results[2]).toMatchObject({ status: "rejected", error: { status: 500 } });
    expect(results[6]).toMatchObject({ status: "fulfilled", result: { success: false } });
  });

  it("counts operations skipped after an abort, so a progress bar reaches the total", {
    timeout: 10_000,
  }, async () => {
    serveItems();
    const controller = new AbortController();
    const counts: number[] = [];
    const results = await make().executeBatch(
      Array.from({ length: 10 }, (_, i) => ["items", "get", { item_id: `delay-20-${i}` }] as const),
      {
        concurrency: 1,
        signal: controller.signal,
        onSettled: (_item, count) => {
          counts.push(count);
          if (count === 2) controller.abort();
        },
      },
    );
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results.slice(0, 2).every((item) => item.status === "fulfilled")).toBe(true);
    for (const item of results.slice(2)) {
      expect(item.status).toBe("rejected");
      if (item.status === "rejected") expect(RequestAbortedError.isInstance(item.error)).toBe(true);
    }
    expect(server.requests).toHaveLength(2);
  });

  it("a throwing callback costs no result: it is dropped and reported once as a warning", {
    timeout: 10_000,
  }, async () => {
    serveItems();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      let calls = 0;
      const results = await make().executeBatch(
        Array.from({ length: 5 }, (_, i) => ["items", "get", { item_id: `x${i}` }] as const),
        {
          concurrency: 2,
          onSettled: () => {
            calls++;
            throw new Error("progress bar broke");
          },
        },
      );
      expect(calls).toBe(1);
      expect(results).toHaveLength(5);
      for (const [index, item] of results.entries())
        expect(item).toMatchObject({ status: "fulfilled", index, result: { data: { id: `x${index}` } } });
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      const ours = warnings.filter((w) => (w as Error & { code?: string }).code === "EXECKIT_BATCH_CALLBACK");
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).toContain("progress bar broke");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("rejects an onSettled that is not a function before sending anything", { timeout: 5_000 }, async () => {
    serveItems();
    const promise = make().executeBatch([["items", "get", { item_id: "a" }]], {
      onSettled: "nope" as never,
    });
    await expect(promise).rejects.toSatisfy((error) => InvalidConfigurationError.isInstance(error));
    await expect(promise).rejects.toThrow(/onSettled must be a function/);
    expect(server.requests).toHaveLength(0);
  });

  it("an empty batch calls nothing and returns []", { timeout: 5_000 }, async () => {
    let calls = 0;
    const results = await make().executeBatch([], { onSettled: () => calls++ });
    expect(results).toEqual([]);
    expect(calls).toBe(0);
  });
});
