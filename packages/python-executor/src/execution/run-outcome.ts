import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { CodeRuntimeError, ContainerConnectivityError, type Redactor, WorkflowError } from "@execkit/errors";
import { readResultsFile } from "./results";
import {
  type ExecutionMetadata,
  METADATA_FILE_NAME,
  RESULTS_FILE_NAME,
  readExecutionMetadata,
} from "./run-metadata";
import type { CodeRunOutcome } from "./types";

/** How much of stdout/stderr goes into an error's `technicalDetails`; the full text stays in the attempt folder. */
const DETAIL_TAIL_CHARS = 20_000;

/** What the engine saw of a run, besides the files the wrapper wrote. */
export interface CollectRunOutcomeInput {
  /** The execution folder (holds `results.json` and `figures/`). */
  executionFolder: string;
  /** The attempt folder (holds `execution_metadata.json`, `stdout.txt`, `stderr.txt`). */
  attemptFolder: string;
  /** 1-based attempt number, reported in errors. */
  attempt: number;
  /** The wrapper copy that was run. */
  wrapperPath: string;
  /** Output the engine saw on the process pipes or the kernel's iopub; used when the wrapper could not save its own. */
  observedStdout?: string;
  observedStderr?: string;
  /**
   * Return the observed output instead of the wrapper's copy. The local runner sets this when its pipe capture is
   * complete: the pipes also carry what native code and child processes wrote straight to the file descriptors,
   * which the wrapper's Python-level capture cannot see.
   */
  preferObservedOutput?: boolean;
  /** How the process ended (local mode), for the message when the wrapper did not finish. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** Where the environment lives, for `ContainerConnectivityError` (`localhost`/0 for a local interpreter). */
  host?: string;
  port?: number;
  redactor?: Redactor;
}

/**
 * Turns the files one wrapper run left behind into a {@link CodeRunOutcome}, or throws the error the seam
 * promises. Shared by the local and the Jupyter engine, so both report the same results, stdout and figures.
 *
 * @throws CodeRuntimeError the user code raised, called `sys.exit(n)`, or the process died while it ran.
 * @throws ContainerConnectivityError the wrapper never got as far as running the code.
 * @throws WorkflowError `context.json` could not be loaded, or the wrapper's files are corrupt.
 */
export async function collectRunOutcome(input: CollectRunOutcomeInput): Promise<CodeRunOutcome> {
  const metadataPath = join(input.attemptFolder, METADATA_FILE_NAME);
  const read = await readExecutionMetadata(metadataPath);
  const observed = { stdout: input.observedStdout ?? "", stderr: input.observedStderr ?? "" };
  const common = { folderPath: input.executionFolder, redactor: input.redactor };

  if (!read.ok && read.problem === "missing") {
    throw new ContainerConnectivityError(
      `The Python wrapper did not start (${describeExit(input.exit)}): ${lastLine(observed.stderr) || "no output"}. ` +
        "Check that the interpreter works and can read the wrapper script.",
      input.host ?? "localhost",
      input.port ?? 0,
      { ...common, technicalDetails: { ...tails(observed), exit: input.exit, metadataPath } },
    );
  }
  if (!read.ok) {
    throw new WorkflowError(`${metadataPath} is not valid wrapper metadata: ${read.detail}`, "execution", {
      ...common,
      technicalDetails: { ...tails(observed), exit: input.exit },
    });
  }
  const metadata = read.metadata;
  const output = input.preferObservedOutput
    ? observed
    : await readCapturedOutput(input.attemptFolder, observed);

  if (metadata.phase !== "finished") {
    throw new CodeRuntimeError(
      `The Python process ended while the code was running (${describeExit(input.exit)}); ` +
        "it may have run out of memory or crashed in native code.",
      output.stderr.slice(-DETAIL_TAIL_CHARS),
      input.attempt,
      { ...common, technicalDetails: { ...tails(output), exit: input.exit, errorType: "ProcessDied" } },
    );
  }
  if (metadata.error_type === "ContextLoadError") {
    throw new WorkflowError(metadata.error ?? "context.json could not be loaded", "execution", common);
  }
  if (!metadata.success) {
    const where = metadata.error_line ? ` (line ${metadata.error_line} of the code)` : "";
    throw new CodeRuntimeError(
      `${metadata.error_type ?? "Error"}: ${metadata.error ?? ""}${where}`,
      metadata.traceback ?? "",
      input.attempt,
      {
        ...common,
        technicalDetails: {
          ...tails(output),
          errorType: metadata.error_type,
          errorLine: metadata.error_line,
          guardRefusals: metadata.guard_refusals,
          exitStatus: metadata.exit_status,
        },
      },
    );
  }
  if (metadata.results_save_error) {
    throw new CodeRuntimeError(
      `The code ran, but its results could not be saved: ${metadata.results_save_error}`,
      "",
      input.attempt,
      { ...common, technicalDetails: { ...tails(output), errorType: "ResultsSaveError" } },
    );
  }

  let results: unknown;
  if (metadata.results_saved) {
    const resultsPath = join(input.executionFolder, RESULTS_FILE_NAME);
    try {
      results = (await readResultsFile(resultsPath)).value;
    } catch (error) {
      throw new WorkflowError(
        `${resultsPath} could not be read back: ${(error as Error).message}`,
        "execution",
        {
          ...common,
          cause: error,
        },
      );
    }
  }

  return {
    results,
    stdout: output.stdout,
    stderr: output.stderr,
    executionTimeSeconds: metadata.execution_time_seconds ?? 0,
    figurePaths: figurePaths(metadata, input.executionFolder),
    warnings: warningsOf(metadata),
    wrapperPath: input.wrapperPath,
  };
}

async function readCapturedOutput(
  attemptFolder: string,
  observed: { stdout: string; stderr: string },
): Promise<{ stdout: string; stderr: string }> {
  const [stdout, stderr] = await Promise.all(
    (["stdout.txt", "stderr.txt"] as const).map((name) =>
      readFile(join(attemptFolder, name), "utf8").catch(() => undefined),
    ),
  );
  return { stdout: stdout ?? observed.stdout, stderr: stderr ?? observed.stderr };
}

/** Auto-saved figures first, then the ones the code saved itself; absolute and without duplicates. */
function figurePaths(metadata: ExecutionMetadata, folder: string): string[] {
  const seen = new Set<string>();
  for (const path of [...metadata.figures, ...metadata.user_figures]) {
    seen.add(isAbsolute(path) ? path : resolve(folder, path));
  }
  return [...seen];
}

function warningsOf(metadata: ExecutionMetadata): string[] {
  const warnings = [...metadata.warnings, ...metadata.figure_errors];
  if (metadata.stdout_truncated) warnings.push("stdout was longer than the capture limit and was truncated");
  if (metadata.stderr_truncated) warnings.push("stderr was longer than the capture limit and was truncated");
  for (const refused of metadata.guard_refusals) {
    warnings.push(
      `the read-only guard refused ${refused}; the PermissionError was caught and the run went on`,
    );
  }
  return warnings;
}

function tails(output: { stdout: string; stderr: string }): { stdout: string; stderr: string } {
  return { stdout: output.stdout.slice(-DETAIL_TAIL_CHARS), stderr: output.stderr.slice(-DETAIL_TAIL_CHARS) };
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").slice(0, 500);
}

function describeExit(exit: CollectRunOutcomeInput["exit"]): string {
  if (!exit) return "the kernel stopped reporting";
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}
