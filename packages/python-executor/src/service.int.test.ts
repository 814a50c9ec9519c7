/**
 * End-to-end tests of the service with the real parts: the Python AST analyzer, the local subprocess runner,
 * real execution folders and notebooks, a scripted chat model, and SQLite checkpoints shared with a second Node
 * process. Needs python3 (EXECKIT_PYTHON, default /usr/bin/python3) with numpy, matplotlib and nbformat.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ApprovalRejectedError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  MaxAttemptsExceededError,
} from "@execkit/errors";
import { Command } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isApprovalInterrupt } from "./approval/approval-request";
import type { PythonExecutorServiceConfigInput } from "./config/service-config";
import { LocalCodeRunner } from "./execution/local-runner";
import type { CodeRunner, CodeRunRequest } from "./execution/types";
import type { PythonServiceResult } from "./models/result";
import { PythonExecutorService } from "./service";
import { fenced, listNotebooks, RecordingChatModel, temporaryRoot } from "./service-test-support";
import { defaultTestPython } from "./testing/jupyter-server";
import { listProcesses } from "./testing/process-table";

const PYTHON = defaultTestPython();
const PACKAGE_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const REQUEST = {
  userQuery: "Analyse some numbers",
  taskObjective: "Compute statistics",
  executionFolderName: "int",
};
const thread = (id: string) => ({ configurable: { thread_id: id } });

let root: string;
let remove: () => Promise<void>;
const services: PythonExecutorService[] = [];

beforeEach(async () => {
  ({ root, remove } = await temporaryRoot("execkit-pyexec-int-"));
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await remove();
});

function makeService(options: Partial<PythonExecutorServiceConfigInput> & { replies?: string[] } = {}) {
  const { replies, ...rest } = options;
  const chatModel = new RecordingChatModel(replies ?? []);
  const service = new PythonExecutorService({
    executionMethod: "local",
    pythonPath: PYTHON,
    executionRoot: root,
    chatModel,
    approval: { mode: "disabled" },
    timeoutSeconds: 60,
    infrastructureRetryDelayMs: 10,
    ...rest,
  });
  services.push(service);
  return { service, chatModel };
}

function expectResult(out: unknown): PythonServiceResult {
  if (isApprovalInterrupt(out)) throw new Error("expected a result, got an approval request");
  return out as PythonServiceResult;
}

/** Runs nbformat.validate on each notebook in one python3 process; resolves with the number validated. */
function validateNotebooks(paths: readonly string[]): Promise<number> {
  const script = [
    "import sys, json, nbformat",
    "paths = json.loads(sys.stdin.read())",
    "for p in paths:",
    "    nb = nbformat.read(p, as_version=4)",
    "    nbformat.validate(nb)",
    "print(len(paths))",
  ].join("\n");
  return new Promise((done, fail) => {
    const child = execFile(PYTHON, ["-c", script], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`nbformat.validate failed: ${stderr || error.message}`));
      else done(Number(stdout.trim()));
    });
    child.stdin?.end(JSON.stringify(paths));
  });
}

/** Command lines of live processes that mention `text` (our python runs carry their folder in argv). */
async function processesMentioning(text: string): Promise<string[]> {
  return (await listProcesses())
    .filter((entry) => entry.args.includes(text))
    .map((entry) => `${entry.pid} ${entry.args}`);
}

