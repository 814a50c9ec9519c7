import {
  ApprovalRejectedError,
  CodeGenerationError,
  CodeRuntimeError,
  CodeSyntaxError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ErrorCategory,
  ExecutionTimeoutError,
  MaxAttemptsExceededError,
  PythonExecutorException,
  type Redactor,
  WorkflowError,
} from "@execkit/errors";
import type { FailureRecord, WorkflowStage } from "../models/failure";

/** The constructor fields of each error class that the record keeps, so the error can be rebuilt after a checkpoint. */
function detailsOf(error: PythonExecutorException): Record<string, unknown> {
  if (CodeRuntimeError.isInstance(error)) return { executionAttempt: error.executionAttempt };
  if (CodeSyntaxError.isInstance(error)) return { syntaxIssues: [...error.syntaxIssues] };
  if (CodeGenerationError.isInstance(error)) return { generationAttempt: error.generationAttempt };
  if (ContainerConnectivityError.isInstance(error)) return { host: error.host, port: error.port };
  if (ContainerConfigurationError.isInstance(error)) return { configKey: error.configKey };
  if (ExecutionTimeoutError.isInstance(error)) return { timeoutSeconds: error.timeoutSeconds };
  if (ApprovalRejectedError.isInstance(error))
    return { comment: error.comment, codeSha256: error.codeSha256 };
  if (WorkflowError.isInstance(error)) return { stage: error.stage };
  return {};
}

/** True for errors caused by an abort signal; those end the run as they are and are never recorded. */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return (
    error instanceof Error &&
    (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR")
  );
}

/**
 * Turns anything a node caught into the failure record. Errors that are not ours (a bug, a library failure) are
 * recorded as a `WorkflowError` of the stage: they fail fast rather than burn retries.
 */
export function toFailureRecord(error: unknown, stage: WorkflowStage): FailureRecord {
  if (PythonExecutorException.isInstance(error)) {
    const traceback =
      (CodeRuntimeError.isInstance(error) && error.tracebackInfo) ||
      (CodeSyntaxError.isInstance(error) && error.syntaxIssues.join("\n")) ||
      error.message;
    return {
      stage,
      category: error.category,
      message: error.message,
      traceback,
      errorName: error.name,
      details: detailsOf(error),
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    stage,
    category: ErrorCategory.WORKFLOW,
    message: `Unexpected failure during ${stage}: ${message}`,
    traceback: (error instanceof Error && error.stack) || message,
    errorName: "WorkflowError",
    details: { stage },
  };
}

/** Options of {@link errorFromFailure}. */
export interface ErrorFromFailureOptions {
  errorChain: readonly string[];
  folderPath?: string;
  /** Knows the service's secrets (the Jupyter token); applied to every rebuilt error. */
  redactor?: Redactor;
}

/** Rebuilds the failure's error as its own class (the record itself goes into `technicalDetails.failure`). */
function rebuild(failure: FailureRecord, options: ErrorFromFailureOptions): PythonExecutorException {
  const base = {
    redactor: options.redactor,
    folderPath: options.folderPath,
    technicalDetails: {
      stage: failure.stage,
      errorChain: [...options.errorChain],
      traceback: failure.traceback,
    },
  };
  const d = failure.details;
  switch (failure.errorName) {
    case "CodeRuntimeError":
      return new CodeRuntimeError(failure.message, failure.traceback, Number(d.executionAttempt ?? 0), base);
    case "CodeSyntaxError":
      return new CodeSyntaxError(failure.message, (d.syntaxIssues as string[] | undefined) ?? [], base);
    case "CodeGenerationError":
      return new CodeGenerationError(
        failure.message,
        Number(d.generationAttempt ?? 0),
        options.errorChain,
        base,
      );
    case "ContainerConnectivityError":
      return new ContainerConnectivityError(
        failure.message,
        String(d.host ?? "unknown"),
        Number(d.port ?? 0),
        base,
      );
    case "ContainerConfigurationError":
      return new ContainerConfigurationError(failure.message, {
        ...base,
        configKey: d.configKey as string | undefined,
      });
    case "ExecutionTimeoutError":
      return new ExecutionTimeoutError(Number(d.timeoutSeconds ?? 0), failure.message, base);
    case "ApprovalRejectedError":
      return new ApprovalRejectedError(failure.message, {
        ...base,
        comment: d.comment as string | undefined,
        codeSha256: d.codeSha256 as string | undefined,
      });
    case "WorkflowError":
      return new WorkflowError(failure.message, String(d.stage ?? failure.stage), base);
    default:
      return new PythonExecutorException(failure.message, failure.category, base);
  }
}

/**
 * The typed error a failed run is thrown as. Every error carries the error chain in
 * `technicalDetails.errorChain`; a spent retry budget is a `MaxAttemptsExceededError` whose `cause` is the last
 * failure as its own class.
 */
export function errorFromFailure(
  failure: FailureRecord,
  options: ErrorFromFailureOptions,
): PythonExecutorException {
  const last = rebuild(failure, options);
  if (failure.outcome !== "max_attempts") return last;
  const operation =
    failure.budget?.operationType ??
    (failure.category === ErrorCategory.INFRASTRUCTURE ? "execution" : "code_generation");
  const maxAttempts = failure.budget?.maxAttempts ?? 0;
  const what = operation === "execution" ? "runs of the same code" : "code attempts";
  return new MaxAttemptsExceededError(
    `Gave up after ${maxAttempts} ${what}. Last error (${failure.stage}): ${failure.message}`,
    operation,
    maxAttempts,
    options.errorChain,
    {
      cause: last,
      redactor: options.redactor,
      folderPath: options.folderPath,
      technicalDetails: { stage: failure.stage, traceback: failure.traceback, lastError: failure.errorName },
    },
  );
}
