import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { NotebookType } from "../models/notebook-attempt";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { currentAttempt, emit } from "./node-support";
import { saveNotebook } from "./save-notebook";
import type { WorkflowDependencies } from "./workflow-dependencies";

/**
 * Writes the final notebook: FINAL_SUCCESS with the code, its output and its figures, or FINAL_FAILURE with the
 * error, its traceback and the whole error chain. The success's notebook link therefore always points at a
 * notebook that exists (the reference linked to one it never wrote on failure).
 */
export function createFinalizeNode(dependencies: WorkflowDependencies) {
  return async function finalize(
    state: PythonExecutionStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<PythonExecutionStateUpdate> {
    const attempt = currentAttempt(state);
    emit(config, { type: "stage-start", stage: "finalize", attempt });
    const folder = state.executionFolder;
    const result = state.executionResult;
    if (result && !state.isFailed && state.generatedCode !== null && folder) {
      const notebook = await saveNotebook(dependencies, config, {
        type: NotebookType.FINAL_SUCCESS,
        folder,
        attempt,
        stage: "finalize",
        request: state.request!,
        code: state.generatedCode,
        analysis: state.analysisResult ?? undefined,
        executionMode: state.executionMode?.modeName,
        warnings: state.analysisWarnings,
        outcome: {
          results: result.results,
          stdout: result.stdout,
          stderr: "",
          figurePaths: result.figurePaths,
          executionTimeSeconds: result.executionTime,
        },
      });
      const { notebookPath, notebookLink } = notebook[0]!;
      return {
        executionResult: { ...result, notebookPath, notebookLink },
        isSuccessful: true,
        currentStage: "complete",
        notebookAttempts: notebook,
      };
    }
    if (!folder || !state.request) return { isFailed: true, currentStage: "failed" };
    const failure = state.failure;
    const notebook = await saveNotebook(dependencies, config, {
      type: NotebookType.FINAL_FAILURE,
      folder,
      attempt,
      stage: "finalize",
      request: state.request,
      code: state.generatedCode ?? state.retryContext?.previousCode ?? "",
      analysis: state.analysisResult ?? undefined,
      error: failure
        ? { name: failure.errorName, message: failure.message, traceback: failure.traceback }
        : { name: "WorkflowError", message: "The run ended without a result.", traceback: "" },
      errorChain: state.errorChain,
    }).catch(() => []);
    return { isFailed: true, currentStage: "failed", notebookAttempts: notebook };
  };
}
