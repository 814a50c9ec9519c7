import { WorkflowError } from "@execkit/errors";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { failureUpdate } from "./failure-policy";
import { configurableOf, emit } from "./node-support";
import type { WorkflowDependencies } from "./workflow-dependencies";

/**
 * Creates the request's execution folder once (with `context.json`) and keeps it in the state for every
 * attempt. Differs from the reference, which never saved the folder and so made a new one per attempt.
 */
export function createPrepareNode(dependencies: WorkflowDependencies) {
  return async function prepare(
    state: PythonExecutionStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<PythonExecutionStateUpdate> {
    emit(config, { type: "stage-start", stage: "prepare", attempt: 1 });
    const settings = dependencies.settings(configurableOf(config));
    try {
      const request = state.request;
      if (!request) throw new WorkflowError("The workflow started without a request.", "prepare");
      if (request.approvedCode === undefined && !dependencies.generator) {
        throw new WorkflowError(
          "The request has no approvedCode and the service has no code generator; pass chatModel or codeGenerator.",
          "prepare",
        );
      }
      const folder = state.executionFolder ?? (await dependencies.workspace.createExecutionFolder(request));
      return {
        executionFolder: folder,
        capabilityContextData: request.capabilityContextData ?? null,
        generatedCode: request.approvedCode ?? null,
        currentStage: request.approvedCode !== undefined ? "analysis" : "generation",
      };
    } catch (error) {
      return failureUpdate(state, error, "prepare", settings, config);
    }
  };
}
