import { CodeRuntimeError, WorkflowError } from "@execkit/errors";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { CodeRunOutcome } from "../execution/types";
import { NotebookType } from "../models/notebook-attempt";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { failureUpdate } from "./failure-policy";
import { isAbortError, toFailureRecord } from "./failure-record";
import { configurableOf, currentAttempt, emit } from "./node-support";
import { saveNotebook } from "./save-notebook";
import type { WorkflowDependencies } from "./workflow-dependencies";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Runs the checkpointed code (never code from an approval payload) in the mode the analysis chose, in its own
 * attempt folder, streaming output to `stream()` callers. Writes the EXECUTION_ATTEMPT notebook either way.
 */
export function createExecuteNode(dependencies: WorkflowDependencies) {
  return async function execute(
    state: PythonExecutionStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<PythonExecutionStateUpdate> {
    const settings = dependencies.settings(configurableOf(config));
    const attempt = currentAttempt(state);
    emit(config, { type: "stage-start", stage: "execution", attempt });
    const code = state.generatedCode;
    const folder = state.executionFolder;
    const mode = state.executionMode;
    if (code === null || folder === null || mode === null) {
      return failureUpdate(
        state,
        new WorkflowError("Execution was reached without code, folder or mode.", "execution"),
        "execution",
        settings,
        config,
      );
    }
    let outcome: CodeRunOutcome | undefined;
    try {
      const attemptFolder = await dependencies.workspace.attemptFolder(folder, attempt);
      outcome = await dependencies.runner.run({
        code,
        executionFolder: folder.folderPath,
        attemptFolder,
        attempt,
        mode,
        timeoutSeconds: settings.timeoutSeconds,
        signal: config.signal,
        onOutput: (stream, text) => emit(config, { type: "output-chunk", stream, text, attempt }),
      });
      const results = outcome.results ?? {};
      if (!isPlainObject(results)) {
        throw new CodeRuntimeError(
          `results must be a dict, but the code left a ${Array.isArray(results) ? "list" : typeof results} in it.`,
          "",
          attempt,
          { technicalDetails: { stdout: outcome.stdout, stderr: outcome.stderr } },
        );
      }
      const notebook = await saveNotebook(dependencies, config, {
        type: NotebookType.EXECUTION_ATTEMPT,
        folder,
        attempt,
        stage: "execution",
        request: state.request!,
        code,
        executionMode: mode.modeName,
        outcome,
      });
      return {
        executionAttempt: 1,
        executionFailed: false,
        executionResult: {
          results,
          stdout: outcome.stdout,
          executionTime: outcome.executionTimeSeconds,
          folderPath: folder.folderPath,
          notebookPath: "",
          notebookLink: "",
          figurePaths: outcome.figurePaths,
        },
        analysisWarnings: [...state.analysisWarnings, ...outcome.warnings],
        currentStage: "finalize",
        notebookAttempts: notebook,
      };
    } catch (error) {
      if (isAbortError(error, config.signal)) throw error;
      const failure = toFailureRecord(error, "execution");
      const notebook = await saveNotebook(dependencies, config, {
        type: NotebookType.EXECUTION_ATTEMPT,
        folder,
        attempt,
        stage: "execution",
        request: state.request!,
        code,
        executionMode: mode.modeName,
        outcome,
        error: { name: failure.errorName, message: failure.message, traceback: failure.traceback },
        errorChain: state.errorChain,
      }).catch(() => []);
      const update = await failureUpdate(state, error, "execution", settings, config);
      return { ...update, executionAttempt: 1, notebookAttempts: notebook };
    }
  };
}
