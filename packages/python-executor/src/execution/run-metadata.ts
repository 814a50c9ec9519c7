import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parseTolerantJson } from "./results";

/** The file the wrapper writes into the attempt folder. */
export const METADATA_FILE_NAME = "execution_metadata.json";
/** The file the wrapper writes `results` into, in the execution folder. */
export const RESULTS_FILE_NAME = "results.json";

/**
 * The schema of `execution_metadata.json`, as `python/wrapper.py` writes it (snake_case, because the file is read
 * by people and by Python too). Unknown keys are kept, so a newer wrapper does not break an older reader.
 */
export const executionMetadataSchema = z.looseObject({
  schema_version: z.number().optional(),
  /** `running` while the user code runs; `finished` once the wrapper wrote everything. */
  phase: z.enum(["setup", "running", "finished"]),
  success: z.boolean(),
  error_type: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  error_line: z.number().nullable().optional(),
  traceback: z.string().nullable().optional(),
  exit_status: z.union([z.number(), z.string()]).nullable().optional(),
  start_time: z.string().nullable().optional(),
  end_time: z.string().nullable().optional(),
  execution_time_seconds: z.number().nullable().optional(),
  python_version: z.string().optional(),
  execution_mode: z.string().nullable().optional(),
  read_only_guard: z.boolean().optional(),
  guard_refusals: z.array(z.string()).default([]),
  memory_limit_mb: z.number().nullable().optional(),
  results_saved: z.boolean().default(false),
  results_type: z.string().nullable().optional(),
  results_save_error: z.string().nullable().optional(),
  /** Auto-saved figures, relative to the execution folder. */
  figures: z.array(z.string()).default([]),
  /** Images the code saved itself during this run, relative to the execution folder. */
  user_figures: z.array(z.string()).default([]),
  figure_errors: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
  stdout_truncated: z.boolean().default(false),
  stderr_truncated: z.boolean().default(false),
});

/** The parsed `execution_metadata.json`. */
export type ExecutionMetadata = z.infer<typeof executionMetadataSchema>;

/** Why {@link readExecutionMetadata} could not give metadata. */
export type MetadataProblem = "missing" | "unreadable";

/** The outcome of {@link readExecutionMetadata}. */
export type MetadataReadResult =
  | { ok: true; metadata: ExecutionMetadata }
  | { ok: false; problem: MetadataProblem; detail: string };

/**
 * Reads and validates `execution_metadata.json`. Never throws: a missing file (the wrapper never started) and a
 * malformed one are reported as values, because the caller decides what each means for its engine.
 */
export async function readExecutionMetadata(path: string): Promise<MetadataReadResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problem: code === "ENOENT" ? "missing" : "unreadable", detail: String(error) };
  }
  try {
    const parsed = executionMetadataSchema.safeParse(parseTolerantJson(text));
    if (!parsed.success) return { ok: false, problem: "unreadable", detail: z.prettifyError(parsed.error) };
    return { ok: true, metadata: parsed.data };
  } catch (error) {
    return { ok: false, problem: "unreadable", detail: `not JSON: ${(error as Error).message}` };
  }
}
