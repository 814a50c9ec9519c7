import { Annotation } from "@langchain/langgraph";
import type { AnalysisReport } from "../analysis/types";
import type { ApprovalRequest, ApprovalResume } from "../approval/approval-request";
import type { ExecutionModeConfig } from "../execution/types";
import type { PythonExecutionContextData } from "./execution-context";
import type { FailureRecord, WorkflowStage } from "./failure";
import type { NotebookAttemptData } from "./notebook-attempt";
import type { PythonExecutionRequest } from "./request";
import type { PythonExecutionSuccessData } from "./result";

/** Keeps the first value ever written: the request of a thread must not change under a paused approval. */
function keepFirst<T>(current: T | null, update: T | null): T | null {
  return current ?? update;
}

function lastValue<T>(_current: T, update: T): T {
  return update;
}

/** Counters only go up: nodes return `1` to count one more attempt. */
function add(current: number, update: number): number {
  return current + update;
}

function append<T>(current: readonly T[], update: readonly T[]): T[] {
  return [...current, ...update];
}

/**
 * The LangGraph state of the workflow, with an explicit reducer on every field. Everything in it is plain JSON
 * (it is checkpointed, possibly to SQLite, while an approval is pending).
 *
 * Differs from the reference: its state had no reducers, routers wrote to it (and the writes were lost), and
 * undeclared keys returned by nodes were silently dropped. Every field a node writes is declared here.
 */
export const PythonExecutionState = Annotation.Root({
  /** The validated request; kept as first written. */
  request: Annotation<PythonExecutionRequest | null>({ reducer: keepFirst, default: () => null }),
  /** The request's context data, also saved as `context.json`. */
  capabilityContextData: Annotation<Record<string, unknown> | null>({
    reducer: lastValue,
    default: () => null,
  }),
  /** How many times code was generated. */
  generationAttempt: Annotation<number>({ reducer: add, default: () => 0 }),
  /** How many times code was run (each run has its own attempt folder). */
  executionAttempt: Annotation<number>({ reducer: add, default: () => 0 }),
  /** How many same-code re-runs infrastructure failures have used. */
  infrastructureRetries: Annotation<number>({ reducer: add, default: () => 0 }),
  /** Every failure message of this request, oldest first. */
  errorChain: Annotation<string[]>({ reducer: append, default: () => [] }),
  currentStage: Annotation<WorkflowStage>({ reducer: lastValue, default: () => "prepare" }),
  requiresApproval: Annotation<boolean | null>({ reducer: lastValue, default: () => null }),
  /** The payload of the approval interrupt, built before it is raised. */
  approvalInterruptData: Annotation<ApprovalRequest | null>({ reducer: lastValue, default: () => null }),
  /** The approver's answer, as resumed. */
  approvalResult: Annotation<ApprovalResume | null>({ reducer: lastValue, default: () => null }),
  approved: Annotation<boolean | null>({ reducer: lastValue, default: () => null }),
  /** The code of the current attempt: the code that is analyzed, approved and run. */
  generatedCode: Annotation<string | null>({ reducer: lastValue, default: () => null }),
  analysisResult: Annotation<AnalysisReport | null>({ reducer: lastValue, default: () => null }),
  analysisFailed: Annotation<boolean | null>({ reducer: lastValue, default: () => null }),
  /** Findings worth a look (approved high-risk calls, serialization warnings), as sentences. */
  analysisWarnings: Annotation<string[]>({ reducer: lastValue, default: () => [] }),
  /** The mode the current code runs in, chosen from the analysis. */
  executionMode: Annotation<ExecutionModeConfig | null>({ reducer: lastValue, default: () => null }),
  executionFailed: Annotation<boolean | null>({ reducer: lastValue, default: () => null }),
  executionResult: Annotation<PythonExecutionSuccessData | null>({ reducer: lastValue, default: () => null }),
  /** The request's execution folder: created once and kept for every attempt. */
  executionFolder: Annotation<PythonExecutionContextData | null>({ reducer: lastValue, default: () => null }),
  /** Every notebook written for this request, in order. */
  notebookAttempts: Annotation<NotebookAttemptData[]>({ reducer: append, default: () => [] }),
  /** The code and error the next generation must fix. */
  retryContext: Annotation<{ previousCode: string; error: string } | null>({
    reducer: lastValue,
    default: () => null,
  }),
  isSuccessful: Annotation<boolean>({ reducer: lastValue, default: () => false }),
  isFailed: Annotation<boolean>({ reducer: lastValue, default: () => false }),
  failureReason: Annotation<string | null>({ reducer: lastValue, default: () => null }),
  /** The latest failure, always complete; `outcome` is set when it ended the run. */
  failure: Annotation<FailureRecord | null>({ reducer: lastValue, default: () => null }),
});

/** The value type of {@link PythonExecutionState}. */
export type PythonExecutionStateValue = typeof PythonExecutionState.State;

/** What a node may return: a partial update of {@link PythonExecutionState}. */
export type PythonExecutionStateUpdate = typeof PythonExecutionState.Update;
