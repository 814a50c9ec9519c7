import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import {
  ApprovalRejectedError,
  CodeGenerationError,
  CodeRuntimeError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  InvalidParameterError,
  MaxAttemptsExceededError,
  WorkflowError,
} from "@execkit/errors";
import { Annotation, Command, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isApprovalInterrupt } from "./approval/approval-request";
import { codeSha256 } from "./approval/code-hash";
import type { PythonExecutorEvent } from "./graph/workflow-events";
import { PythonExecutionRequestSchema } from "./models/request";
import { PythonExecutorService } from "./service";
import {
  cleanReport,
  fenced,
  listNotebooks,
  outcome,
  RecordingChatModel,
  ScriptedAnalyzer,
  ScriptedRunner,
  temporaryRoot,
} from "./service-test-support";

const REQUEST = { userQuery: "What is x?", taskObjective: "Compute x", executionFolderName: "unit" };
const thread = (id: string) => ({ configurable: { thread_id: id } });

let root: string;
let remove: () => Promise<void>;
const services: PythonExecutorService[] = [];

beforeEach(async () => {
  ({ root, remove } = await temporaryRoot());
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await remove();
});

function makeService(options: {
  replies?: string[];
  analyzer?: ScriptedAnalyzer;
  runner: ScriptedRunner;
  approval?: { mode: "disabled" | "epics_writes" | "all_code"; onHighRisk?: "approve" | "block" };
  maxInfrastructureRetries?: number;
}) {
  const chatModel = new RecordingChatModel(options.replies ?? []);
  const service = new PythonExecutorService({
    executionRoot: root,
    chatModel,
    analyzer: options.analyzer ?? new ScriptedAnalyzer(),
    runner: options.runner,
    approval: options.approval ?? { mode: "disabled" },
    maxInfrastructureRetries: options.maxInfrastructureRetries,
    infrastructureRetryDelayMs: 1,
  });
  services.push(service);
  return { service, chatModel };
}

