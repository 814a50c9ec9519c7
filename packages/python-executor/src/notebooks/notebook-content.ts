import { readFile, stat } from "node:fs/promises";
import { basename, extname, relative } from "node:path";
import type { AnalysisFinding, AnalysisReport } from "../analysis/types";
import {
  codeCell,
  displayOutput,
  emptyNotebook,
  errorOutput,
  escapeMarkdown,
  executeResult,
  fenced,
  markdownCell,
  type NotebookCell,
  type NotebookDocument,
  type NotebookOutput,
  streamOutput,
} from "./nbformat";
import { NotebookType } from "./notebook-type";

/** An error as a notebook shows it. Build one from any thrown value with `notebookErrorFrom`. */
export interface NotebookError {
  /** The exception type, e.g. `ZeroDivisionError` or `ExecutionTimeoutError`. */
  type?: string;
  /** The error category (`code_related`, `infrastructure`, …). */
  category?: string;
  /** The workflow stage it happened at. */
  stage?: string;
  message: string;
  /** The Python traceback, when there is one. */
  traceback?: string;
}

/** Fields every notebook takes. */
interface NotebookInputBase {
  /** The attempt the notebook belongs to (1-based). */
  attempt: number;
  /** The workflow stage recorded in the notebook; each type has a default. */
  stage?: string;
  /** The kernel the notebook opens with; default `python3`. */
  kernelName?: string;
  /** The clock, for tests. */
  now?: Date;
}

/** CODE_GENERATION_ATTEMPT: written after each generation. */
export interface CodeGenerationNotebookInput extends NotebookInputBase {
  notebookType: typeof NotebookType.CODE_GENERATION_ATTEMPT;
  code: string;
  /** The generation attempt (1-based); default `attempt`. */
  generationAttempt?: number;
  /** The error the generator was asked to fix, if this is a retry. */
  previousError?: string;
  /** The code that failed before, if this is a retry. */
  previousCode?: string;
}

/** PRE_EXECUTION: written before approval and execution. */
export interface PreExecutionNotebookInput extends NotebookInputBase {
  notebookType: typeof NotebookType.PRE_EXECUTION;
  code: string;
  analysis?: AnalysisReport;
  /** `read_only` or `write_access`. */
  executionMode?: string;
  requiresApproval?: boolean;
  /** Why approval is (or is not) needed. */
  approvalReason?: string;
  /** The SHA-256 of `code`, which the approval must quote. */
  codeSha256?: string;
}

/** EXECUTION_ATTEMPT: written after each run. */
export interface ExecutionAttemptNotebookInput extends NotebookInputBase {
  notebookType: typeof NotebookType.EXECUTION_ATTEMPT;
  code: string;
  stdout?: string;
  stderr?: string;
  /** Set when the run failed. */
  error?: NotebookError;
  executionTimeSeconds?: number;
}

/** FINAL_SUCCESS: written once, after the successful run. */
export interface FinalSuccessNotebookInput extends NotebookInputBase {
  notebookType: typeof NotebookType.FINAL_SUCCESS;
  code: string;
  stdout?: string;
  stderr?: string;
  /** The `results` value as read back from `results.json`. */
  results?: unknown;
  /** Absolute paths of the figures; PNG, JPEG and SVG files are embedded. */
  figurePaths?: string[];
  executionTimeSeconds?: number;
  warnings?: string[];
}

/** FINAL_FAILURE: written once, when the request failed for good. */
export interface FinalFailureNotebookInput extends NotebookInputBase {
  notebookType: typeof NotebookType.FINAL_FAILURE;
  /** The last code, if any was generated. */
  code?: string;
  error: NotebookError;
  /** Every earlier error of the request, oldest first. */
  errorChain?: Array<string | NotebookError>;
  stdout?: string;
  stderr?: string;
}

/** What to put in a notebook; `notebookType` picks the layout. */
export type NotebookInput =
  | CodeGenerationNotebookInput
  | PreExecutionNotebookInput
  | ExecutionAttemptNotebookInput
  | FinalSuccessNotebookInput
  | FinalFailureNotebookInput;

