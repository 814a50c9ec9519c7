import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { CodeRuntimeError } from "@execkit/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisReport } from "../analysis/types";
import { LocalCodeRunner } from "../execution/local-runner";
import type { ExecutionModeConfig } from "../execution/types";
import { createExecutionFolder, type ExecutionFolder } from "../files/execution-folder";
import { defaultTestPython } from "../testing/jupyter-server";
import type { NotebookDocument } from "./nbformat";
import { NOTEBOOK_TYPES, NotebookType } from "./notebook-type";
import { notebookErrorFrom, writeNotebook } from "./notebook-writer";

const PYTHON = defaultTestPython();
const execFileAsync = promisify(execFile);

const MODE: ExecutionModeConfig = {
  modeName: "read_only",
  kernelName: "python3",
  allowsWrites: false,
  requiresApproval: false,
  description: "",
  environment: {},
};

let root: string;
let folder: ExecutionFolder;
const runner = new LocalCodeRunner({ pythonPath: PYTHON });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "execkit-notebooks-"));
  folder = await createExecutionFolder({ root, name: "notebooks", contextData: { beam: { current: 1.5 } } });
});
afterAll(async () => {
  await runner.close();
  await rm(root, { recursive: true, force: true });
});

/** Validates notebooks with nbformat itself; returns the error text per invalid path. */
async function nbformatProblems(paths: string[]): Promise<Record<string, string>> {
  const script = [
    "import json, sys, nbformat",
    "problems = {}",
    "for path in sys.argv[1:]:",
    "    try:",
    "        nb = nbformat.read(path, as_version=4)",
    "        nbformat.validate(nb)",
    "        assert nb.nbformat == 4 and nb.nbformat_minor == 5, 'not 4.5'",
    "        assert all(cell.get('id') for cell in nb.cells), 'a cell has no id'",
    "    except Exception as error:",
    "        problems[path] = f'{type(error).__name__}: {error}'",
    "print(json.dumps(problems))",
  ].join("\n");
  const { stdout } = await execFileAsync(PYTHON, ["-c", script, ...paths], { timeout: 60_000 });
  return JSON.parse(stdout);
}

async function readNotebook(path: string): Promise<NotebookDocument> {
  return JSON.parse(await readFile(path, "utf8"));
}

function cellText(notebook: NotebookDocument): string {
  return notebook.cells.map((cell) => cell.source.join("")).join("\n");
}

const ANALYSIS: AnalysisReport = {
  syntaxValid: true,
  syntaxErrors: [],
  findings: [
    {
      rule: "epics.caput",
      category: "control_system_write",
      severity: "high",
      line: 3,
      column: 0,
      message: "Writes a value to an EPICS PV | with a pipe",
      symbol: "epics.caput",
    },
    {
      rule: "epics.caget",
      category: "control_system_read",
      severity: "low",
      line: 2,
      column: 4,
      message: "Reads a PV",
    },
  ],
  imports: ["epics"],
  assignsResults: true,
  hasControlSystemWrites: true,
  hasControlSystemReads: true,
  hasHighRisk: true,
};

