// Every export of this file is public API of @execkit/python-executor. Named exports only.

export {
  type ApprovalDecision,
  type ApprovalMode,
  type ApprovalPolicyOptions,
  decideApproval,
  decideExecutionMode,
  decidePolicy,
  type ExecutionModeDecision,
  type HighRiskAction,
  type PolicyAction,
  type PolicyDecision,
} from "./analysis/policy";
export { PythonCodeAnalyzer, type PythonCodeAnalyzerOptions } from "./analysis/python-analyzer";
// Static analysis and policy.
export type {
  AnalysisFinding,
  AnalysisReport,
  CodeAnalyzer,
  ControlSystemPatterns,
  FindingCategory,
  FindingSeverity,
  SyntaxIssue,
} from "./analysis/types";
// Approval.
export {
  type ApprovalInterrupt,
  type ApprovalRequest,
  type ApprovalResume,
  ApprovalResumeSchema,
  isApprovalInterrupt,
} from "./approval/approval-request";
export { codeSha256 } from "./approval/code-hash";
export {
  ChatModelCodeGenerator,
  type ChatModelCodeGeneratorOptions,
  type ChatModelLike,
} from "./codegen/chat-model-code-generator";
// Code generation.
export type { CodeGenerationInput, CodeGenerator } from "./codegen/code-generator";
export { describeContextData } from "./codegen/describe-context";
export { extractPythonCode } from "./codegen/extract-code";
export { buildCodeGenerationPrompt, CODE_GENERATION_SYSTEM_PROMPT } from "./codegen/prompt";
// Configuration.
export {
  ApprovalConfigSchema,
  JupyterConfigSchema,
  type PythonExecutorServiceConfig,
  type PythonExecutorServiceConfigInput,
  PythonExecutorServiceConfigSchema,
  parseServiceConfig,
  SqliteCheckpointerConfigSchema,
} from "./config/service-config";
export { JupyterCodeRunner, type JupyterCodeRunnerOptions } from "./execution/jupyter/jupyter-code-runner";
export { LocalCodeRunner, type LocalCodeRunnerOptions } from "./execution/local-runner";
export { parseTolerantJson } from "./execution/results";
// Execution.
export type { CodeRunner, CodeRunOutcome, CodeRunRequest } from "./execution/types";
// Files and notebooks.
export {
  type CreateExecutionFolderOptions,
  createExecutionFolder,
  type ExecutionFolder,
} from "./files/execution-folder";
export { type JupyterLinkOptions, notebookLink } from "./files/notebook-link";
export {
  buildPythonExecutionGraph,
  type CompiledPythonExecutionGraph,
  compilePythonExecutionGraph,
} from "./graph/build-graph";
export type {
  ExecutionWorkspace,
  NotebookWriteInput,
  WorkflowDependencies,
  WorkflowSettings,
} from "./graph/workflow-dependencies";
export type { PythonExecutorEvent } from "./graph/workflow-events";
export {
  type Configurable,
  getContainerEndpointConfigFromConfigurable,
  getExecutionControlConfigFromConfigurable,
  getExecutionModeConfigFromConfigurable,
} from "./models/configurable";
export { ContainerEndpointConfig } from "./models/container-endpoint";
export { PythonExecutionContext, type PythonExecutionContextData } from "./models/execution-context";
export {
  ExecutionControlConfig,
  ExecutionControlConfigSchema,
  ExecutionMode,
} from "./models/execution-control";
export {
  type ExecutionModeConfig,
  type ExecutionModeConfigInput,
  ExecutionModeConfigSchema,
  resolveExecutionModeConfig,
} from "./models/execution-mode-config";
export type { FailureOutcome, FailureRecord, WorkflowStage } from "./models/failure";
export { NotebookAttempt, type NotebookAttemptData, NotebookType } from "./models/notebook-attempt";
// Models.
export {
  type PythonExecutionRequest,
  type PythonExecutionRequestInput,
  PythonExecutionRequestSchema,
} from "./models/request";
export {
  PythonExecutionSuccess,
  type PythonExecutionSuccessData,
  type PythonExecutionSuccessDict,
  type PythonServiceResult,
} from "./models/result";
export {
  PythonExecutionState,
  type PythonExecutionStateUpdate,
  type PythonExecutionStateValue,
} from "./models/state";
export type { NotebookInput } from "./notebooks/notebook-content";
export { type WriteNotebookOptions, writeNotebook } from "./notebooks/notebook-writer";
// The service and its run types.
export { type PythonExecutorInput, type PythonExecutorRunConfig, PythonExecutorService } from "./service";

// A real Jupyter Server on loopback, for tests, demos and local development.
export {
  isJupyterAvailable,
  type RunningJupyterServer,
  type StartJupyterServerOptions,
  startJupyterServer,
} from "./testing/jupyter-server";
