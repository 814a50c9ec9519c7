import type { PythonExecutionRequest } from "../models/request";

/** Everything a generator gets for one attempt. */
export interface CodeGenerationInput {
  request: PythonExecutionRequest;
  /** 1-based generation attempt. */
  attempt: number;
  /** On a retry: the code of the previous attempt. */
  previousCode?: string;
  /** On a retry: why the previous attempt failed (message and traceback). */
  previousError?: string;
  /** Every failure message of this request so far, oldest first. */
  errorChain: readonly string[];
}

/**
 * Writes Python for a request. Return the code only (no fences needed, but they are tolerated by the default
 * generator). Throw `CodeGenerationError` when no usable code can be produced; it is retried like a code error.
 */
export interface CodeGenerator {
  generate(input: CodeGenerationInput, options?: { signal?: AbortSignal }): Promise<string>;
}
