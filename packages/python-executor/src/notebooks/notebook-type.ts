/**
 * The five kinds of notebook written during one request. The string values are the reference's.
 * Differs from the reference: it declared all five but only ever wrote `execution_attempt`.
 */
export const NotebookType = {
  /** After each code generation: the code, the generation attempt and the previous error, if any. */
  CODE_GENERATION_ATTEMPT: "code_generation_attempt",
  /** Before approval and execution: the code and the static analysis findings. */
  PRE_EXECUTION: "pre_execution",
  /** After each run: the code with its stdout, stderr and error outputs. */
  EXECUTION_ATTEMPT: "execution_attempt",
  /** After a successful run: code, outputs, results and embedded figures. */
  FINAL_SUCCESS: "final_success",
  /** After the request failed for good: the error, its traceback and the error chain. */
  FINAL_FAILURE: "final_failure",
} as const;

/** One of the {@link NotebookType} values. */
export type NotebookType = (typeof NotebookType)[keyof typeof NotebookType];

/** Every {@link NotebookType} value, in workflow order. */
export const NOTEBOOK_TYPES: readonly NotebookType[] = Object.values(NotebookType);
