import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type ExecutorProtocol, isDownloadResult } from "@execkit/core";
import { ExecKitError } from "@execkit/errors";

/**
 * Runs one operation and returns its data, turning `success: false` (an execution error: unknown entity, bad
 * params…) into a thrown error, since every operation of the demo is expected to run.
 */
export async function run<T = unknown>(
  executor: ExecutorProtocol,
  entity: string,
  action: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<T> {
  const result = await executor.execute(entity, action, { params, signal });
  if (!result.success) {
    throw new ExecKitError(`${entity}/${action} did not run: ${result.error ?? "no reason given"}`, {
      code: "DEMO_OPERATION_FAILED",
    });
  }
  return result.data as T;
}

/**
 * Pages through a list on any executor by passing each page's `next_cursor` back as `cursor`: what
 * `LocalExecutor.paginate()` does for you, written out for executors without it (the hosted one).
 */
export async function listAll<T>(
  executor: ExecutorProtocol,
  entity: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<T[]> {
  const records: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await executor.execute(entity, "list", {
      params: { ...params, ...(cursor && { cursor }) },
      signal,
    });
    if (!result.success) {
      throw new ExecKitError(`${entity}/list did not run: ${result.error}`, {
        code: "DEMO_OPERATION_FAILED",
      });
    }
    records.push(...(result.data as T[]));
    const next = result.meta?.next_cursor;
    cursor = result.meta?.has_more === true && typeof next === "string" ? next : undefined;
  } while (cursor);
  return records;
}

/** What a download wrote to disk. */
export interface SavedDownload {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Runs a download operation and streams the body to `path` as it arrives, hashing it on the way, so a large
 * file never sits in memory.
 */
export async function downloadTo(
  executor: ExecutorProtocol,
  entity: string,
  params: Record<string, unknown>,
  path: string,
  signal?: AbortSignal,
): Promise<SavedDownload> {
  const result = await executor.execute(entity, "download", { params, signal });
  if (!result.success || !isDownloadResult(result)) {
    throw new ExecKitError(`${entity}/download did not return a file: ${result.error ?? "no byte stream"}`, {
      code: "DEMO_OPERATION_FAILED",
    });
  }
  const hash = createHash("sha256");
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.from(result.data), tap, createWriteStream(path), { signal });
  return { path, bytes, sha256: hash.digest("hex") };
}

/** Runs `work` over `items` with at most `concurrency` at once; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  onDone?: () => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
      onDone?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
