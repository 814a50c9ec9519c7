import type { ErrorCategory } from "@execkit/errors";

/** The stage of the workflow a run is in, or ended in. */
export type WorkflowStage =
  | "prepare"
  | "generation"
  | "analysis"
  | "approval"
  | "execution"
  | "finalize"
  | "complete"
  | "failed";

/**
 * Why a failure ended the run:
 * - `error`: a failure that is not retried (configuration, timeout, a code error of `approvedCode`, a bug);
 * - `max_attempts`: the retry budget of its category ran out;
 * - `rejected`: a human (or the policy) refused the code; it never ran.
 */
export type FailureOutcome = "error" | "max_attempts" | "rejected";

/**
 * The one record of the latest failure. It is always filled in (stage, category, message, traceback), so a
 * final failure never loses its reason. Differs from the reference, whose routers wrote the reason into a copy
 * of the state that LangGraph then discarded.
 */
export interface FailureRecord {
  stage: WorkflowStage;
  category: ErrorCategory;
  message: string;
  /** The Python traceback when there is one, else the most useful detail we have (never empty). */
  traceback: string;
  /** The class name of the error (`CodeRuntimeError`, …), to rebuild it as the same type. */
  errorName: string;
  /** Constructor fields of that error (timeout, host and port, syntax issues, …), JSON only. */
  details: Record<string, unknown>;
  /** Set when this failure ends the run. */
  outcome?: FailureOutcome;
  /** For `max_attempts`: which budget ran out and how many attempts it allowed. */
  budget?: { operationType: "code_generation" | "execution"; maxAttempts: number };
}
