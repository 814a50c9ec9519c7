import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { PythonExecutionStateValue } from "../models/state";
import type { PythonExecutorEvent as PythonExecutionEvent } from "./workflow-events";

/** Sends an event to `stream()` callers; a no-op under `invoke()`. */
export function emit(config: LangGraphRunnableConfig, event: PythonExecutionEvent): void {
  config.writer?.(event);
}

/**
 * The attempt number of the current code run: one per code version, plus one per same-code re-run after an
 * infrastructure failure, after the attempts an adopted folder already held, so every run gets its own
 * `attempts/NN` folder and nothing is overwritten.
 */
export function currentAttempt(
  state: Pick<PythonExecutionStateValue, "generationAttempt" | "infrastructureRetries" | "executionFolder">,
): number {
  return (
    (state.executionFolder?.attemptOffset ?? 0) +
    Math.max(state.generationAttempt, 1) +
    state.infrastructureRetries
  );
}

/** The `configurable` of a run, never undefined. */
export function configurableOf(config: LangGraphRunnableConfig): Readonly<Record<string, unknown>> {
  return (config.configurable ?? {}) as Readonly<Record<string, unknown>>;
}
