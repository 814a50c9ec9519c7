import { z } from "zod";

/** What to run: an entity, an action and its parameters. */
export const ExecutionConfigSchema = z.object({
  /** Entity name, e.g. `customers`. */
  entity: z.string().min(1, "entity must be a non-empty string"),
  /** Action name, e.g. `list`, `get`, `create`. */
  action: z.string().min(1, "action must be a non-empty string"),
  /** Operation parameters: path, query, header and body values by name. */
  params: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * What to run: `{ entity, action, params }`. Used by every executor.
 *
 * @example
 * ```ts
 * const config: ExecutionConfig = { entity: "customers", action: "list", params: { limit: 10 } };
 * ```
 */
export type ExecutionConfig = z.infer<typeof ExecutionConfigSchema>;

/** The data of a download: the body's bytes, streamed as they arrive. */
export type ByteStream = AsyncIterable<Uint8Array>;

/** A record or a list of records, as extracted from a JSON response. */
export type ExecutionData = Record<string, unknown> | unknown[] | ByteStream | null;

/**
 * What every executor returns. Execution errors (unknown entity, unsupported action, missing or invalid
 * parameters) come back here with `success: false`; infrastructure failures are thrown as typed errors.
 */
export interface ExecutionResult<TData = ExecutionData> {
  /** True when the operation completed. */
  success: boolean;
  /** Records (a list), a record (an object), `null` for an empty `get`, or a byte stream for downloads. */
  data: TData;
  /** Why the operation did not run, when `success` is false. */
  error?: string | null;
  /** Values from the response's meta extractors (cursors, next-page URLs, totals), or `null` when none. */
  meta?: Record<string, unknown> | null;
}

function isByteStream(value: unknown): value is ByteStream {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Runtime schema of {@link ExecutionResult}. */
export const ExecutionResultSchema = z.object({
  success: z.boolean(),
  data: z.union([
    z.record(z.string(), z.unknown()),
    z.array(z.unknown()),
    z.null(),
    z.custom<ByteStream>(isByteStream, "expected an AsyncIterable<Uint8Array>"),
  ]),
  error: z.string().nullish(),
  meta: z.record(z.string(), z.unknown()).nullish(),
});

/** True when the result carries a download stream. */
export function isDownloadResult(result: ExecutionResult): result is ExecutionResult<ByteStream> {
  return isByteStream(result.data);
}

/** Options every executor call accepts. */
export interface CallOptions {
  /** Aborts the call: pending requests are cancelled and a `RequestAbortedError` is thrown. */
  signal?: AbortSignal;
}

/** Options of the shorthand `execute(entity, action, options)` form. */
export interface ExecuteOptions extends CallOptions {
  params?: Record<string, unknown> | null;
}

/**
 * The contract every executor implements: local (direct HTTP) and hosted (through the cloud API) alike.
 * Both call forms are part of it.
 *
 * @example
 * ```ts
 * async function run(executor: ExecutorProtocol) {
 *   const result = await executor.execute("customers", "list", { params: { limit: 10 } });
 *   if (!result.success) console.error(result.error);
 * }
 * ```
 */
export interface ExecutorProtocol {
  /** Runs one operation. */
  execute(config: ExecutionConfig, options?: CallOptions): Promise<ExecutionResult>;
  /** Runs one operation (shorthand form). */
  execute(entity: string, action: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  /**
   * Verifies connectivity and credentials with a lightweight operation. Never throws: `data.status` is
   * `healthy`, `unhealthy` or `skipped`, with `checked_entity` and `checked_action`.
   */
  check(options?: CallOptions): Promise<ExecutionResult<CheckData>>;
}

/** The `data` of a `check()` result; key names are the reference's. */
export interface CheckData {
  status: "healthy" | "unhealthy" | "skipped";
  error?: string;
  checked_entity?: string;
  checked_action?: string;
  [key: string]: unknown;
}

/**
 * Normalises the two `execute` call forms into one config and options pair.
 * Throws a `TypeError` for a mixed or incomplete call, as the reference does.
 */
export function normalizeExecuteArguments(
  configOrEntity: ExecutionConfig | string,
  actionOrOptions?: string | CallOptions,
  maybeOptions?: ExecuteOptions,
): { config: ExecutionConfig; options: CallOptions } {
  if (typeof configOrEntity === "string") {
    if (typeof actionOrOptions !== "string") {
      throw new TypeError("execute(entity, action, options): action is required when entity is a string");
    }
    const { params, ...options } = maybeOptions ?? {};
    return {
      config: ExecutionConfigSchema.parse({ entity: configOrEntity, action: actionOrOptions, params }),
      options,
    };
  }
  if (typeof actionOrOptions === "string" || maybeOptions !== undefined) {
    throw new TypeError("execute(config, options): pass the action and params inside the config object");
  }
  return { config: ExecutionConfigSchema.parse(configOrEntity), options: actionOrOptions ?? {} };
}