describe("PythonExecutorService with real python3 (local mode)", () => {
  it("returns results, stdout and a figure, with valid notebooks at every stage", async () => {
    const code = [
      "import numpy as np",
      "import matplotlib.pyplot as plt",
      "values = np.arange(1, 11)",
      "print('mean is', values.mean())",
      "print('unicode: héllo ✓ 日本')",
      "fig, ax = plt.subplots()",
      "ax.plot(values, values ** 2)",
      "results = {'mean': float(values.mean()), 'n': int(values.size), 'label': 'héllo ✓'}",
    ].join("\n");
    const { service } = makeService({ replies: [fenced(code)] });
    const out = expectResult(await service.ainvoke(REQUEST, thread("ok-1")));
    expect(out.executionResult.results).toEqual({ mean: 5.5, n: 10, label: "héllo ✓" });
    expect(out.executionResult.stdout).toContain("mean is 5.5");
    expect(out.executionResult.stdout).toContain("unicode: héllo ✓ 日本");
    expect(out.executionResult.figurePaths).toHaveLength(1);
    expect(existsSync(out.executionResult.figurePaths[0]!)).toBe(true);
    expect(out.executionResult.toDict().figure_count).toBe(1);
    const notebooks = await listNotebooks(out.executionResult.folderPath);
    const kinds = notebooks.map((path) => path.slice(out.executionResult.folderPath.length));
    expect(kinds.some((name) => name.includes("code_generation_attempt"))).toBe(true);
    expect(kinds.some((name) => name.includes("pre_execution"))).toBe(true);
    expect(kinds.some((name) => name.includes("execution_attempt"))).toBe(true);
    expect(kinds).toContain("/notebook.ipynb");
    expect(await validateNotebooks(notebooks)).toBe(notebooks.length);
    const final = JSON.parse(await readFile(out.executionResult.notebookPath, "utf8"));
    expect(JSON.stringify(final)).toContain("image/png");
    expect(JSON.parse(await readFile(join(out.executionResult.folderPath, "context.json"), "utf8"))).toEqual(
      {},
    );
  });

  it("regenerates after a syntax error and after a runtime error, with the traceback in the prompt", async () => {
    const { service, chatModel } = makeService({
      replies: [
        fenced("results = {'a': (1, 2}"),
        fenced("data = {}\nresults = {'a': data['missing']}"),
        fenced("results = {'a': 3}"),
      ],
    });
    const out = expectResult(await service.ainvoke(REQUEST, thread("regen-1")));
    expect(out.executionResult.results).toEqual({ a: 3 });
    expect(out.generationAttempt).toBe(3);
    expect(chatModel.prompts[1]).toMatch(/syntax/i);
    expect(chatModel.prompts[1]).toContain("results = {'a': (1, 2}");
    expect(chatModel.prompts[2]).toContain("KeyError");
    expect(chatModel.prompts[2]).toContain("Traceback");
    expect(chatModel.prompts[2]).toContain("data['missing']");
    const notebooks = await listNotebooks(out.executionResult.folderPath);
    expect(await validateNotebooks(notebooks)).toBe(notebooks.length);
  });

  it("re-runs the same code after an infrastructure failure instead of regenerating", async () => {
    const local = new LocalCodeRunner({ pythonPath: PYTHON });
    const calls: CodeRunRequest[] = [];
    const flaky: CodeRunner = {
      async run(request) {
        calls.push(request);
        if (calls.length === 1) throw new ContainerConnectivityError("kernel died", "127.0.0.1", 8888);
        return local.run(request);
      },
      close: () => local.close(),
    };
    const { service, chatModel } = makeService({
      runner: flaky,
      replies: [fenced("results = {'again': True}")],
    });
    const out = expectResult(await service.ainvoke(REQUEST, thread("infra-1")));
    expect(out.executionResult.results).toEqual({ again: true });
    expect(chatModel.prompts).toHaveLength(1);
    expect(calls.map((call) => call.code)).toEqual([calls[0]!.code, calls[0]!.code]);
    await local.close();
  });

  it("keeps NaN, Infinity and numpy values", async () => {
    const code = [
      "import numpy as np",
      "results = {'nan': float('nan'), 'inf': float('inf'), 'arr': np.arange(3), 'f32': np.float32(1.5), 'i64': np.int64(7)}",
    ].join("\n");
    const { service } = makeService();
    const out = expectResult(await service.ainvoke({ ...REQUEST, approvedCode: code }, thread("nan-1")));
    const results = out.executionResult.results;
    expect(Number.isNaN(results.nan)).toBe(true);
    expect(results.inf).toBe(Number.POSITIVE_INFINITY);
    expect(results.arr).toEqual([0, 1, 2]);
    expect(results.f32).toBe(1.5);
    expect(results.i64).toBe(7);
  });

  it("stops for approval, runs on resume, and never runs rejected code", async () => {
    const marker = join(root, "side-effect.txt");
    const code = `open(${JSON.stringify(marker)}, "w").write("ran")\nresults = {"wrote": True}`;
    const { service } = makeService({ approval: { mode: "all_code" } });
    const paused = await service.ainvoke({ ...REQUEST, approvedCode: code }, thread("appr-1"));
    expect(isApprovalInterrupt(paused)).toBe(true);
    if (!isApprovalInterrupt(paused)) return;
    expect(existsSync(paused.approval.notebookPath)).toBe(true);
    expect(await validateNotebooks([paused.approval.notebookPath])).toBe(1);
    const rejected = await service
      .ainvoke(new Command({ resume: { approved: false, comment: "no file writes" } }), thread("appr-1"))
      .catch((caught: unknown) => caught);
    expect(ApprovalRejectedError.isInstance(rejected)).toBe(true);
    expect(existsSync(marker)).toBe(false);

    const again = await service.ainvoke({ ...REQUEST, approvedCode: code }, thread("appr-2"));
    if (!isApprovalInterrupt(again)) throw new Error("expected approval");
    const mismatch = await service
      .ainvoke(new Command({ resume: { approved: true, codeSha256: "0".repeat(64) } }), thread("appr-2"))
      .catch((caught: unknown) => caught);
    expect(ApprovalRejectedError.isInstance(mismatch)).toBe(true);
    expect(existsSync(marker)).toBe(false);

    const third = await service.ainvoke({ ...REQUEST, approvedCode: code }, thread("appr-3"));
    if (!isApprovalInterrupt(third)) throw new Error("expected approval");
    const done = expectResult(
      await service.ainvoke(
        new Command({ resume: { approved: true, codeSha256: third.approval.codeSha256 } }),
        thread("appr-3"),
      ),
    );
    expect(done.executionResult.results).toEqual({ wrote: true });
    expect(await readFile(marker, "utf8")).toBe("ran");
  });

  it("gives up with MaxAttemptsExceededError when every attempt fails", async () => {
    const { service } = makeService({ replies: [fenced("results = 1/0"), fenced("results = {}['x']")] });
    const error = await service
      .ainvoke({ ...REQUEST, retries: 1 }, thread("max-1"))
      .catch((caught: unknown) => caught);
    expect(MaxAttemptsExceededError.isInstance(error)).toBe(true);
    const typed = error as MaxAttemptsExceededError;
    expect(typed.errorChain).toHaveLength(2);
    expect(typed.errorChain[0]).toContain("ZeroDivisionError");
    const notebooks = await listNotebooks(typed.folderPath!);
    expect(notebooks.some((path) => path.endsWith("notebook.ipynb"))).toBe(true);
    expect(await validateNotebooks(notebooks)).toBe(notebooks.length);
  });

  it("stops an infinite loop on time, leaves no process behind, and does not regenerate", async () => {
    const { service, chatModel } = makeService({
      timeoutSeconds: 2,
      replies: [fenced("while True:\n    pass\nresults = {}")],
    });
    const started = Date.now();
    const error = await service.ainvoke(REQUEST, thread("loop-1")).catch((caught: unknown) => caught);
    expect(ExecutionTimeoutError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(chatModel.prompts).toHaveLength(1);
    const folder = (error as ExecutionTimeoutError).folderPath!;
    expect(await processesMentioning(folder)).toEqual([]);
  });

  it("cancels a run through its AbortSignal", async () => {
    const { service } = makeService();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("user cancelled")), 1_000);
    const error = await service
      .ainvoke(
        { ...REQUEST, approvedCode: "import time\ntime.sleep(30)\nresults = {}" },
        { configurable: { thread_id: "abort-1" }, signal: controller.signal },
      )
      .catch((caught: unknown) => caught);
    // Like fetch(), an aborted run rejects with the signal's reason.
    expect((error as Error).message).toBe("user cancelled");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await processesMentioning(root)).toEqual([]);
  });

  it("resumes an approval from a second process through a SQLite checkpoint file", async () => {
    const sqlitePath = join(root, "checkpoints.sqlite");
    const marker = join(root, "second-process.txt");
    const code = `open(${JSON.stringify(marker)}, "w").write("from process 2")\nresults = {"pid_differs": True}`;
    const { service } = makeService({ approval: { mode: "all_code" }, checkpointer: { sqlitePath } });
    const paused = await service.ainvoke({ ...REQUEST, approvedCode: code }, thread("sqlite-1"));
    if (!isApprovalInterrupt(paused)) throw new Error("expected approval");
    await service.close();

    // The second process evaluates an ES module from the package folder, so it resolves the same dependencies.
    const script = [
      `import { Command } from "@langchain/langgraph";`,
      `import { PythonExecutorService, isApprovalInterrupt } from ${JSON.stringify(join(PACKAGE_ROOT, "src/index.ts"))};`,
      `const service = new PythonExecutorService({ executionMethod: "local", pythonPath: ${JSON.stringify(PYTHON)},`,
      `  executionRoot: ${JSON.stringify(root)}, approval: { mode: "all_code" }, checkpointer: { sqlitePath: ${JSON.stringify(sqlitePath)} } });`,
      "try {",
      `  const out = await service.ainvoke(new Command({ resume: { approved: true, codeSha256: ${JSON.stringify(paused.approval.codeSha256)} } }), { configurable: { thread_id: "sqlite-1" } });`,
      "  if (isApprovalInterrupt(out)) throw new Error('still waiting');",
      "  process.stdout.write(JSON.stringify({ results: out.executionResult.results, pid: process.pid }));",
      "} finally { await service.close(); }",
    ].join("\n");
    const output = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", script], {
        cwd: PACKAGE_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      child.on("close", (status) => {
        clearTimeout(timer);
        if (status === 0) done(stdout);
        else fail(new Error(`resume process exited ${status}: ${stderr}`));
      });
    });
    const parsed = JSON.parse(output) as { results: unknown; pid: number };
    expect(parsed.results).toEqual({ pid_differs: true });
    expect(parsed.pid).not.toBe(process.pid);
    expect(await readFile(marker, "utf8")).toBe("from process 2");
  }, 120_000);
});