/** The stage recorded for each notebook type unless the input says otherwise. */
export const DEFAULT_NOTEBOOK_STAGE: Readonly<Record<NotebookInput["notebookType"], string>> = {
  code_generation_attempt: "generation",
  pre_execution: "pre_execution",
  execution_attempt: "execution",
  final_success: "complete",
  final_failure: "failed",
};

const TITLES: Readonly<Record<NotebookInput["notebookType"], string>> = {
  code_generation_attempt: "Generated code",
  pre_execution: "Code awaiting execution",
  execution_attempt: "Execution attempt",
  final_success: "Successful execution",
  final_failure: "Failed execution",
};

/** Figures larger than this are linked instead of embedded, so a notebook stays openable. */
const MAX_EMBEDDED_FIGURE_BYTES = 10 * 1024 * 1024;
const MAX_EMBEDDED_FIGURES = 50;

const IMAGE_MIME: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".svg": "image/svg+xml",
};

/** Where the notebook will be written, so relative paths in its cells are right. */
export interface NotebookPlacement {
  /** The execution folder. */
  folderPath: string;
  /** The folder the notebook file goes into. */
  notebookDir: string;
}

/** Builds the notebook document for one input (reads figure files to embed them). */
export async function buildNotebook(
  input: NotebookInput,
  placement: NotebookPlacement,
): Promise<NotebookDocument> {
  const stage = input.stage ?? DEFAULT_NOTEBOOK_STAGE[input.notebookType];
  const createdAt = (input.now ?? new Date()).toISOString();
  const notebook = emptyNotebook({
    kernelName: input.kernelName,
    extra: {
      execkit: { notebook_type: input.notebookType, attempt: input.attempt, stage, created_at: createdAt },
    },
  });
  const cells: NotebookCell[] = [
    markdownCell(
      `# Python executor: ${TITLES[input.notebookType]} (attempt ${input.attempt})\n\n` +
        `**Notebook type:** \`${input.notebookType}\`  \n**Stage:** ${escapeMarkdown(stage)}  \n**Created:** ${createdAt}`,
    ),
  ];
  const setup = setupCell(placement);
  switch (input.notebookType) {
    case NotebookType.CODE_GENERATION_ATTEMPT: {
      const generation = input.generationAttempt ?? input.attempt;
      let text = `## Code generation\n\nGeneration attempt **${generation}**.`;
      if (input.previousError)
        text += `\n\n### Previous error (what this attempt had to fix)\n\n${fenced(input.previousError)}`;
      cells.push(markdownCell(text));
      if (input.previousCode) {
        cells.push(markdownCell(`### Previous code\n\n${fenced(input.previousCode, "python")}`));
      }
      cells.push(setup, codeCell(input.code));
      break;
    }
    case NotebookType.PRE_EXECUTION:
      cells.push(markdownCell(analysisMarkdown(input)), setup, codeCell(input.code));
      break;
    case NotebookType.EXECUTION_ATTEMPT: {
      const outputs = runOutputs(input.stdout, input.stderr, input.error);
      const summary = input.error
        ? `## Result: failed\n\n${errorSummary(input.error)}`
        : `## Result: succeeded${timing(input.executionTimeSeconds)}`;
      cells.push(markdownCell(summary), setup, codeCell(input.code, outputs, input.attempt));
      break;
    }
    case NotebookType.FINAL_SUCCESS: {
      const figures = await figureOutputs(input.figurePaths ?? [], placement);
      cells.push(
        markdownCell(`## Result: succeeded${timing(input.executionTimeSeconds)}`),
        setup,
        codeCell(
          input.code,
          [...runOutputs(input.stdout, input.stderr, undefined), ...figures.outputs],
          input.attempt,
        ),
      );
      if (input.results !== undefined) {
        cells.push(
          markdownCell("## Results\n\nThe value of `results`, as saved to `results.json`."),
          codeCell(
            'import json, pathlib\nresults = json.loads(pathlib.Path("results.json").read_text(encoding="utf-8"))\nresults',
            [executeResult(input.attempt + 1, formatResults(input.results))],
            input.attempt + 1,
          ),
        );
      }
      if (figures.markdown) cells.push(markdownCell(figures.markdown));
      if (input.warnings?.length) {
        cells.push(
          markdownCell(`## Warnings\n\n${input.warnings.map((w) => `- ${escapeMarkdown(w)}`).join("\n")}`),
        );
      }
      break;
    }
    case NotebookType.FINAL_FAILURE: {
      let text = `## Error\n\n${errorSummary(input.error)}`;
      if (input.error.traceback) text += `\n\n### Traceback\n\n${fenced(input.error.traceback)}`;
      const chain = input.errorChain ?? [];
      if (chain.length) {
        text += `\n\n## Error chain (oldest first)\n\n${chain
          .map(
            (entry, index) =>
              `${index + 1}. ${escapeMarkdown(typeof entry === "string" ? entry : describeError(entry))}`,
          )
          .join("\n")}`;
      }
      cells.push(markdownCell(text));
      if (input.code !== undefined) {
        cells.push(
          setup,
          codeCell(input.code, runOutputs(input.stdout, input.stderr, input.error), input.attempt),
        );
      }
      break;
    }
  }
  notebook.cells = cells;
  return notebook;
}

