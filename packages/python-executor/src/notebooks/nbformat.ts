import { randomUUID } from "node:crypto";

/**
 * Minimal builders for nbformat 4.5 documents (the version that requires cell ids). Only what ExecKit writes:
 * markdown and code cells, stream, error, display_data and execute_result outputs.
 */

/** A multi-line string as nbformat stores it: lines that keep their `\n`. */
export type MultilineString = string[];

/** An nbformat output. */
export type NotebookOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | {
      output_type: "execute_result";
      execution_count: number | null;
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
    };

/** An nbformat cell. */
export type NotebookCell =
  | { id: string; cell_type: "markdown"; metadata: Record<string, unknown>; source: MultilineString }
  | {
      id: string;
      cell_type: "code";
      metadata: Record<string, unknown>;
      source: MultilineString;
      execution_count: number | null;
      outputs: NotebookOutput[];
    };

/** A whole nbformat 4.5 notebook. */
export interface NotebookDocument {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** Splits text into nbformat lines, each keeping its newline. */
export function toLines(text: string): MultilineString {
  if (text === "") return [];
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function cellId(): string {
  // nbformat 4.5: 1 to 64 characters of [a-zA-Z0-9-_].
  return randomUUID().replaceAll("-", "").slice(0, 16);
}

/** A markdown cell. */
export function markdownCell(text: string): NotebookCell {
  return { id: cellId(), cell_type: "markdown", metadata: {}, source: toLines(text) };
}

/** A code cell, with outputs if it ran. */
export function codeCell(
  source: string,
  outputs: NotebookOutput[] = [],
  executionCount: number | null = null,
  metadata: Record<string, unknown> = {},
): NotebookCell {
  return {
    id: cellId(),
    cell_type: "code",
    metadata,
    source: toLines(source),
    execution_count: executionCount,
    outputs,
  };
}

/** A stream output (`stdout` or `stderr`). */
export function streamOutput(name: "stdout" | "stderr", text: string): NotebookOutput {
  return { output_type: "stream", name, text: toLines(text) };
}

/** An error output, as a kernel would report it. */
export function errorOutput(ename: string, evalue: string, traceback: string): NotebookOutput {
  return { output_type: "error", ename, evalue, traceback: traceback.replace(/\n$/, "").split("\n") };
}

/** A rich display output (an image, …). */
export function displayOutput(data: Record<string, unknown>): NotebookOutput {
  return { output_type: "display_data", data, metadata: {} };
}

/** An `Out[n]` value. */
export function executeResult(executionCount: number | null, text: string): NotebookOutput {
  return {
    output_type: "execute_result",
    execution_count: executionCount,
    data: { "text/plain": toLines(text) },
    metadata: {},
  };
}

/** An empty notebook with the metadata Jupyter needs to open it with a Python kernel. */
export function emptyNotebook(
  options: { kernelName?: string; extra?: Record<string, unknown> } = {},
): NotebookDocument {
  const kernelName = options.kernelName ?? "python3";
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: kernelName,
        display_name: kernelName === "python3" ? "Python 3" : kernelName,
        language: "python",
      },
      language_info: {
        name: "python",
        mimetype: "text/x-python",
        file_extension: ".py",
        codemirror_mode: { name: "ipython", version: 3 },
        pygments_lexer: "ipython3",
        nbconvert_exporter: "python",
      },
      ...options.extra,
    },
    cells: [],
  };
}

/** A fenced markdown code block whose fence is longer than any backtick run inside, so nothing can break out. */
export function fenced(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n$/, "")}\n${fence}`;
}

/** Escapes text for inline use in markdown (headings, list items). */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, "\\$1").replace(/\r?\n/g, " ");
}
