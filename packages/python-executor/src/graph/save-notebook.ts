import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { NotebookAttemptData } from "../models/notebook-attempt";
import { emit } from "./node-support";
import type { NotebookWriteInput, WorkflowDependencies } from "./workflow-dependencies";

/** Writes a notebook, tells `stream()` callers where it is, and returns the record to append to the state. */
export async function saveNotebook(
  dependencies: WorkflowDependencies,
  config: LangGraphRunnableConfig,
  input: NotebookWriteInput,
): Promise<NotebookAttemptData[]> {
  const { notebookPath, notebookLink } = await dependencies.workspace.writeNotebook(input);
  emit(config, {
    type: "notebook-save",
    notebookType: input.type,
    notebookPath,
    notebookLink,
    attempt: input.attempt,
  });
  return [
    {
      notebookType: input.type,
      attemptNumber: input.attempt,
      stage: input.stage,
      notebookPath,
      notebookLink,
      ...(input.error ? { errorContext: `${input.error.name}: ${input.error.message}` } : {}),
      createdAt: new Date().toISOString(),
    },
  ];
}
