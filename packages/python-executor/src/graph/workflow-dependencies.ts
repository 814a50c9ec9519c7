import type { AnalysisReport, CodeAnalyzer } from "../analysis/types";
import type { CodeGenerator } from "../codegen/code-generator";
import type { CodeRunner, CodeRunOutcome, ExecutionModeConfig } from "../execution/types";
import type { PythonExecutionContextData } from "../models/execution-context";
import type { NotebookType } from "../models/notebook-attempt";
import type { PythonExecutionRequest } from "../models/request";

/** The policy settings the workflow applies (the service options, possibly overridden per call). */
export interface WorkflowSettings {
  timeoutSeconds: number;
  maxInfrastructureRetries: number;
  infrastructureRetryDelayMs: number;
  approval: { mode: "disabled" | "epics_writes" | "all_code"; onHighRisk: "approve" | "block" };
  executionControl: { epicsWritesEnabled: boolean };
  modes: { read_only: ExecutionModeConfig; write_access: ExecutionModeConfig };
}

/** What a notebook documents. */
export interface NotebookWriteInput {
  type: NotebookType;
  folder: PythonExecutionContextData;
  /** The attempt it belongs to (1-based). */
  attempt: number;
  /** The workflow stage writing it (`generation`, `analysis`, `execution`, `finalize`). */
  stage: string;
  request: PythonExecutionRequest;
  code: string;
  analysis?: AnalysisReport;
  /** Why approval is (or is not) needed, for the PRE_EXECUTION notebook. */
  reasons?: readonly string[];
  /** Whether the code waits for approval after this notebook (PRE_EXECUTION). */
  requiresApproval?: boolean;
  executionMode?: string;
  /** Serialization and analysis warnings (FINAL_SUCCESS). */
  warnings?: readonly string[];
  outcome?: Pick<CodeRunOutcome, "stdout" | "stderr" | "results" | "figurePaths" | "executionTimeSeconds">;
  error?: { name: string; message: string; traceback: string };
  errorChain?: readonly string[];
}

/** Files of a request: its folder, its attempt folders and its notebooks. */
export interface ExecutionWorkspace {
  /** Creates the request's folder (or adopts `request.existingExecutionFolder`) and writes `context.json`. */
  createExecutionFolder(request: PythonExecutionRequest): Promise<PythonExecutionContextData>;
  /** Creates (if needed) and returns `<folder>/attempts/NN`. */
  attemptFolder(folder: PythonExecutionContextData, attempt: number): Promise<string>;
  /** Writes a valid nbformat 4 notebook and returns where it is and a link to it. */
  writeNotebook(input: NotebookWriteInput): Promise<{ notebookPath: string; notebookLink: string }>;
}

/** Everything the graph's nodes use; the service builds it from its options. */
export interface WorkflowDependencies {
  analyzer: CodeAnalyzer;
  /** Absent when only `approvedCode` requests are expected; a request without code then fails fast. */
  generator?: CodeGenerator;
  runner: CodeRunner;
  workspace: ExecutionWorkspace;
  /** The settings, resolved for one run from the service options and the run's `configurable`. */
  settings(configurable: Readonly<Record<string, unknown>>): WorkflowSettings;
}