/**
 * A cell that puts the reader where the code ran: working directory = the execution folder, `context` loaded from
 * `context.json` with attribute access, as the wrapper provides it.
 */
function setupCell(placement: NotebookPlacement): NotebookCell {
  const rel = relative(placement.notebookDir, placement.folderPath).split("\\").join("/") || ".";
  return codeCell(
    [
      "# Run this first: the code expects the execution folder as working directory and `context` loaded.",
      "import json, os, pathlib",
      "",
      "",
      "class Context(dict):",
      '    """context.json with attribute access, as the execution wrapper provides it."""',
      "",
      "    def __getattr__(self, name):",
      "        try:",
      "            return self[name]",
      "        except KeyError:",
      "            raise AttributeError(name) from None",
      "",
      "",
      `if not pathlib.Path("context.json").exists() and pathlib.Path(${JSON.stringify(rel)}, "context.json").exists():`,
      `    os.chdir(${JSON.stringify(rel)})`,
      'context = json.loads(pathlib.Path("context.json").read_text(encoding="utf-8"), object_hook=Context) if pathlib.Path("context.json").exists() else Context()',
    ].join("\n"),
    [],
    null,
    { tags: ["execkit-setup"] },
  );
}

function analysisMarkdown(input: PreExecutionNotebookInput): string {
  const lines = ["## Static analysis"];
  const facts: string[] = [];
  if (input.executionMode) facts.push(`**Execution mode:** \`${input.executionMode}\``);
  if (input.requiresApproval !== undefined)
    facts.push(`**Requires approval:** ${input.requiresApproval ? "yes" : "no"}`);
  if (input.approvalReason) facts.push(`**Why:** ${escapeMarkdown(input.approvalReason)}`);
  if (input.codeSha256) facts.push(`**Code SHA-256:** \`${input.codeSha256}\``);
  if (facts.length) lines.push("", facts.join("  \n"));
  const report = input.analysis;
  if (!report) {
    lines.push("", "No analysis report was given.");
    return lines.join("\n");
  }
  if (!report.syntaxValid) {
    lines.push("", "### Syntax errors", "");
    for (const issue of report.syntaxErrors) {
      lines.push(`- line ${issue.line}, column ${issue.column}: ${escapeMarkdown(issue.message)}`);
    }
  }
  lines.push(
    "",
    `**Control-system reads:** ${report.hasControlSystemReads ? "yes" : "no"}  \n` +
      `**Control-system writes:** ${report.hasControlSystemWrites ? "yes" : "no"}  \n` +
      `**High risk:** ${report.hasHighRisk ? "yes" : "no"}  \n` +
      `**Imports:** ${report.imports.length ? report.imports.map((name) => `\`${name}\``).join(", ") : "none"}  \n` +
      `**Assigns \`results\`:** ${report.assignsResults ? "yes" : "no"}`,
  );
  if (report.findings.length === 0) {
    lines.push("", "### Findings", "", "No findings.");
  } else {
    lines.push(
      "",
      "### Findings",
      "",
      "| Severity | Line | Rule | What the code does |",
      "|---|---|---|---|",
    );
    const order = { high: 0, medium: 1, low: 2 } as const;
    const sorted = [...report.findings].sort(
      (a, b) => order[a.severity] - order[b.severity] || a.line - b.line,
    );
    for (const finding of sorted) lines.push(findingRow(finding));
  }
  return lines.join("\n");
}

