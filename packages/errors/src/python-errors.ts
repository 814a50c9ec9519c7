import { brandFor } from "./brand";
import { ExecKitError, type ExecKitErrorOptions } from "./execkit-error";
import { defaultRedactor } from "./redaction";

/**
 * What kind of failure a Python execution error is; the workflow routes retries by it.
 * The string values are the reference's.
 */
export const ErrorCategory = {
  /** Kernel died, server unreachable, process could not start: re-run the same code. */
  INFRASTRUCTURE: "infrastructure",
  /** Syntax error, exception in user code, unusable LLM output: regenerate the code. */
  CODE_RELATED: "code_related",
  /** Timeout, rejected approval, attempts exhausted: stop. */
  WORKFLOW: "workflow",
  /** Missing or inconsistent settings: stop and fix the configuration. */
  CONFIGURATION: "configuration",
} as const;

/** One of the {@link ErrorCategory} values. */
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];

/** Options of every Python execution error. */
export interface PythonExecutorErrorOptions extends ExecKitErrorOptions {
  /** Extra facts for debugging (exit code, stderr tail, kernel id…); never credentials. */
  technicalDetails?: Record<string, unknown>;
  /** The execution folder, when one was created. */
  folderPath?: string;
  code?: string;
}

/**
 * Base of every error of the Python execution service. Its `category` decides what the workflow does next:
 * {@link PythonExecutorException.shouldRetryExecution} (same code again) or
 * {@link PythonExecutorException.shouldRetryCodeGeneration} (new code).
 */
export class PythonExecutorException extends ExecKitError {
  static override readonly brand: symbol = brandFor("PythonExecutorException");
  static override readonly defaultCode: string = "PYTHON_EXECUTOR_ERROR";
  readonly category: ErrorCategory;
  readonly technicalDetails: Readonly<Record<string, unknown>>;
  readonly folderPath?: string;

  constructor(message: string, category: ErrorCategory, options: PythonExecutorErrorOptions = {}) {
    super(message, options);
    this.category = category;
    this.technicalDetails = Object.freeze(
      (options.redactor ?? defaultRedactor).redactValue({ ...(options.technicalDetails ?? {}) }) as Record<
        string,
        unknown
      >,
    );
    this.folderPath = options.folderPath;
  }

  isInfrastructureError(): boolean {
    return this.category === ErrorCategory.INFRASTRUCTURE;
  }

  isCodeError(): boolean {
    return this.category === ErrorCategory.CODE_RELATED;
  }

  isWorkflowError(): boolean {
    return this.category === ErrorCategory.WORKFLOW;
  }

  /** Infrastructure failures are retried by running the same code again. */
  shouldRetryExecution(): boolean {
    return this.isInfrastructureError();
  }

  /** Code failures are retried by generating new code with the error in the prompt. */
  shouldRetryCodeGeneration(): boolean {
    return this.isCodeError();
  }

  override get isRetryable(): boolean {
    return this.shouldRetryExecution();
  }

  protected override jsonFields(): Record<string, unknown> {
    return { category: this.category, technicalDetails: this.technicalDetails, folderPath: this.folderPath };
  }
}

/** The user's code raised an exception (or exited abnormally) while it ran. */
export class CodeRuntimeError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("CodeRuntimeError");
  static override readonly defaultCode: string = "CODE_RUNTIME_ERROR";
  /** The Python traceback, as printed. */
  readonly tracebackInfo: string;
  /** Which execution attempt failed (1-based). */
  readonly executionAttempt: number;

  constructor(
    message: string,
    tracebackInfo: string,
    executionAttempt: number,
    options: PythonExecutorErrorOptions = {},
  ) {
    super(message, ErrorCategory.CODE_RELATED, options);
    this.tracebackInfo = this.redactText(tracebackInfo);
    this.executionAttempt = executionAttempt;
  }

  protected override jsonFields(): Record<string, unknown> {
    return {
      ...super.jsonFields(),
      tracebackInfo: this.tracebackInfo,
      executionAttempt: this.executionAttempt,
    };
  }
}

/** The code has syntax errors; found by static analysis before anything ran. */
export class CodeSyntaxError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("CodeSyntaxError");
  static override readonly defaultCode: string = "CODE_SYNTAX_ERROR";
  /** Each problem as `line N, column M: message`. */
  readonly syntaxIssues: readonly string[];

  constructor(message: string, syntaxIssues: readonly string[], options: PythonExecutorErrorOptions = {}) {
    super(message, ErrorCategory.CODE_RELATED, options);
    this.syntaxIssues = syntaxIssues.map((issue) => this.redactText(issue));
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), syntaxIssues: this.syntaxIssues };
  }
}

