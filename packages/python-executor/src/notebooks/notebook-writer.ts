import { randomBytes } from "node:crypto";
import { link, mkdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PythonExecutorException, WorkflowError } from "@execkit/errors";
import { attemptFolderPath } from "../files/execution-folder";
import { type JupyterLinkOptions, pathLink } from "../files/notebook-link";
import type { NotebookAttempt } from "./notebook-attempt";
import {
  buildNotebook,
  DEFAULT_NOTEBOOK_STAGE,
  type NotebookError,
  type NotebookInput,
} from "./notebook-content";
import { NotebookType } from "./notebook-type";

/** The execution folder a notebook belongs to (an `ExecutionFolder`, or just its path). */
export interface NotebookFolder {
  folderPath: string;
  /** When present, the new {@link NotebookAttempt} is appended to it. */
  notebookAttempts?: NotebookAttempt[];
}

/** Options of {@link writeNotebook}. */
export interface WriteNotebookOptions {
  /** For the notebook link; a Jupyter URL when `jupyterBaseUrl` is set. */
  jupyter?: JupyterLinkOptions;
}

/**
 * Writes one notebook (valid nbformat 4.5) and returns its {@link NotebookAttempt}.
 *
 * Attempt notebooks go to `attempts/NN/<type>.ipynb`; the final notebook (success or failure) to
 * `<folder>/notebook.ipynb`. An existing file is never overwritten: the new one gets a `_2`, `_3`… suffix. The
 * file appears atomically, complete, so an approver opening the link never sees half a notebook.
 *
 * @throws WorkflowError (`NOTEBOOK_WRITE_FAILED`) when the file cannot be written.
 */
export async function writeNotebook(
  folder: NotebookFolder,
  input: NotebookInput,
  options: WriteNotebookOptions = {},
): Promise<NotebookAttempt> {
  const final =
    input.notebookType === NotebookType.FINAL_SUCCESS || input.notebookType === NotebookType.FINAL_FAILURE;
  const notebookDir = final ? folder.folderPath : attemptFolderPath(folder.folderPath, input.attempt);
  const baseName = final ? "notebook" : input.notebookType;
  const now = input.now ?? new Date();
  const document = await buildNotebook({ ...input, now }, { folderPath: folder.folderPath, notebookDir });
  const text = `${JSON.stringify(document, null, 1)}\n`;

  let notebookPath: string;
  try {
    await mkdir(notebookDir, { recursive: true });
    notebookPath = await writeExclusive(notebookDir, baseName, text);
  } catch (error) {
    throw new WorkflowError(
      `The ${input.notebookType} notebook could not be written in ${notebookDir}: ${(error as Error).message}`,
      "notebooks",
      { code: "NOTEBOOK_WRITE_FAILED", cause: error, folderPath: folder.folderPath },
    );
  }
  const attempt: NotebookAttempt = {
    notebookType: input.notebookType,
    attemptNumber: input.attempt,
    stage: input.stage ?? DEFAULT_NOTEBOOK_STAGE[input.notebookType],
    notebookPath,
    notebookLink: pathLink(notebookPath, false, options.jupyter),
    createdAt: now.toISOString(),
  };
  const errorContext = errorContextOf(input);
  if (errorContext) attempt.errorContext = errorContext;
  folder.notebookAttempts?.push(attempt);
  return attempt;
}

/** Writes to a temporary file, then hard-links it to the first free name: atomic and never clobbering. */
async function writeExclusive(dir: string, baseName: string, text: string): Promise<string> {
  const temp = join(dir, `.${baseName}.${randomBytes(6).toString("hex")}.tmp`);
  await writeFile(temp, text, "utf8");
  try {
    for (let index = 1; ; index++) {
      const candidate = join(dir, index === 1 ? `${baseName}.ipynb` : `${baseName}_${index}.ipynb`);
      try {
        await link(temp, candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || index >= 999) throw error;
      }
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}

function errorContextOf(input: NotebookInput): string | undefined {
  switch (input.notebookType) {
    case NotebookType.CODE_GENERATION_ATTEMPT:
      return input.previousError ? firstLine(input.previousError) : undefined;
    case NotebookType.EXECUTION_ATTEMPT:
    case NotebookType.FINAL_FAILURE:
      return input.error
        ? firstLine(input.error.type ? `${input.error.type}: ${input.error.message}` : input.error.message)
        : undefined;
    default:
      return undefined;
  }
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? "").slice(0, 500);
}

/**
 * Describes any thrown value for a notebook: type, category, stage, message and (for code errors) the Python
 * traceback.
 */
export function notebookErrorFrom(error: unknown, stage?: string): NotebookError {
  if (PythonExecutorException.isInstance(error)) {
    const details = error as PythonExecutorException & { tracebackInfo?: string; stage?: string };
    const errorType = details.technicalDetails.errorType;
    const type = typeof errorType === "string" ? errorType : error.name;
    // CodeRuntimeError messages start with the Python type already; keep it once.
    const message = error.message.startsWith(`${type}: `)
      ? error.message.slice(type.length + 2)
      : error.message;
    return {
      type,
      category: error.category,
      stage: stage ?? details.stage,
      message,
      traceback: details.tracebackInfo || undefined,
    };
  }
  if (error instanceof Error)
    return { type: error.name, stage, message: error.message, traceback: error.stack };
  return { stage, message: String(error) };
}