function findingRow(finding: AnalysisFinding): string {
  const cell = (text: string) => escapeMarkdown(text).replace(/\|/g, "\\|");
  const symbol = finding.symbol ? ` (\`${finding.symbol.replace(/`/g, "")}\`)` : "";
  return `| ${finding.severity} | ${finding.line}:${finding.column} | \`${finding.rule.replace(/`/g, "")}\` | ${cell(finding.message)}${symbol} |`;
}

function runOutputs(
  stdout: string | undefined,
  stderr: string | undefined,
  error: NotebookError | undefined,
): NotebookOutput[] {
  const outputs: NotebookOutput[] = [];
  if (stdout) outputs.push(streamOutput("stdout", stdout));
  // The wrapper also prints the traceback to stderr; shown once, as the error output.
  const stderrText = error?.traceback && stderr ? stderr.replace(error.traceback, "") : stderr;
  if (stderrText?.trim()) outputs.push(streamOutput("stderr", stderrText));
  if (error)
    outputs.push(
      errorOutput(
        error.type ?? "Error",
        error.message,
        error.traceback ?? `${error.type ?? "Error"}: ${error.message}`,
      ),
    );
  return outputs;
}

function errorSummary(error: NotebookError): string {
  const facts = [`**Error:** ${escapeMarkdown(describeError(error))}`];
  if (error.category) facts.push(`**Category:** \`${error.category}\``);
  if (error.stage) facts.push(`**Stage:** ${escapeMarkdown(error.stage)}`);
  return facts.join("  \n");
}

function describeError(error: NotebookError): string {
  return error.type ? `${error.type}: ${error.message}` : error.message;
}

function timing(seconds: number | undefined): string {
  return seconds === undefined ? "" : ` in ${seconds.toFixed(3)} s`;
}

/** Results as readable text; NaN and Infinity are shown as Python writes them (nbformat forbids them as JSON). */
function formatResults(results: unknown): string {
  const tag = `\u0000nonfinite${Math.random().toString(36).slice(2)}:`;
  const text = JSON.stringify(
    results,
    (_key, value: unknown) => {
      if (typeof value === "number" && !Number.isFinite(value)) return `${tag}${value}`;
      if (typeof value === "bigint") return value.toString();
      return value;
    },
    2,
  );
  if (text === undefined) return "None";
  const escapedTag = JSON.stringify(tag).slice(1, -1);
  return text.replace(new RegExp(`"${escapeRegExp(escapedTag)}(NaN|Infinity|-Infinity)"`, "g"), "$1");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function figureOutputs(
  paths: string[],
  placement: NotebookPlacement,
): Promise<{ outputs: NotebookOutput[]; markdown: string }> {
  const outputs: NotebookOutput[] = [];
  const linked: string[] = [];
  for (const path of paths) {
    const mime = IMAGE_MIME[extname(path).toLowerCase()];
    const info = await stat(path).catch(() => undefined);
    const rel = relative(placement.notebookDir, path).split("\\").join("/");
    if (
      !mime ||
      !info?.isFile() ||
      info.size > MAX_EMBEDDED_FIGURE_BYTES ||
      outputs.length >= MAX_EMBEDDED_FIGURES
    ) {
      linked.push(`- [${escapeMarkdown(basename(path))}](${encodeURI(rel)})${info ? "" : " (missing)"}`);
      continue;
    }
    const bytes = await readFile(path);
    const data: Record<string, unknown> = { "text/plain": [`<Figure ${basename(path)}>`] };
    data[mime] = mime === "image/svg+xml" ? bytes.toString("utf8") : bytes.toString("base64");
    outputs.push(displayOutput(data));
  }
  const markdown = linked.length ? `## Figures not embedded\n\n${linked.join("\n")}` : "";
  return { outputs, markdown };
}
