import { type BaseCheckpointSaver, END, START, StateGraph } from "@langchain/langgraph";
import { PythonExecutionState } from "../models/state";
import { createAnalyzeNode } from "./analyze-node";
import { createApproveNode } from "./approve-node";
import { createExecuteNode } from "./execute-node";
import { createFinalizeNode } from "./finalize-node";
import { createGenerateNode } from "./generate-node";
import { createPrepareNode } from "./prepare-node";
import {
  routeAfterAnalyze,
  routeAfterApprove,
  routeAfterExecute,
  routeAfterGenerate,
  routeAfterPrepare,
} from "./routers";
import type { WorkflowDependencies } from "./workflow-dependencies";

/** Builds the uncompiled workflow: prepare → generate → analyze → (approve) → execute → finalize. */
export function buildPythonExecutionGraph(dependencies: WorkflowDependencies) {
  return new StateGraph(PythonExecutionState)
    .addNode("prepare", createPrepareNode(dependencies))
    .addNode("generate", createGenerateNode(dependencies))
    .addNode("analyze", createAnalyzeNode(dependencies))
    .addNode("approve", createApproveNode(dependencies))
    .addNode("execute", createExecuteNode(dependencies))
    .addNode("finalize", createFinalizeNode(dependencies))
    .addEdge(START, "prepare")
    .addConditionalEdges("prepare", routeAfterPrepare, ["generate", "analyze", "finalize"])
    .addConditionalEdges("generate", routeAfterGenerate, ["generate", "analyze", "finalize"])
    .addConditionalEdges("analyze", routeAfterAnalyze, ["generate", "approve", "execute", "finalize"])
    .addConditionalEdges("approve", routeAfterApprove, ["execute", "finalize"])
    .addConditionalEdges("execute", routeAfterExecute, ["generate", "execute", "finalize"])
    .addEdge("finalize", END);
}

/** Compiles the workflow with a checkpointer (needed for approval interrupts). */
export function compilePythonExecutionGraph(
  dependencies: WorkflowDependencies,
  checkpointer?: BaseCheckpointSaver,
) {
  return buildPythonExecutionGraph(dependencies).compile({ checkpointer, name: "python_executor" });
}

/** The compiled workflow type. */
export type CompiledPythonExecutionGraph = ReturnType<typeof compilePythonExecutionGraph>;
