import { randomBytes } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ContainerConfigurationError, WorkflowError } from "@execkit/errors";
import type { NotebookAttempt } from "../notebooks/notebook-attempt";
import { type JupyterLinkOptions, pathLink } from "./notebook-link";

/** The default root of execution folders, relative to the working directory (the reference's). */
export const DEFAULT_EXECUTION_ROOT = "_agent_data/executed_scripts";

/**
 * One request's execution folder (the seed's `PythonExecutionContext` fields). Plain data, so it can live in a
 * LangGraph checkpoint; `attemptFolder` is a non-enumerable helper that serialization drops.
 *
 * ```
 * <root>/<YYYY-MM>/execution_<YYYYMMDD_HHMMSS>_<name>_<id>/
 *   context.json  results.json  notebook.ipynb  figures/
 *   attempts/01/  code.py wrapper.py stdout.txt stderr.txt execution_metadata.json *.ipynb
 * ```
 */
export interface ExecutionFolder {
  /** Absolute path of the folder. */
  folderPath: string;
  /** A Jupyter URL of the folder when a Jupyter base URL was given, else a `file://` URL. */
  folderUrl: string;
  /** `<folder>/attempts`. */
  attemptsFolder: string;
  /** `<folder>/context.json`. */
  contextFilePath: string;
  /** `<folder>/figures`. */
  figuresFolder: string;
  /** Notebooks written for this request so far (see `writeNotebook`). */
  notebookAttempts: NotebookAttempt[];
  /** Creates (if needed) and returns `<folder>/attempts/NN`. */
  attemptFolder(attempt: number): Promise<string>;
}

/** Inputs of {@link createExecutionFolder}. */
export interface CreateExecutionFolderOptions {
  /** Where execution folders go; default {@link DEFAULT_EXECUTION_ROOT} (resolved against the working directory). */
  root?: string;
  /** The request's `executionFolderName`; sanitised to letters, digits, `_` and `-`. */
  name: string;
  /** Reuse this folder (the request's `existingExecutionFolder`); it must exist. */
  existingFolder?: string;
  /**
   * The request's `capabilityContextData`, written as `context.json`. For a new folder an absent value writes `{}`;
   * for an existing folder an absent value keeps its `context.json`.
   */
  contextData?: unknown;
  /** For `folderUrl`. */
  jupyter?: JupyterLinkOptions;
  /** The clock, for tests; default now. The folder name uses UTC. */
  now?: Date;
}

/**
 * Creates the execution folder of one request with `attempts/` and `figures/`, and writes `context.json`.
 *
 * Differs from the reference: one folder per request (the reference made a new one per attempt), UTC timestamps,
 * default permissions instead of world-writable folders, and names that cannot escape the root.
 *
 * @throws ContainerConfigurationError (`configKey: "existingExecutionFolder"`) when the folder to reuse is missing.
 * @throws WorkflowError (`INVALID_CONTEXT_DATA`) when the context data cannot be written as JSON (a cycle, …).
 */
export async function createExecutionFolder(options: CreateExecutionFolderOptions): Promise<ExecutionFolder> {
  const contextJson = options.contextData === undefined ? undefined : contextToJson(options.contextData);
  let folderPath: string;
  if (options.existingFolder !== undefined) {
    folderPath = resolve(options.existingFolder);
    const info = await stat(folderPath).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new ContainerConfigurationError(
        `existingExecutionFolder ${folderPath} does not exist or is not a folder; omit it to create a new one.`,
        { configKey: "existingExecutionFolder" },
      );
    }
  } else {
    const now = options.now ?? new Date();
    const root = resolve(options.root ?? DEFAULT_EXECUTION_ROOT);
    const month = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}`;
    const folderName = `execution_${timestamp(now)}_${sanitizeFolderName(options.name)}_${randomBytes(4).toString("hex")}`;
    folderPath = join(root, month, folderName);
  }
  const attemptsFolder = join(folderPath, "attempts");
  const figuresFolder = join(folderPath, "figures");
  const contextFilePath = join(folderPath, "context.json");
  // The request folder comes with attempts/ (one recursive call for root, month, folder and attempts); the rest
  // goes in parallel. Every run waits on this, so it is kept to two rounds of file-system calls.
  await mkdir(attemptsFolder, { recursive: true });
  await Promise.all([
    mkdir(figuresFolder, { recursive: true }),
    contextJson !== undefined || options.existingFolder === undefined
      ? writeFile(contextFilePath, contextJson ?? "{}\n", "utf8")
      : undefined,
  ]);
  const folder: ExecutionFolder = {
    folderPath,
    folderUrl: pathLink(folderPath, true, options.jupyter),
    attemptsFolder,
    contextFilePath,
    figuresFolder,
    notebookAttempts: [],
  } as unknown as ExecutionFolder;
  Object.defineProperty(folder, "attemptFolder", {
    value: (attempt: number) => ensureAttemptFolder(folderPath, attempt),
    enumerable: false,
  });
  return folder;
}

/** `<folder>/attempts/NN` for a 1-based attempt number, without touching the disk. */
export function attemptFolderPath(folderPath: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new ContainerConfigurationError(`attempt must be a positive integer, got ${String(attempt)}.`, {
      configKey: "attempt",
    });
  }
  return join(folderPath, "attempts", pad(attempt));
}

/** Creates (if needed) and returns `<folder>/attempts/NN`. */
export async function ensureAttemptFolder(folderPath: string, attempt: number): Promise<string> {
  const path = attemptFolderPath(folderPath, attempt);
  await mkdir(path, { recursive: true });
  return path;
}

/**
 * Makes a request's folder name safe: letters, digits, `_` and `-` only (so no `/`, `..` or NUL can escape the
 * root), at most 64 characters, `execution` when nothing is left.
 */
export function sanitizeFolderName(name: string): string {
  const cleaned = String(name ?? "")
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[_-]+|[_-]+$/g, "")
    .slice(0, 64);
  return cleaned || "execution";
}

function contextToJson(data: unknown): string {
  try {
    const text = JSON.stringify(
      data,
      (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
      2,
    );
    return `${text ?? "{}"}\n`;
  } catch (error) {
    throw new WorkflowError(
      `capabilityContextData cannot be written to context.json: ${(error as Error).message}. Pass plain JSON data.`,
      "setup",
      { code: "INVALID_CONTEXT_DATA", cause: error },
    );
  }
}

function timestamp(now: Date): string {
  return (
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`
  );
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
