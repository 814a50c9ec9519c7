/**
 * The contract between the workflow and the two execution engines (local subprocess, Jupyter kernel).
 * Both run the same wrapper script, write the same files, and report the same outcome.
 */

/** A named execution mode: which kernel to use and how much the code may do. */
export interface ExecutionModeConfig {
  /** `read_only` or `write_access`. */
  modeName: "read_only" | "write_access";
  /** The Jupyter kernel name for this mode (Jupyter mode only). */
  kernelName: string;
  /** Whether control-system writes are allowed. */
  allowsWrites: boolean;
  /** Whether every run in this mode needs human approval. */
  requiresApproval: boolean;
  description: string;
  /** Extra environment variables for the code (EPICS gateway addresses, …). Never credentials from the host. */
  environment: Record<string, string>;
}

/** One run of one piece of code. */
export interface CodeRunRequest {
  code: string;
  /** The request's execution folder (`.../execution_<ts>_<name>_<id>/`); it holds `context.json`. */
  executionFolder: string;
  /** The attempt folder (`<executionFolder>/attempts/NN/`), where code, wrapper, stdout and metadata go. */
  attemptFolder: string;
  /** 1-based attempt number. */
  attempt: number;
  mode: ExecutionModeConfig;
  timeoutSeconds: number;
  signal?: AbortSignal;
  /** Called with output as it is produced. */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

/** A successful run. Failures are thrown (see below). */
export interface CodeRunOutcome {
  /** The value of `results` after the code ran, read back from `results.json` (NaN/Infinity tolerated). */
  results: unknown;
  /** What the code printed to stdout. */
  stdout: string;
  /** What the code printed to stderr. */
  stderr: string;
  /** Wall time of the user code, in seconds. */
  executionTimeSeconds: number;
  /** Absolute paths of every figure: auto-saved `figures/figure_NN.png` and the ones the code saved itself. */
  figurePaths: string[];
  /** Serialization warnings (values stored as repr, …). */
  warnings: string[];
  /** Absolute path of the wrapper script that was run (kept for audit). */
  wrapperPath: string;
}

/**
 * Runs code. Throws, from `@execkit/errors`:
 * - `CodeRuntimeError` when the user code raised (tracebackInfo set; technicalDetails has stdout and stderr);
 * - `ExecutionTimeoutError` when it ran past `timeoutSeconds` (the process or kernel was stopped);
 * - `ContainerConnectivityError` when the environment failed (interpreter missing, kernel died, server down);
 * - `ContainerConfigurationError` for a bad setting (missing kernel spec, wrong Python version).
 */
export interface CodeRunner {
  run(request: CodeRunRequest): Promise<CodeRunOutcome>;
  /** Frees processes and kernels. */
  close(): Promise<void>;
}