/** The code generator (an LLM) failed or returned no usable Python. */
export class CodeGenerationError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("CodeGenerationError");
  static override readonly defaultCode: string = "CODE_GENERATION_ERROR";
  /** Which generation attempt failed (1-based). */
  readonly generationAttempt: number;
  /** Every earlier error message of this request, oldest first. */
  readonly errorChain: readonly string[];

  constructor(
    message: string,
    generationAttempt: number,
    errorChain: readonly string[] = [],
    options: PythonExecutorErrorOptions = {},
  ) {
    super(message, ErrorCategory.CODE_RELATED, options);
    this.generationAttempt = generationAttempt;
    this.errorChain = errorChain.map((entry) => this.redactText(entry));
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), generationAttempt: this.generationAttempt, errorChain: this.errorChain };
  }
}

/** The Python environment (a Jupyter Server or its kernel) could not be reached or died. */
export class ContainerConnectivityError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("ContainerConnectivityError");
  static override readonly defaultCode: string = "CONTAINER_UNREACHABLE";
  readonly host: string;
  readonly port: number;

  constructor(message: string, host: string, port: number, options: PythonExecutorErrorOptions = {}) {
    super(message, ErrorCategory.INFRASTRUCTURE, options);
    this.host = host;
    this.port = port;
  }

  /** A sentence for end users, without technical detail. */
  getUserMessage(): string {
    return `Python execution environment is not reachable at ${this.host}:${this.port}`;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), host: this.host, port: this.port };
  }
}

/** A setting of the Python service is missing, invalid or inconsistent with another. */
export class ContainerConfigurationError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("ContainerConfigurationError");
  static override readonly defaultCode: string = "PYTHON_CONFIGURATION_ERROR";
  /** The configuration key at fault, when there is one. */
  readonly configKey?: string;

  constructor(message: string, options: PythonExecutorErrorOptions & { configKey?: string } = {}) {
    super(message, ErrorCategory.CONFIGURATION, options);
    this.configKey = options.configKey;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), configKey: this.configKey };
  }
}

/** The code ran longer than the configured timeout and was stopped. */
export class ExecutionTimeoutError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("ExecutionTimeoutError");
  static override readonly defaultCode: string = "EXECUTION_TIMEOUT";
  readonly timeoutSeconds: number;

  constructor(timeoutSeconds: number, message?: string, options: PythonExecutorErrorOptions = {}) {
    super(
      message ?? `Python code execution timeout after ${timeoutSeconds} seconds`,
      ErrorCategory.WORKFLOW,
      options,
    );
    this.timeoutSeconds = timeoutSeconds;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), timeoutSeconds: this.timeoutSeconds };
  }
}

/** A human (or policy) rejected the code at the approval step; the code never ran. */
export class ApprovalRejectedError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("ApprovalRejectedError");
  static override readonly defaultCode: string = "APPROVAL_REJECTED";
  /** The approver's comment, or why the approval was void (e.g. a code hash mismatch). */
  readonly comment?: string;
  /** The SHA-256 of the code that was rejected. */
  readonly codeSha256?: string;

  constructor(
    message: string,
    options: PythonExecutorErrorOptions & { comment?: string; codeSha256?: string } = {},
  ) {
    super(message, ErrorCategory.WORKFLOW, options);
    this.comment = this.redactText(options.comment);
    this.codeSha256 = options.codeSha256;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), comment: this.comment, codeSha256: this.codeSha256 };
  }
}

/** Every retry was used up; `errorChain` holds each attempt's error, oldest first. */
export class MaxAttemptsExceededError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("MaxAttemptsExceededError");
  static override readonly defaultCode: string = "MAX_ATTEMPTS_EXCEEDED";
  /** What was being retried: `code_generation` or `execution`. */
  readonly operationType: string;
  readonly maxAttempts: number;
  readonly errorChain: readonly string[];

  constructor(
    message: string,
    operationType: string,
    maxAttempts: number,
    errorChain: readonly string[] = [],
    options: PythonExecutorErrorOptions = {},
  ) {
    super(message, ErrorCategory.WORKFLOW, options);
    this.operationType = operationType;
    this.maxAttempts = maxAttempts;
    this.errorChain = errorChain.map((entry) => this.redactText(entry));
  }

  protected override jsonFields(): Record<string, unknown> {
    return {
      ...super.jsonFields(),
      operationType: this.operationType,
      maxAttempts: this.maxAttempts,
      errorChain: this.errorChain,
    };
  }
}

/** The workflow itself failed at a stage (a bug or a broken checkpoint), not the user's code. */
export class WorkflowError extends PythonExecutorException {
  static override readonly brand: symbol = brandFor("WorkflowError");
  static override readonly defaultCode: string = "WORKFLOW_ERROR";
  readonly stage: string;

  constructor(message: string, stage: string, options: PythonExecutorErrorOptions = {}) {
    super(message, ErrorCategory.WORKFLOW, options);
    this.stage = stage;
  }

  /** A sentence for end users. */
  getUserMessage(): string {
    return `The Python execution workflow failed during ${this.stage}: ${this.message}`;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), stage: this.stage };
  }
}
