import { readdir } from "node:fs/promises";
import { ContainerConfigurationError, type Redactor } from "@execkit/errors";
import { PythonCodeAnalyzer } from "../analysis/python-analyzer";
import type { CodeAnalyzer } from "../analysis/types";
import { codeSha256 } from "../approval/code-hash";
import type { PythonExecutorServiceConfig } from "../config/service-config";
import { JupyterCodeRunner } from "../execution/jupyter/jupyter-code-runner";
import { LocalCodeRunner } from "../execution/local-runner";
import type { CodeRunner } from "../execution/types";
import { createExecutionFolder, ensureAttemptFolder } from "../files/execution-folder";
import type { JupyterLinkOptions } from "../files/notebook-link";
import type { NotebookInput } from "../notebooks/notebook-content";
import { NotebookType } from "../notebooks/notebook-type";
import { writeNotebook } from "../notebooks/notebook-writer";
import type { ExecutionWorkspace, NotebookWriteInput } from "./workflow-dependencies";

/** The analyzer the service uses when none is given: the bundled Python AST analyzer on `pythonPath`. */
export function createDefaultAnalyzer(config: PythonExecutorServiceConfig): CodeAnalyzer {
  return new PythonCodeAnalyzer({
    pythonPath: config.pythonPath,
    controlSystemPatterns: config.controlSystemPatterns,
  });
}

/** The runner the service uses when none is given: a local subprocess, or a Jupyter Server's kernels. */
export function createDefaultRunner(config: PythonExecutorServiceConfig, redactor: Redactor): CodeRunner {
  if (config.executionMethod === "jupyter") {
    const jupyter = config.jupyter;
    if (!jupyter) {
      throw new ContainerConfigurationError('executionMethod is "jupyter" but jupyter.baseUrl is not set.', {
        configKey: "jupyter.baseUrl",
      });
    }
    return new JupyterCodeRunner({
      baseUrl: jupyter.baseUrl,
      token: jupyter.token,
      memoryLimitMb: config.memoryLimitMb,
      redactor,
    });
  }
  return new LocalCodeRunner({
    pythonPath: config.pythonPath,
    memoryLimitMb: config.memoryLimitMb,
    redactor,
  });
}

function linkOptions(config: PythonExecutorServiceConfig): JupyterLinkOptions | undefined {
  if (!config.jupyter) return undefined;
  return { jupyterBaseUrl: config.jupyter.baseUrl, jupyterRootDir: config.jupyter.rootDir, jupyterUi: "lab" };
}

function toNotebookInput(input: NotebookWriteInput): NotebookInput {
  const base = { attempt: input.attempt, stage: input.stage };
  const error = input.error
    ? { type: input.error.name, message: input.error.message, traceback: input.error.traceback || undefined }
    : undefined;
  switch (input.type) {
    case NotebookType.CODE_GENERATION_ATTEMPT:
      return {
        ...base,
        notebookType: input.type,
        code: input.code,
        generationAttempt: input.attempt,
        previousError: input.errorChain?.at(-1),
      };
    case NotebookType.PRE_EXECUTION:
      return {
        ...base,
        notebookType: input.type,
        code: input.code,
        analysis: input.analysis,
        executionMode: input.executionMode,
        requiresApproval: input.requiresApproval,
        approvalReason: input.reasons?.join("\n"),
        codeSha256: codeSha256(input.code),
      };
    case NotebookType.EXECUTION_ATTEMPT:
      return {
        ...base,
        notebookType: input.type,
        code: input.code,
        stdout: input.outcome?.stdout,
        stderr: input.outcome?.stderr,
        executionTimeSeconds: input.outcome?.executionTimeSeconds,
        error,
      };
    case NotebookType.FINAL_SUCCESS:
      return {
        ...base,
        notebookType: input.type,
        code: input.code,
        stdout: input.outcome?.stdout,
        stderr: input.outcome?.stderr,
        results: input.outcome?.results,
        figurePaths: input.outcome?.figurePaths,
        executionTimeSeconds: input.outcome?.executionTimeSeconds,
        warnings: input.warnings ? [...input.warnings] : undefined,
      };
    case NotebookType.FINAL_FAILURE:
      return {
        ...base,
        notebookType: input.type,
        code: input.code || undefined,
        error: error ?? { message: "The run ended without a result." },
        errorChain: input.errorChain ? [...input.errorChain] : undefined,
      };
  }
}

/** The highest `attempts/NN` number in a folder (0 when there is none). */
async function highestAttempt(attemptsFolder: string): Promise<number> {
  const entries = await readdir(attemptsFolder).catch(() => [] as string[]);
  return entries.reduce(
    (highest, name) => (/^\d+$/.test(name) ? Math.max(highest, Number(name)) : highest),
    0,
  );
}

/** Execution folders and notebooks on the local filesystem, under `executionRoot`. */
export function createFileWorkspace(config: PythonExecutorServiceConfig): ExecutionWorkspace {
  const jupyter = linkOptions(config);
  return {
    async createExecutionFolder(request) {
      const folder = await createExecutionFolder({
        root: config.executionRoot,
        name: request.executionFolderName,
        existingFolder: request.existingExecutionFolder,
        contextData: request.capabilityContextData,
        jupyter,
      });
      return {
        folderPath: folder.folderPath,
        folderUrl: folder.folderUrl,
        attemptsFolder: folder.attemptsFolder,
        contextFilePath: folder.contextFilePath,
        attemptOffset: request.existingExecutionFolder ? await highestAttempt(folder.attemptsFolder) : 0,
      };
    },
    attemptFolder(folder, attempt) {
      return ensureAttemptFolder(folder.folderPath, attempt);
    },
    async writeNotebook(input) {
      const attempt = await writeNotebook({ folderPath: input.folder.folderPath }, toNotebookInput(input), {
        jupyter,
      });
      return { notebookPath: attempt.notebookPath, notebookLink: attempt.notebookLink };
    },
  };
}
