import type { PythonExecutionStateValue } from "../models/state";

/*
 * Routers only read the state. Every decision they follow (retry, give up, ask a human) was written into the
 * state by the node that made it, so it is checkpointed. The reference's routers wrote to their state copy,
 * and LangGraph threw those writes away.
 */

/** After `prepare`: analyze `approvedCode` directly, else generate. */
export function routeAfterPrepare(state: PythonExecutionStateValue): "generate" | "analyze" | "finalize" {
  if (state.isFailed) return "finalize";
  return state.generatedCode !== null ? "analyze" : "generate";
}

/** After `generate`: analyze new code, or try generating again after a failed attempt. */
export function routeAfterGenerate(state: PythonExecutionStateValue): "generate" | "analyze" | "finalize" {
  if (state.isFailed) return "finalize";
  return state.generatedCode === null ? "generate" : "analyze";
}

/** After `analyze`: regenerate on a code error, ask for approval, or run. */
export function routeAfterAnalyze(
  state: PythonExecutionStateValue,
): "generate" | "approve" | "execute" | "finalize" {
  if (state.isFailed) return "finalize";
  if (state.analysisFailed) return "generate";
  return state.requiresApproval ? "approve" : "execute";
}

/** After `approve`: run approved code; anything else ends the run. */
export function routeAfterApprove(state: PythonExecutionStateValue): "execute" | "finalize" {
  return state.approved === true && !state.isFailed ? "execute" : "finalize";
}

/** After `execute`: finish, re-run the same code (infrastructure), or regenerate (code error). */
export function routeAfterExecute(state: PythonExecutionStateValue): "generate" | "execute" | "finalize" {
  if (state.isFailed || state.executionFailed === false) return "finalize";
  return state.currentStage === "execution" ? "execute" : "generate";
}