describe("writeNotebook", () => {
  it("writes every notebook type as valid nbformat 4.5, with the content each stage needs", async () => {
    // The failed attempt runs first, as in a real request: a run clears earlier attempts' auto-saved figures.
    const failure = await runner
      .run({
        code: "x = 1\nraise ValueError('bad ``` value')",
        executionFolder: folder.folderPath,
        attemptFolder: await folder.attemptFolder(1),
        attempt: 1,
        mode: MODE,
        timeoutSeconds: 60,
      })
      .then(
        () => {
          throw new Error("expected a failure");
        },
        (error: unknown) => error as CodeRuntimeError,
      );
    const success = await runner.run({
      code: "import matplotlib.pyplot as plt\nprint('mean is', context.beam.current)\nplt.plot([1, 2])\nresults = {'mean': float('nan'), 'n': 2}",
      executionFolder: folder.folderPath,
      attemptFolder: await folder.attemptFolder(2),
      attempt: 2,
      mode: MODE,
      timeoutSeconds: 60,
    });
    const failureAsNotebook = notebookErrorFrom(failure, "execution");

    const written = [
      await writeNotebook(folder, {
        notebookType: NotebookType.CODE_GENERATION_ATTEMPT,
        attempt: 2,
        code: "results = {'n': 2}",
        generationAttempt: 2,
        previousError: "ValueError: bad ``` value",
        previousCode: "x = 1",
      }),
      await writeNotebook(folder, {
        notebookType: NotebookType.PRE_EXECUTION,
        attempt: 2,
        code: "from epics import caget, caput\nv = caget('A')\ncaput('B', v)",
        analysis: ANALYSIS,
        executionMode: "write_access",
        requiresApproval: true,
        approvalReason: "the code writes to EPICS",
        codeSha256: "ab".repeat(32),
      }),
      await writeNotebook(folder, {
        notebookType: NotebookType.EXECUTION_ATTEMPT,
        attempt: 1,
        code: "x = 1\nraise ValueError('bad ``` value')",
        stdout: failure.technicalDetails.stdout as string,
        stderr: failure.technicalDetails.stderr as string,
        error: failureAsNotebook,
      }),
      await writeNotebook(folder, {
        notebookType: NotebookType.FINAL_SUCCESS,
        attempt: 2,
        code: "print('mean is', context.beam.current)",
        stdout: success.stdout,
        results: success.results,
        figurePaths: success.figurePaths,
        executionTimeSeconds: success.executionTimeSeconds,
        warnings: ["a warning"],
      }),
      await writeNotebook(folder, {
        notebookType: NotebookType.FINAL_FAILURE,
        attempt: 1,
        code: "x = 1\nraise ValueError('bad ``` value')",
        error: failureAsNotebook,
        errorChain: ["SyntaxError: invalid syntax", failureAsNotebook],
      }),
    ];

    expect(written.map((attempt) => attempt.notebookType)).toEqual(NOTEBOOK_TYPES);
    expect(folder.notebookAttempts).toEqual(written);
    expect(await nbformatProblems(written.map((attempt) => attempt.notebookPath))).toEqual({});
    for (const attempt of written) {
      expect(attempt.notebookLink).toBe(pathToFileURL(attempt.notebookPath).href);
      expect(Date.parse(attempt.createdAt)).not.toBeNaN();
    }
    const [generation, preExecution, execution, finalSuccess, finalFailure] = written as [
      (typeof written)[0],
      (typeof written)[0],
      (typeof written)[0],
      (typeof written)[0],
      (typeof written)[0],
    ];
    expect(generation.notebookPath).toBe(
      join(folder.folderPath, "attempts", "02", "code_generation_attempt.ipynb"),
    );
    expect(generation).toMatchObject({
      stage: "generation",
      attemptNumber: 2,
      errorContext: "ValueError: bad ``` value",
    });
    expect(cellText(await readNotebook(generation.notebookPath))).toContain("Generation attempt **2**");

    const pre = await readNotebook(preExecution.notebookPath);
    expect(pre.metadata).toMatchObject({
      kernelspec: { name: "python3", language: "python" },
      language_info: { name: "python" },
    });
    const preText = cellText(pre);
    expect(preText).toContain("| high | 3:0 | `epics.caput` |");
    expect(preText).toContain("with a pipe");
    expect(preText.indexOf("epics.caput")).toBeLessThan(preText.indexOf("epics.caget"));
    expect(preText).toContain("ab".repeat(32));
    expect(pre.cells.at(-1)?.source.join("")).toBe(
      "from epics import caget, caput\nv = caget('A')\ncaput('B', v)",
    );

    const exec = await readNotebook(execution.notebookPath);
    expect(execution.errorContext).toBe("ValueError: bad ``` value (line 2 of the code)");
    const execCell = exec.cells.at(-1);
    expect(execCell?.cell_type).toBe("code");
    const outputs = execCell?.cell_type === "code" ? execCell.outputs : [];
    const errorOut = outputs.find((output) => output.output_type === "error");
    expect(errorOut).toMatchObject({ ename: "ValueError" });
    expect(errorOut?.output_type === "error" && errorOut.traceback.join("\n")).toContain(
      "line 2, in <module>",
    );

    const final = await readNotebook(finalSuccess.notebookPath);
    expect(finalSuccess.notebookPath).toBe(join(folder.folderPath, "notebook.ipynb"));
    const finalOutputs = final.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : []));
    expect(finalOutputs).toContainEqual({ output_type: "stream", name: "stdout", text: ["mean is 1.5\n"] });
    const image = finalOutputs.find((output) => output.output_type === "display_data");
    const png = image?.output_type === "display_data" ? String(image.data["image/png"]) : "";
    expect(Buffer.from(png, "base64").subarray(1, 4).toString("latin1")).toBe("PNG");
    const resultText = finalOutputs.find((output) => output.output_type === "execute_result");
    expect(
      resultText?.output_type === "execute_result" && (resultText.data["text/plain"] as string[]).join(""),
    ).toBe('{\n  "mean": NaN,\n  "n": 2\n}');

    const failed = await readNotebook(finalFailure.notebookPath);
    expect(finalFailure.notebookPath).toBe(join(folder.folderPath, "notebook_2.ipynb"));
    const failedText = cellText(failed);
    expect(failedText).toContain("## Error chain (oldest first)");
    expect(failedText).toContain("1. SyntaxError: invalid syntax");
    expect(failedText).toContain("**Category:** `code_related`");
    expect(failedText).toContain("````\nTraceback");
  });

  it("never overwrites an earlier notebook of the same attempt", async () => {
    const input = { notebookType: NotebookType.EXECUTION_ATTEMPT, attempt: 5, code: "x = 1" } as const;
    const first = await writeNotebook({ folderPath: folder.folderPath }, input);
    const second = await writeNotebook({ folderPath: folder.folderPath }, input);
    expect(first.notebookPath).toBe(join(folder.folderPath, "attempts", "05", "execution_attempt.ipynb"));
    expect(second.notebookPath).toBe(join(folder.folderPath, "attempts", "05", "execution_attempt_2.ipynb"));
    expect(await nbformatProblems([first.notebookPath, second.notebookPath])).toEqual({});
  });

  it("links to Jupyter when a base URL is configured", async () => {
    const attempt = await writeNotebook(
      folder,
      { notebookType: NotebookType.PRE_EXECUTION, attempt: 7, code: "x = 1" },
      { jupyter: { jupyterBaseUrl: "http://127.0.0.1:8888/", jupyterRootDir: root } },
    );
    expect(attempt.notebookLink).toMatch(
      /^http:\/\/127\.0\.0\.1:8888\/notebooks\/\d{4}-\d{2}\/execution_[^/]+\/attempts\/07\/pre_execution\.ipynb$/,
    );
  });

  it("the setup cell reproduces the code's working directory and context when run", async () => {
    const attempt = await writeNotebook(folder, {
      notebookType: NotebookType.EXECUTION_ATTEMPT,
      attempt: 8,
      code: "x = 1",
    });
    const notebook = await readNotebook(attempt.notebookPath);
    const setup = notebook.cells.find((cell) => cell.metadata.tags)?.source.join("") ?? "";
    const { stdout } = await execFileAsync(
      PYTHON,
      ["-c", `${setup}\nprint(context.beam.current, os.path.exists('context.json'))`],
      {
        cwd: join(folder.folderPath, "attempts", "08"),
        timeout: 30_000,
      },
    );
    expect(stdout.trim()).toBe("1.5 True");
  });
});
