import { delay } from "@execkit/core";
import { ErrorCategory } from "@execkit/errors";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { FailureRecord, WorkflowStage } from "../models/failure";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { isAbortError, toFailureRecord } from "./failure-record";
import { currentAttempt, emit } from "./node-support";
import type { WorkflowSettings } from "./workflow-dependencies";

const MAX_BACKOFF_MS = 30_000;

function terminal(
  failure: FailureRecord,
  outcome: FailureRecord["outcome"],
  budget?: FailureRecord["budget"],
) {
  const record: FailureRecord = { ...failure, outcome, ...(budget ? { budget } : {}) };
  return {
    failure: record,
    isFailed: true,
    failureReason: record.message,
    currentStage: "failed" as const,
  } satisfies PythonExecutionStateUpdate;
}

/**
 * Records a failure and decides, from its category, what happens next. The decision is written into the state
 * by the node (routers only read it):
 * - code errors regenerate, with the code and the error for the next prompt, until `request.retries` is spent
 *   (`approvedCode` is never replaced, so its code errors end the run);
 * - infrastructure errors during execution re-run the same code after a backoff, on the separate
 *   `maxInfrastructureRetries` budget;
 * - configuration and workflow errors (timeouts, rejections, bugs) end the run at once.
 *
 * Differs from the reference: it sent every failure, infrastructure and configuration included, back to the
 * LLM, and one shared counter served three different limits.
 */
export async function failureUpdate(
  state: PythonExecutionStateValue,
  error: unknown,
  stage: WorkflowStage,
  settings: WorkflowSettings,
  config: LangGraphRunnableConfig,
): Promise<PythonExecutionStateUpdate> {
  if (isAbortError(error, config.signal)) throw error;
  const failure = toFailureRecord(error, stage);
  const chainEntry = `${stage}: ${failure.message}`;
  const request = state.request!;
  const attempt = currentAttempt(state);

  if (failure.category === ErrorCategory.CODE_RELATED) {
    if (request.approvedCode !== undefined)
      return { ...terminal(failure, "error"), errorChain: [chainEntry] };
    const maxAttempts = request.retries + 1;
    if (state.generationAttempt >= maxAttempts) {
      return {
        ...terminal(failure, "max_attempts", { operationType: "code_generation", maxAttempts }),
        errorChain: [chainEntry],
      };
    }
    emit(config, {
      type: "retry-schedule",
      action: "regenerate",
      category: failure.category,
      message: failure.message,
      attempt,
      delayMs: 0,
    });
    const previousCode = state.generatedCode ?? state.retryContext?.previousCode;
    const errorText =
      failure.traceback && failure.traceback !== failure.message
        ? `${failure.message}\n${failure.traceback}`
        : failure.message;
    return {
      failure,
      errorChain: [chainEntry],
      // After a failed generation there is no new code: the last code that existed is still what to fix.
      retryContext: previousCode !== undefined ? { previousCode, error: errorText } : null,
      currentStage: "generation",
      analysisFailed: stage === "analysis" || stage === "generation" ? true : state.analysisFailed,
      executionFailed: stage === "execution" ? true : state.executionFailed,
    };
  }

  if (failure.category === ErrorCategory.INFRASTRUCTURE && stage === "execution") {
    const maxRetries = settings.maxInfrastructureRetries;
    if (state.infrastructureRetries >= maxRetries) {
      return {
        ...terminal(failure, "max_attempts", { operationType: "execution", maxAttempts: maxRetries + 1 }),
        errorChain: [chainEntry],
        executionFailed: true,
      };
    }
    const delayMs = Math.min(
      settings.infrastructureRetryDelayMs * 2 ** state.infrastructureRetries,
      MAX_BACKOFF_MS,
    );
    emit(config, {
      type: "retry-schedule",
      action: "rerun",
      category: failure.category,
      message: failure.message,
      attempt,
      delayMs,
    });
    await delay(delayMs, config.signal);
    return {
      failure,
      errorChain: [chainEntry],
      infrastructureRetries: 1,
      executionFailed: true,
      currentStage: "execution",
    };
  }

  return { ...terminal(failure, "error"), errorChain: [chainEntry] };
}
