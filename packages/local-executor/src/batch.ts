import type { ExecutionConfig, ExecutionResult } from "@execkit/core";
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

/** Runs `operations` through `execute` with bounded concurrency; results in input order. */
export async function runBatch(
  operations: readonly BatchOperation[],
  options: { concurrency?: number; signal?: AbortSignal },
  execute: (config: ExecutionConfig, signal: AbortSignal | undefined) => Promise<ExecutionResult>,
): Promise<BatchItemResult[]> {
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidConfigurationError(
      `executeBatch concurrency must be a positive integer; got ${String(concurrency)}.`,
      {
        option: "concurrency",
      },
    );
  }
  const results: BatchItemResult[] = new Array(operations.length);
  let next = 0;
  const worker = async () => {
    while (next < operations.length) {
      const index = next++;
      const operation = operations[index]!;
      try {
        if (options.signal?.aborted) {
          throw new RequestAbortedError(
            "The batch was aborted by the caller's signal before this operation started.",
            {
              cause: options.signal.reason,
            },
          );
        }
        const config: ExecutionConfig = Array.isArray(operation)
          ? { entity: operation[0], action: operation[1], params: operation[2] ?? {} }
          : (operation as ExecutionConfig);
        results[index] = { status: "fulfilled", index, result: await execute(config, options.signal) };
      } catch (error) {
        results[index] = { status: "rejected", index, error: asExecKitError(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, operations.length) }, worker));
  return results;
}

function asExecKitError(error: unknown): ExecKitError {
  if (ExecKitError.isInstance(error)) return error as ExecKitError;
  return new ExecKitError(`Batch operation failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    code: "BATCH_ITEM_FAILED",
  });
}