describe("PythonExecutorService workflow (scripted analyzer and runner)", () => {
  it("runs approvedCode without generation and returns the reference's dictionary keys", async () => {
    const runner = new ScriptedRunner(async () => outcome({ x: 1 }, "hello\n"));
    const { service, chatModel } = makeService({ runner });
    const out = await service.ainvoke({ ...REQUEST, approvedCode: 'results = {"x": 1}' }, thread("a1"));
    if (isApprovalInterrupt(out)) throw new Error("unexpected approval");
    expect(out.executionResult.results).toEqual({ x: 1 });
    expect(out.generationAttempt).toBe(0);
    expect(out.generatedCode).toBe('results = {"x": 1}');
    expect(chatModel.prompts).toHaveLength(0);
    const dict = out.executionResult.toDict();
    expect(Object.keys(dict).sort()).toEqual(
      [
        "execution_folder",
        "execution_stdout",
        "execution_time_seconds",
        "figure_count",
        "figure_paths",
        "notebook_link",
        "notebook_path",
        "results",
      ].sort(),
    );
    expect(dict.execution_stdout).toBe("hello\n");
    expect(existsSync(out.executionResult.notebookPath)).toBe(true);
    expect(out.executionResult.notebookLink).toMatch(/^file:\/\//);
    expect(out.executionResult.folderPath.startsWith(root)).toBe(true);
    const names = (await listNotebooks(out.executionResult.folderPath)).map((path) =>
      path.slice(root.length),
    );
    expect(names.some((name) => name.includes("pre_execution"))).toBe(true);
    expect(names.some((name) => name.includes("execution_attempt"))).toBe(true);
    expect(names.some((name) => name.endsWith("notebook.ipynb"))).toBe(true);
  });

  it("regenerates after a runtime error with the previous code and its traceback in the prompt", async () => {
    const runner = new ScriptedRunner(async (_request, call) => {
      if (call === 1) {
        throw new CodeRuntimeError(
          "ZeroDivisionError: division by zero",
          "Traceback ...\nZeroDivisionError: division by zero",
          1,
        );
      }
      return outcome({ x: 2 });
    });
    const { service, chatModel } = makeService({
      runner,
      replies: [fenced("results = {'x': 1/0}"), fenced("results = {'x': 2}")],
    });
    const out = await service.ainvoke(REQUEST, thread("r1"));
    if (isApprovalInterrupt(out)) throw new Error("unexpected approval");
    expect(out.generationAttempt).toBe(2);
    expect(out.generatedCode).toBe("results = {'x': 2}\n");
    expect(chatModel.prompts).toHaveLength(2);
    expect(chatModel.prompts[1]).toContain("results = {'x': 1/0}");
    expect(chatModel.prompts[1]).toContain("ZeroDivisionError: division by zero");
    expect(chatModel.prompts[0]).toContain("Compute x");
    expect(chatModel.prompts[0]).toContain("What is x?");
    // One folder per request; each attempt in its own attempts/NN.
    expect(runner.requests[0]!.executionFolder).toBe(runner.requests[1]!.executionFolder);
    expect(runner.requests[0]!.attemptFolder).not.toBe(runner.requests[1]!.attemptFolder);
  });

  it("re-runs the same code after an infrastructure failure without regenerating", async () => {
    const runner = new ScriptedRunner(async (_request, call) => {
      if (call === 1) throw new ContainerConnectivityError("kernel died", "127.0.0.1", 8888);
      return outcome({ ok: true });
    });
    const { service, chatModel } = makeService({ runner, replies: [fenced("results = {'ok': True}")] });
    const events: PythonExecutorEvent[] = [];
    for await (const event of service.stream(REQUEST, thread("i1"))) events.push(event);
    const last = events.at(-1);
    if (last?.type !== "run-finish") throw new Error("expected run-finish");
    const out = last.result;
    const retry = events.find((event) => event.type === "retry-schedule");
    expect(retry).toMatchObject({ action: "rerun", category: "infrastructure", attempt: 1, delayMs: 1 });
    expect(chatModel.prompts).toHaveLength(1);
    expect(runner.requests).toHaveLength(2);
    expect(runner.requests[1]!.code).toBe(runner.requests[0]!.code);
    expect(runner.requests[1]!.attempt).toBe(2);
    expect(out.generationAttempt).toBe(1);
  });

  it("gives up on infrastructure failures after maxInfrastructureRetries with MaxAttemptsExceededError", async () => {
    const runner = new ScriptedRunner(async () => {
      throw new ContainerConnectivityError("server unreachable", "127.0.0.1", 1);
    });
    const { service, chatModel } = makeService({
      runner,
      replies: [fenced("results = {}")],
      maxInfrastructureRetries: 1,
    });
    const error = await service.ainvoke(REQUEST, thread("i2")).catch((caught: unknown) => caught);
    expect(MaxAttemptsExceededError.isInstance(error)).toBe(true);
    const typed = error as MaxAttemptsExceededError;
    expect(typed.operationType).toBe("execution");
    expect(typed.maxAttempts).toBe(2);
    expect(typed.errorChain).toHaveLength(2);
    expect(ContainerConnectivityError.isInstance(typed.cause)).toBe(true);
    expect(runner.requests).toHaveLength(2);
    expect(chatModel.prompts).toHaveLength(1);
    expect(typed.folderPath && existsSync(`${typed.folderPath}/notebook.ipynb`)).toBe(true);
  });

  it("gives up on code errors after request.retries regenerations, carrying the error chain", async () => {
    const runner = new ScriptedRunner(async (_request, call) => {
      throw new CodeRuntimeError(`ValueError: bad ${call}`, `Traceback\nValueError: bad ${call}`, call);
    });
    const { service, chatModel } = makeService({
      runner,
      replies: [fenced("results = 1"), fenced("results = 2")],
    });
    const error = await service
      .ainvoke({ ...REQUEST, retries: 1 }, thread("c1"))
      .catch((caught: unknown) => caught);
    expect(MaxAttemptsExceededError.isInstance(error)).toBe(true);
    const typed = error as MaxAttemptsExceededError;
    expect(typed.operationType).toBe("code_generation");
    expect(typed.errorChain).toEqual(["execution: ValueError: bad 1", "execution: ValueError: bad 2"]);
    expect(CodeRuntimeError.isInstance(typed.cause)).toBe(true);
    expect(chatModel.prompts).toHaveLength(2);
    const failure = await readFile(`${typed.folderPath}/notebook.ipynb`, "utf8");
    expect(failure).toContain("ValueError: bad 2");
  });

  it("fails fast on configuration errors and timeouts", async () => {
    const config = new ScriptedRunner(async () => {
      throw new ContainerConfigurationError("no such kernel spec", {
        configKey: "modes.read_only.kernelName",
      });
    });
    const first = makeService({ runner: config, replies: [fenced("results = {}")] });
    const error = await first.service.ainvoke(REQUEST, thread("f1")).catch((caught: unknown) => caught);
    expect(ContainerConfigurationError.isInstance(error)).toBe(true);
    expect((error as ContainerConfigurationError).configKey).toBe("modes.read_only.kernelName");
    expect(config.requests).toHaveLength(1);

    const slow = new ScriptedRunner(async () => {
      throw new ExecutionTimeoutError(2);
    });
    const second = makeService({ runner: slow, replies: [fenced("while True: pass\nresults = {}")] });
    const timeout = await second.service.ainvoke(REQUEST, thread("f2")).catch((caught: unknown) => caught);
    expect(ExecutionTimeoutError.isInstance(timeout)).toBe(true);
    expect((timeout as ExecutionTimeoutError).timeoutSeconds).toBe(2);
    expect(second.chatModel.prompts).toHaveLength(1);
  });

  it("regenerates on syntax errors, missing results and unusable model output", async () => {
    const analyzer = new ScriptedAnalyzer((code) => {
      if (code.includes("def (")) {
        return cleanReport({
          syntaxValid: false,
          syntaxErrors: [{ line: 1, column: 4, message: "invalid syntax" }],
          assignsResults: false,
        });
      }
      return cleanReport({ assignsResults: code.includes("results") });
    });
    const runner = new ScriptedRunner(async () => outcome({ done: 1 }));
    const { service, chatModel } = makeService({
      runner,
      analyzer,
      replies: [fenced("def (:"), "```bash\nrm -rf /\n```", fenced("x = 1"), fenced("results = {'done': 1}")],
    });
    const out = await service.ainvoke({ ...REQUEST, retries: 3 }, thread("s1"));
    if (isApprovalInterrupt(out)) throw new Error("unexpected approval");
    expect(out.generationAttempt).toBe(4);
    expect(runner.requests).toHaveLength(1);
    expect(chatModel.prompts[1]).toContain("invalid syntax");
    expect(chatModel.prompts[2]).toContain("bash");
    expect(chatModel.prompts[3]).toContain("does not assign `results`");
  });

  it("refuses invalid requests, invalid resume values and reused threads with typed errors", async () => {
    const runner = new ScriptedRunner(async () => outcome({}));
    const { service } = makeService({ runner });
    const bad = await service
      .ainvoke({ ...REQUEST, userQuery: "" }, thread("v1"))
      .catch((caught: unknown) => caught);
    expect(InvalidParameterError.isInstance(bad)).toBe(true);
    expect((bad as InvalidParameterError).parameter).toBe("userQuery");
    const typo = await service
      .ainvoke({ ...REQUEST, approved_code: "x" } as never, thread("v2"))
      .catch((caught: unknown) => caught);
    expect(InvalidParameterError.isInstance(typo)).toBe(true);

    await service.ainvoke({ ...REQUEST, approvedCode: "results = {}" }, thread("v3"));
    const reused = await service
      .ainvoke({ ...REQUEST, approvedCode: "results = {}" }, thread("v3"))
      .catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(reused)).toBe(true);
    expect((reused as Error).message).toContain("new thread_id");

    const nothing = await service
      .ainvoke(new Command({ resume: { approved: true } }), thread("v4"))
      .catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(nothing)).toBe(true);
    expect(() => new PythonExecutorService({ timeoutSeconds: -1 })).toThrow(ContainerConfigurationError);
    expect(() => new PythonExecutorService({ executionMethod: "jupyter" })).toThrow(/jupyter\.baseUrl/);
    expect(
      () => new PythonExecutorService({ checkpointer: { sqlitePath: "/nonexistent-dir/x/cp.sqlite" } }),
    ).toThrow(ContainerConfigurationError);
  });

  it("requests approval, then runs exactly the approved code on resume and returns the same result type", async () => {
    const runner = new ScriptedRunner(async () => outcome({ approved: true }));
    const { service } = makeService({ runner, approval: { mode: "all_code" } });
    const code = 'results = {"approved": True}';
    const out = await service.ainvoke({ ...REQUEST, approvedCode: code }, thread("ap1"));
    expect(isApprovalInterrupt(out)).toBe(true);
    if (!isApprovalInterrupt(out)) return;
    expect(out.approval.threadId).toBe("ap1");
    expect(out.approval.code).toBe(code);
    expect(out.approval.codeSha256).toBe(codeSha256(code));
    expect(out.approval.executionMode).toBe("read_only");
    expect(out.approval.userMessage).toContain(code);
    expect(existsSync(out.approval.notebookPath)).toBe(true);
    expect(out.approval.notebookPath).toContain("pre_execution");
    expect(runner.requests).toHaveLength(0);

    const invalid = await service
      .ainvoke(new Command({ resume: { approved: "yes" } }), thread("ap1"))
      .catch((caught: unknown) => caught);
    expect(InvalidParameterError.isInstance(invalid)).toBe(true);
    const again = await service.ainvoke(REQUEST, thread("ap1")).catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(again)).toBe(true);

    const done = await service.ainvoke(
      new Command({ resume: { approved: true, codeSha256: out.approval.codeSha256 } }),
      thread("ap1"),
    );
    if (isApprovalInterrupt(done)) throw new Error("still waiting");
    expect(done.executionResult.results).toEqual({ approved: true });
    expect(done.generatedCode).toBe(code);
    expect(runner.requests).toHaveLength(1);
    expect(runner.requests[0]!.code).toBe(code);
  });

  it("ends a rejection or a hash mismatch with ApprovalRejectedError, and never runs the code", async () => {
    const runner = new ScriptedRunner(async () => outcome({}));
    const { service } = makeService({ runner, approval: { mode: "all_code" } });
    const first = await service.ainvoke({ ...REQUEST, approvedCode: "results = {}" }, thread("rj1"));
    expect(isApprovalInterrupt(first)).toBe(true);
    const rejected = await service
      .ainvoke(new Command({ resume: { approved: false, comment: "not today" } }), thread("rj1"))
      .catch((caught: unknown) => caught);
    expect(ApprovalRejectedError.isInstance(rejected)).toBe(true);
    expect((rejected as ApprovalRejectedError).comment).toBe("not today");

    const second = await service.ainvoke({ ...REQUEST, approvedCode: "results = {'a': 1}" }, thread("rj2"));
    expect(isApprovalInterrupt(second)).toBe(true);
    const mismatch = await service
      .ainvoke(
        new Command({ resume: { approved: true, codeSha256: codeSha256("results = {}") } }),
        thread("rj2"),
      )
      .catch((caught: unknown) => caught);
    expect(ApprovalRejectedError.isInstance(mismatch)).toBe(true);
    expect((mismatch as Error).message).toContain("does not match");
    expect(runner.requests).toHaveLength(0);
  });

  it("sends high-risk code to a human even with approval disabled, or blocks it with onHighRisk: block", async () => {
    const risky = () =>
      cleanReport({
        hasHighRisk: true,
        findings: [
          {
            rule: "process.subprocess",
            category: "process",
            severity: "high",
            line: 1,
            column: 0,
            message: "runs a subprocess",
            symbol: "subprocess.run",
          },
        ],
      });
    const runner = new ScriptedRunner(async () => outcome({}));
    const asked = makeService({
      runner,
      analyzer: new ScriptedAnalyzer(risky),
      approval: { mode: "disabled" },
    });
    const out = await asked.service.ainvoke(
      { ...REQUEST, approvedCode: "import subprocess\nresults = {}" },
      thread("h1"),
    );
    expect(isApprovalInterrupt(out)).toBe(true);
    if (isApprovalInterrupt(out)) expect(out.approval.reasons.join(" ")).toContain("runs a subprocess");

    const blocked = makeService({
      runner,
      analyzer: new ScriptedAnalyzer(risky),
      approval: { mode: "disabled", onHighRisk: "block" },
      replies: [fenced("import subprocess\nresults = {}")],
    });
    const error = await blocked.service.ainvoke(REQUEST, thread("h2")).catch((caught: unknown) => caught);
    expect(ApprovalRejectedError.isInstance(error)).toBe(true);
    expect(blocked.chatModel.prompts).toHaveLength(1);
    expect(runner.requests).toHaveLength(0);
  });

  it("streams stage changes, output chunks, notebooks and the result", async () => {
    const runner = new ScriptedRunner(async (request) => {
      request.onOutput?.("stdout", "chunk-1\n");
      request.onOutput?.("stdout", "chunk-2\n");
      return outcome({ streamed: true }, "chunk-1\nchunk-2\n");
    });
    const { service } = makeService({ runner, replies: [fenced("results = {'streamed': True}")] });
    const events: PythonExecutorEvent[] = [];
    for await (const event of service.stream(REQUEST, thread("st1"))) events.push(event);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("stage-start");
    expect(types).toContain("code-generate");
    expect(types).toContain("notebook-save");
    expect(
      events
        .filter((event) => event.type === "output-chunk")
        .map((event) => (event as { text: string }).text),
    ).toEqual(["chunk-1\n", "chunk-2\n"]);
    const stages = events.flatMap((event) => (event.type === "stage-start" ? [event.stage] : []));
    expect(stages).toEqual(["prepare", "generation", "analysis", "execution", "finalize"]);
    const last = events.at(-1);
    expect(last?.type).toBe("run-finish");
    if (last?.type === "run-finish") expect(last.result.executionResult.results).toEqual({ streamed: true });
  });

  it("streams an approval request as the last event", async () => {
    const runner = new ScriptedRunner(async () => outcome({}));
    const { service } = makeService({ runner, approval: { mode: "all_code" } });
    const events: PythonExecutorEvent[] = [];
    for await (const event of service.stream({ ...REQUEST, approvedCode: "results = {}" }, thread("st2"))) {
      events.push(event);
    }
    expect(events.at(-1)?.type).toBe("approval-request");
  });

  it("embeds as a subgraph whose approval interrupt propagates to the parent graph", async () => {
    const runner = new ScriptedRunner(async () => outcome({ nested: 1 }));
    const { service } = makeService({ runner, approval: { mode: "all_code" } });
    const child = service.getCompiledGraph();
    const Parent = Annotation.Root({
      request: Annotation<unknown>(),
      answer: Annotation<unknown>(),
    });
    const parent = new StateGraph(Parent)
      .addNode("python", async (state, config) => {
        const out = await child.invoke({ request: state.request as never }, config);
        return { answer: out.executionResult?.results };
      })
      .addEdge(START, "python")
      .addEdge("python", END)
      .compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "parent-1" } };
    const request = PythonExecutionRequestSchema.parse({
      ...REQUEST,
      approvedCode: "results = {'nested': 1}",
    });
    const paused = await parent.invoke({ request }, config);
    expect(
      (paused as { __interrupt__?: Array<{ value: { codeSha256: string } }> }).__interrupt__?.[0]?.value
        .codeSha256,
    ).toBe(codeSha256("results = {'nested': 1}"));
    const resumed = await parent.invoke(new Command({ resume: { approved: true } }), config);
    expect(resumed.answer).toEqual({ nested: 1 });
  });

  it("turns an empty model reply into a CodeGenerationError once retries are spent", async () => {
    const runner = new ScriptedRunner(async () => outcome({}));
    const { service } = makeService({ runner, replies: ["   "] });
    const error = await service
      .ainvoke({ ...REQUEST, retries: 0 }, thread("g1"))
      .catch((caught: unknown) => caught);
    expect(MaxAttemptsExceededError.isInstance(error)).toBe(true);
    expect(CodeGenerationError.isInstance((error as Error).cause)).toBe(true);
  });
  it("ends a code error of approvedCode with that error and its chain, without regenerating", async () => {
    const runner = new ScriptedRunner(async () => {
      throw new CodeRuntimeError("NameError: name 'y' is not defined", "Traceback\nNameError", 1);
    });
    const { service, chatModel } = makeService({ runner, replies: [fenced("results = {}")] });
    const error = await service
      .ainvoke({ ...REQUEST, approvedCode: "results = {'y': y}" }, thread("ac1"))
      .catch((caught: unknown) => caught);
    expect(CodeRuntimeError.isInstance(error)).toBe(true);
    expect((error as CodeRuntimeError).tracebackInfo).toContain("NameError");
    expect((error as CodeRuntimeError).technicalDetails.errorChain).toEqual([
      "execution: NameError: name 'y' is not defined",
    ]);
    expect(chatModel.prompts).toHaveLength(0);
    expect(runner.requests).toHaveLength(1);
  });

  it("runs large retry budgets to the end instead of hitting LangGraph's step limit", async () => {
    const runner = new ScriptedRunner(async (_request, call) => {
      throw new CodeRuntimeError(`ValueError: ${call}`, "", call);
    });
    const replies = Array.from({ length: 13 }, (_, index) => fenced(`results = {'n': ${index}}`));
    const { service, chatModel } = makeService({ runner, replies });
    const error = await service
      .ainvoke({ ...REQUEST, retries: 12 }, thread("big1"))
      .catch((caught: unknown) => caught);
    expect(MaxAttemptsExceededError.isInstance(error)).toBe(true);
    expect((error as MaxAttemptsExceededError).maxAttempts).toBe(13);
    expect(chatModel.prompts).toHaveLength(13);
  });

  it("numbers attempts after those already in an adopted execution folder", async () => {
    const runner = new ScriptedRunner(async () => outcome({ n: 1 }));
    const { service } = makeService({ runner });
    const first = await service.ainvoke({ ...REQUEST, approvedCode: "results = {'n': 1}" }, thread("ex1"));
    if (isApprovalInterrupt(first)) throw new Error("unexpected approval");
    const folder = first.executionResult.folderPath;
    const second = await service.ainvoke(
      { ...REQUEST, approvedCode: "results = {'n': 1}", existingExecutionFolder: folder },
      thread("ex2"),
    );
    if (isApprovalInterrupt(second)) throw new Error("unexpected approval");
    expect(second.executionResult.folderPath).toBe(folder);
    expect(runner.requests.map((request) => request.attemptFolder.slice(folder.length))).toEqual([
      "/attempts/01",
      "/attempts/02",
    ]);
  });

  it("applies per-call policy from the LangGraph configurable, with the reference's keys", async () => {
    const writes = () =>
      cleanReport({
        hasControlSystemWrites: true,
        findings: [
          {
            rule: "epics.caput",
            category: "control_system_write",
            severity: "medium",
            line: 2,
            column: 0,
            message: "writes a PV",
            symbol: "epics.caput",
          },
        ],
      });
    const runner = new ScriptedRunner(async () => outcome({}));
    const { service } = makeService({
      runner,
      analyzer: new ScriptedAnalyzer(writes),
      approval: { mode: "epics_writes" },
    });
    const code = "from epics import caput\ncaput('X', 1)\nresults = {}";
    // The service default forbids writes: the code is blocked.
    const blocked = await service
      .ainvoke({ ...REQUEST, approvedCode: code }, thread("cfg1"))
      .catch((caught: unknown) => caught);
    expect(ApprovalRejectedError.isInstance(blocked)).toBe(true);
    // This call's configurable allows them (reference key): approval in write-access mode.
    const out = await service.ainvoke(
      { ...REQUEST, approvedCode: code, sessionContext: { chat_id: "c-7" } },
      {
        configurable: {
          thread_id: "cfg2",
          agent_control_defaults: { epics_writes_enabled: true },
          execution_modes: { read_only: { kernel_name: "ro" }, write_access: { kernel_name: "rw" } },
        },
      },
    );
    if (!isApprovalInterrupt(out)) throw new Error("expected approval");
    expect(out.approval.executionMode).toBe("write_access");
    expect(out.approval.sessionContext).toEqual({ chat_id: "c-7" });
    const done = await service.ainvoke(new Command({ resume: { approved: true } }), {
      configurable: {
        thread_id: "cfg2",
        agent_control_defaults: { epics_writes_enabled: true },
        execution_modes: { read_only: { kernel_name: "ro" }, write_access: { kernel_name: "rw" } },
      },
    });
    expect(isApprovalInterrupt(done)).toBe(false);
    expect(runner.requests[0]!.mode).toMatchObject({
      modeName: "write_access",
      kernelName: "rw",
      allowsWrites: true,
    });
    const bad = await service
      .ainvoke(
        { ...REQUEST, approvedCode: code },
        { configurable: { thread_id: "cfg3", execution_modes: {} } },
      )
      .catch((caught: unknown) => caught);
    expect(ContainerConfigurationError.isInstance(bad)).toBe(true);
    expect((bad as ContainerConfigurationError).configKey).toBe("modes.read_only");
  });
  it("fails fast with WorkflowError on a bug in a part, and wraps checkpointer faults", async () => {
    const runner = new ScriptedRunner(async () => {
      throw new TypeError("cannot read properties of undefined");
    });
    const { service, chatModel } = makeService({
      runner,
      replies: [fenced("results = {}"), fenced("results = {}")],
    });
    const error = await service.ainvoke(REQUEST, thread("bug1")).catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("cannot read properties of undefined");
    expect(chatModel.prompts).toHaveLength(1);

    class BrokenSaver extends MemorySaver {
      override put(..._args: Parameters<MemorySaver["put"]>): ReturnType<MemorySaver["put"]> {
        return Promise.reject(new Error("disk full"));
      }
    }
    const broken = new PythonExecutorService({
      executionRoot: root,
      analyzer: new ScriptedAnalyzer(),
      runner: new ScriptedRunner(async () => outcome({})),
      approval: { mode: "disabled" },
      checkpointer: new BrokenSaver(),
    });
    services.push(broken);
    const wrapped = await broken
      .ainvoke({ ...REQUEST, approvedCode: "results = {}" }, thread("bug2"))
      .catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(wrapped)).toBe(true);
    expect((wrapped as Error).message).toContain("disk full");
  });
  it("streams a resumed run to its result, and honours a mode that requires approval", async () => {
    const runner = new ScriptedRunner(async () => outcome({ resumed: 1 }));
    const service = new PythonExecutorService({
      executionRoot: root,
      analyzer: new ScriptedAnalyzer(),
      runner,
      approval: { mode: "disabled" },
      modes: { read_only: { kernelName: "python3", requiresApproval: true } },
    });
    services.push(service);
    const paused = await service.ainvoke(
      { ...REQUEST, approvedCode: "results = {'resumed': 1}" },
      thread("sr1"),
    );
    if (!isApprovalInterrupt(paused)) throw new Error("expected approval");
    expect(paused.approval.reasons.join(" ")).toContain("requires approval");
    const events: PythonExecutorEvent[] = [];
    for await (const event of service.stream(new Command({ resume: { approved: true } }), thread("sr1"))) {
      events.push(event);
    }
    const stages = events.flatMap((event) => (event.type === "stage-start" ? [event.stage] : []));
    expect(stages).toEqual(["approval", "execution", "finalize"]);
    const last = events.at(-1);
    expect(last?.type === "run-finish" && last.result.executionResult.results).toEqual({ resumed: 1 });
  });

  it("leaves an analyzer and runner it was given open on close(), and refuses runs after close()", async () => {
    const analyzer = new ScriptedAnalyzer();
    const runner = new ScriptedRunner(async () => outcome({}));
    const service = new PythonExecutorService({
      executionRoot: root,
      analyzer,
      runner,
      approval: { mode: "disabled" },
    });
    await service.ainvoke({ ...REQUEST, approvedCode: "results = {}" }, thread("cl1"));
    await service.close();
    await service.close();
    expect(analyzer.closed).toBe(false);
    expect(runner.closed).toBe(false);
    const after = await service
      .ainvoke({ ...REQUEST, approvedCode: "results = {}" }, thread("cl2"))
      .catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(after)).toBe(true);
    expect((after as Error).message).toContain("closed");
  });
});
