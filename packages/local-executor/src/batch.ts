import type { CallOptions, ExecutionConfig, ExecutionResult } from "@execkit/core";
import { ExecKitError, InvalidConfigurationError, RequestAbortedError } from "@execkit/errors";

/** One operation of a batch: an `ExecutionConfig`, or an `[entity, action, params?]` tuple as in the reference. */
export type BatchOperation =
  | ExecutionConfig
  | readonly [entity: string, action: string, params?: Record<string, unknown> | null];

/**
 * The outcome of one batch operation, shaped like `Promise.allSettled`:
 * - `fulfilled`: `execute` returned. Execution errors (unknown entity, missing params…) are here, with
 *   `result.success === false`.
 * - `rejected`: `execute` threw an infrastructure error (HTTP status, network, auth, timeout, abort); `error` is
 *   that typed error.
 */
export type BatchItemResult =
  | { status: "fulfilled"; index: number; result: ExecutionResult }
  | { status: "rejected"; index: number; error: ExecKitError };

/**
 * Called once per operation as soon as it settles, in completion order (not input order).
 *
 * @param item - the operation's outcome; `item.index` is its position in the input.
 * @param settledCount - how many operations have settled so far, this one included (1 … `total`).
 * @param total - the number of operations in the batch.
 */
export type BatchSettledCallback = (item: BatchItemResult, settledCount: number, total: number) => void;

/** Options of `LocalExecutor.executeBatch`. */
export interface ExecuteBatchOptions extends CallOptions {
  /** The most operations in flight at once; a positive integer (default 16). */
  concurrency?: number;
  /**
   * Progress: called once per operation as it settles, with the running count, so a caller can drive a progress
   * bar or stream results without slicing the batch. It runs synchronously on the batch's path, so keep it cheap.
   * Should it throw, the batch still runs to the end and returns every result; the callback is not called again
   * and its error is reported once through `process.emitWarning`.
   *
   * @example
   * ```ts
   * await executor.executeBatch(operations, {
   *   concurrency: 64,
   *   onSettled: (_item, done, total) => bar.update(done / total),
   * });
   * ```
   */
  onSettled?: BatchSettledCallback;
}

/** Runs `operations` through `execute` with bounded concurrency; results in input order. */
export async function runBatch(
  operations: readonly BatchOperation[],
  options: ExecuteBatchOptions,
  execute: (config: ExecutionConfig, signal: AbortSignal | undefined) => Promise<ExecutionResult>,
): Promise<BatchItemResult[]> {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidConfigurationError(
      `executeBatch concurrency must be a positive integer; got ${String(concurrency)}.`,
      { option: "concurrency" },
    );
  }
  if (options.onSettled !== undefined && typeof options.onSettled !== "function") {
    throw new InvalidConfigurationError(
      `executeBatch onSettled must be a function (item, settledCount, total) => void; got ${typeof options.onSettled}.`,
      { option: "onSettled" },
    );
  }
  const { signal } = options;
  const total = operations.length;
  const results: BatchItemResult[] = new Array(total);
  let onSettled = options.onSettled;
  let settled = 0;
  const report = (item: BatchItemResult) => {
    settled++;
    if (!onSettled) return;
    try {
      onSettled(item, settled, total);
    } catch (error) {
      // A broken progress display must not cost the caller the batch's results.
      onSettled = undefined;
      process.emitWarning(
        `executeBatch onSettled threw and will not be called again for this batch: ${(error as Error)?.message ?? String(error)}`,
        { code: "EXECKIT_BATCH_CALLBACK" },
      );
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const operation = operations[index]!;
      let item: BatchItemResult;
      try {
        if (signal?.aborted) {
          throw new RequestAbortedError(
            "The batch was aborted by the caller's signal before this operation started.",
            { cause: signal.reason },
          );
        }
        const config: ExecutionConfig = Array.isArray(operation)
          ? { entity: operation[0], action: operation[1], params: operation[2] ?? {} }
          : (operation as ExecutionConfig);
        item = { status: "fulfilled", index, result: await execute(config, signal) };
      } catch (error) {
        item = { status: "rejected", index, error: asExecKitError(error) };
      }
      results[index] = item;
      report(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

function asExecKitError(error: unknown): ExecKitError {
  if (ExecKitError.isInstance(error)) return error as ExecKitError;
  return new ExecKitError(`Batch operation failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    code: "BATCH_ITEM_FAILED",
  });
}
