import { CodeGenerationError } from "@execkit/errors";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { NotebookType } from "../models/notebook-attempt";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { failureUpdate } from "./failure-policy";
import { configurableOf, currentAttempt, emit } from "./node-support";
import { saveNotebook } from "./save-notebook";
import type { WorkflowDependencies } from "./workflow-dependencies";

/**
 * Asks the code generator for code; on a retry the prompt carries the previous code and its error. A failed
 * generation clears `generatedCode`, so stale code is never analyzed or run again (a reference bug).
 */
export function createGenerateNode(dependencies: WorkflowDependencies) {
  return async function generate(
    state: PythonExecutionStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<PythonExecutionStateUpdate> {
    const settings = dependencies.settings(configurableOf(config));
    const attempt = state.generationAttempt + 1;
    const next = { ...state, generationAttempt: attempt };
    emit(config, { type: "stage-start", stage: "generation", attempt: currentAttempt(next) });
    try {
      if (!dependencies.generator) {
        throw new CodeGenerationError(
          "No code generator is configured; pass chatModel or codeGenerator.",
          attempt,
        );
      }
      const code = await dependencies.generator.generate(
        {
          request: state.request!,
          attempt,
          previousCode: state.retryContext?.previousCode,
          previousError: state.retryContext?.error,
          errorChain: state.errorChain,
        },
        { signal: config.signal },
      );
      if (typeof code !== "string" || code.trim() === "") {
        throw new CodeGenerationError("The code generator returned no code.", attempt, state.errorChain);
      }
      emit(config, { type: "code-generate", attempt: currentAttempt(next), code });
      const notebook = await saveNotebook(dependencies, config, {
        type: NotebookType.CODE_GENERATION_ATTEMPT,
        folder: state.executionFolder!,
        attempt: currentAttempt(next),
        stage: "generation",
        request: state.request!,
        code,
        errorChain: state.errorChain,
      });
      return {
        generationAttempt: 1,
        generatedCode: code,
        retryContext: null,
        analysisResult: null,
        analysisFailed: null,
        executionFailed: null,
        requiresApproval: null,
        approvalInterruptData: null,
        approved: null,
        approvalResult: null,
        currentStage: "analysis",
        notebookAttempts: notebook,
      };
    } catch (error) {
      const update = await failureUpdate(next, error, "generation", settings, config);
      return { ...update, generationAttempt: 1, generatedCode: null };
    }
  };
}
