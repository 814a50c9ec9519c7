import { randomUUID } from "node:crypto";
import {
  ContainerConfigurationError,
  ExecKitError,
  InvalidParameterError,
  Redactor,
  WorkflowError,
} from "@execkit/errors";
import { type BaseCheckpointSaver, Command, isCommand, MemorySaver } from "@langchain/langgraph";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { CodeAnalyzer } from "./analysis/types";
import {
  type ApprovalInterrupt,
  type ApprovalRequest,
  ApprovalResumeSchema,
  createApprovalInterrupt,
} from "./approval/approval-request";
import { ChatModelCodeGenerator } from "./codegen/chat-model-code-generator";
import type { CodeGenerator } from "./codegen/code-generator";
import {
  ApprovalConfigSchema,
  type PythonExecutorServiceConfig,
  type PythonExecutorServiceConfigInput,
  parseServiceConfig,
} from "./config/service-config";
import type { CodeRunner, ExecutionModeConfig } from "./execution/types";
import { type CompiledPythonExecutionGraph, compilePythonExecutionGraph } from "./graph/build-graph";
import { createDefaultAnalyzer, createDefaultRunner, createFileWorkspace } from "./graph/default-parts";
import { errorFromFailure } from "./graph/failure-record";
import type { WorkflowDependencies, WorkflowSettings } from "./graph/workflow-dependencies";
import type { PythonExecutorEvent } from "./graph/workflow-events";
import {
  type Configurable,
  getExecutionControlConfigFromConfigurable,
  getExecutionModeConfigFromConfigurable,
} from "./models/configurable";
import { resolveExecutionModeConfig } from "./models/execution-mode-config";
import { type PythonExecutionRequestInput, PythonExecutionRequestSchema } from "./models/request";
import { PythonExecutionSuccess, type PythonServiceResult } from "./models/result";
import type { PythonExecutionStateValue } from "./models/state";
import { openSqliteCheckpointer } from "./sqlite-checkpointer";

/** The LangGraph run config `ainvoke` and `stream` take. */
export interface PythonExecutorRunConfig {
  /**
   * `thread_id` names the run (and is needed to resume an approval); a fresh one is made when absent and
   * returned in the approval request. Other keys override the service options for this run, using the names
   * the `get…FromConfigurable` helpers read (`executionControl`, `modes`, `approval`, and the reference's
   * snake_case keys).
   */
  configurable?: { thread_id?: string } & Record<string, unknown>;
  /**
   * Cancels the run: generation, analysis and the running code are stopped, and the call rejects with the
   * signal's reason (as `fetch` does). The thread is left at its last checkpoint.
   */
  signal?: AbortSignal;
}

/** What `ainvoke` accepts: a new request, or a `Command` that resumes a paused approval. */
export type PythonExecutorInput = PythonExecutionRequestInput | Command;

const APPROVAL_KEYS = new Set(["executionControl", "agent_control_defaults"]);
/** Enough steps for the largest retry budgets (21 code attempts, 11 runs each); the budgets end runs first. */
const RECURSION_LIMIT = 1_000;

/**
 * Generates, analyzes, approves and runs Python for an agent, as a LangGraph workflow:
 * prepare → generate → analyze → (approve) → execute → finalize.
 *
 * - Local mode runs a Python subprocess; Jupyter mode runs in a kernel of a Jupyter Server. Same wrapper, same
 *   files, same results.
 * - Approval stops the run with a LangGraph interrupt; `ainvoke` returns an {@link ApprovalInterrupt} (check it
 *   with `isApprovalInterrupt`) and a later `ainvoke(new Command({ resume }))` on the same `thread_id` finishes
 *   it, in this process or (with a SQLite checkpointer) another one.
 * - Failures are thrown as typed errors from `@execkit/errors`, carrying the error chain.
 *
 * Differs from the reference: the resumed path returns the same {@link PythonServiceResult} as the fresh path,
 * a rejection is an `ApprovalRejectedError` rather than a generic runtime error, retries are routed by error
 * category, and a thread id cannot silently be reused for a second request.
 *
 * @example
 * ```ts
 * const service = new PythonExecutorService({ executionMethod: "local", chatModel, approval: { mode: "disabled" } });
 * try {
 *   const out = await service.ainvoke(
 *     { userQuery: "Mean of 1..10?", taskObjective: "Compute the mean", executionFolderName: "mean" },
 *     { configurable: { thread_id: "run-1" } },
 *   );
 *   if (!isApprovalInterrupt(out)) console.log(out.executionResult.results);
 * } finally {
 *   await service.close();
 * }
 * ```
 */
export class PythonExecutorService {
  // Private: the options hold the Jupyter token and the chat model, which must not end up in a log.
  readonly #config: PythonExecutorServiceConfig;
  readonly #redactor: Redactor;
  readonly #checkpointer: BaseCheckpointSaver;
  readonly #ownsCheckpointer: boolean;
  #analyzer?: CodeAnalyzer;
  #runner?: CodeRunner;
  #generator?: CodeGenerator;
  #graph?: CompiledPythonExecutionGraph;
  /** Whether `warmUp()` was started (by the caller or by the first request). */
  #warmed = false;
  #closed = false;

  /** @throws ContainerConfigurationError naming the first invalid option. */
  constructor(config: PythonExecutorServiceConfigInput = {}) {
    this.#config = parseServiceConfig(config);
    this.#redactor = new Redactor(this.#config.jupyter?.token ? [this.#config.jupyter.token] : []);
    const checkpointer = this.#config.checkpointer;
    if (checkpointer && "sqlitePath" in checkpointer) {
      this.#checkpointer = openSqliteCheckpointer(checkpointer.sqlitePath);
      this.#ownsCheckpointer = true;
    } else {
      this.#checkpointer = (checkpointer as BaseCheckpointSaver | undefined) ?? new MemorySaver();
      this.#ownsCheckpointer = false;
    }
    this.#generator =
      this.#config.codeGenerator ??
      (this.#config.chatModel ? new ChatModelCodeGenerator(this.#config.chatModel) : undefined);
  }

  /**
   * The compiled workflow, to run directly or embed as a subgraph. Its input is `{ request }` (a validated
   * `PythonExecutionRequest`); approval interrupts propagate to the parent graph, which resumes them with
   * `Command({ resume })` as usual.
   */
  getCompiledGraph(): CompiledPythonExecutionGraph {
    this.#assertOpen();
    if (!this.#graph) this.#graph = compilePythonExecutionGraph(this.#dependencies(), this.#checkpointer);
    return this.#graph;
  }

  /**
   * Runs a request, or resumes a paused approval with `new Command({ resume: { approved, comment?, codeSha256? } })`.
   *
   * @returns the result, or an {@link ApprovalInterrupt} when the code waits for a human.
   * @throws InvalidParameterError for an invalid request or resume value (nothing ran).
   * @throws WorkflowError when the thread is waiting for approval and gets a new request, or has nothing to resume.
   * @throws ApprovalRejectedError when the code was rejected (it never ran); MaxAttemptsExceededError when the
   *   retries ran out; ExecutionTimeoutError, ContainerConfigurationError, … for failures that are not retried.
   */
  async ainvoke(
    input: PythonExecutorInput,
    config: PythonExecutorRunConfig = {},
  ): Promise<PythonServiceResult | ApprovalInterrupt> {
    const { graph, graphInput, runConfig } = await this.#start(input, config);
    let output: PythonExecutionStateValue & { __interrupt__?: Array<{ value?: unknown }> };
    try {
      output = (await graph.invoke(graphInput as never, runConfig)) as typeof output;
    } catch (error) {
      throw this.#unexpected(error, config.signal);
    }
    const approval = output.__interrupt__?.[0]?.value as ApprovalRequest | undefined;
    if (approval) return createApprovalInterrupt(approval);
    return this.#finish(output);
  }

  /**
   * Like {@link ainvoke}, yielding events as the run goes: stage changes, generated code, output chunks,
   * notebooks, retries, and at the end either `approval-request` or `run-finish`. A failed run throws its typed
   * error from the iterator.
   */
  async *stream(
    input: PythonExecutorInput,
    config: PythonExecutorRunConfig = {},
  ): AsyncGenerator<PythonExecutorEvent> {
    const { graph, graphInput, runConfig } = await this.#start(input, config);
    let last: PythonExecutionStateValue | undefined;
    try {
      const stream = await graph.stream(graphInput as never, {
        ...runConfig,
        streamMode: ["custom", "updates", "values"] as const,
      });
      for await (const chunk of stream as AsyncIterable<[string, unknown]>) {
        const [mode, payload] = chunk;
        if (mode === "custom") {
          yield payload as PythonExecutorEvent;
        } else if (mode === "values") {
          last = payload as PythonExecutionStateValue;
        } else if (mode === "updates") {
          const interrupts = (payload as { __interrupt__?: Array<{ value?: unknown }> }).__interrupt__;
          const approval = interrupts?.[0]?.value as ApprovalRequest | undefined;
          if (approval) {
            yield { type: "approval-request", approval };
            return;
          }
        }
      }
    } catch (error) {
      throw this.#unexpected(error, config.signal);
    }
    if (!last) throw new WorkflowError("The workflow produced no state.", "finalize");
    yield { type: "run-finish", result: this.#finish(last) };
  }

  /**
   * Starts now what the first run would otherwise start: the analyzer process, and in local mode a spare
   * interpreter for the read-only mode (and the write-access mode when control-system writes are enabled), then
   * waits until they are ready. Optional: without it the first run pays for the start-up. Parts you passed in
   * are warmed when they offer `start()` / `warmUp()`.
   *
   * @throws ContainerConnectivityError / ContainerConfigurationError when the interpreter cannot be used.
   * @throws WorkflowError when the service was closed.
   */
  async warmUp(): Promise<void> {
    this.#assertOpen();
    this.#warmed = true;
    const dependencies = this.#dependencies();
    const settings = this.#settings({});
    const analyzer = dependencies.analyzer as CodeAnalyzer & { start?: () => Promise<void> };
    const runner = dependencies.runner as CodeRunner & {
      warmUp?: (mode?: ExecutionModeConfig) => Promise<void>;
    };
    const modes = [settings.modes.read_only];
    if (settings.executionControl.epicsWritesEnabled) modes.push(settings.modes.write_access);
    await Promise.all([
      typeof analyzer.start === "function" ? analyzer.start() : undefined,
      ...(typeof runner.warmUp === "function" ? modes.map((mode) => runner.warmUp!(mode)) : []),
    ]);
  }

  /**
   * Stops the analyzer process and the runner's kernels that the service created, and closes a SQLite checkpoint
   * file it opened. An analyzer, runner or checkpointer you passed in is yours to close. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const results = await Promise.allSettled([this.#analyzer?.close(), this.#runner?.close()]);
    if (this.#ownsCheckpointer) (this.#checkpointer as SqliteSaver).db.close();
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  async #start(input: PythonExecutorInput, config: PythonExecutorRunConfig) {
    this.#assertOpen();
    const graph = this.getCompiledGraph();
    const configurable = { ...(config.configurable ?? {}) };
    if (configurable.thread_id === undefined || configurable.thread_id === "") {
      configurable.thread_id = `python-executor-${randomUUID()}`;
    }
    if (typeof configurable.thread_id !== "string") {
      throw new InvalidParameterError("configurable.thread_id must be a string.", { parameter: "thread_id" });
    }
    // Settings are resolved once up front so a bad per-call override fails before anything runs.
    this.#settings(configurable);
    if (!this.#warmed && !isCommand(input)) {
      // The first request starts the analyzer and a spare interpreter alongside its own first steps (checkpoint,
      // folder) instead of one after the other. A failure here is reported by the step that needs the part. A
      // resume does not warm up: its code was analyzed before the pause, and it may well be a rejection.
      this.#warmed = true;
      this.warmUp().catch(() => {});
    }
    // Every retry is a few graph steps; the retry budgets (not LangGraph's default of 25 steps) bound a run.
    // Checkpoints are written when the run stops (an approval pause or the end), not after every step: a run
    // that dies mid-way cannot be resumed anyway (its process or kernel is gone), and a write per step costs
    // milliseconds with an in-memory saver and a database write with SQLite.
    const runConfig = {
      configurable,
      signal: config.signal,
      recursionLimit: RECURSION_LIMIT,
      durability: "exit" as const,
    };
    const snapshot = await graph.getState({ configurable: { thread_id: configurable.thread_id } });
    const pending = snapshot.tasks.some((task) => (task.interrupts ?? []).length > 0);
    if (isCommand(input)) {
      const parsed = ApprovalResumeSchema.safeParse((input as Command).resume);
      if (!parsed.success) {
        throw new InvalidParameterError(
          `The resume value is invalid: ${parsed.error.issues.map((issue) => issue.message).join("; ")}. ` +
            "Resume with new Command({ resume: { approved: true | false, comment?, codeSha256? } }).",
          { parameter: "resume", rule: parsed.error.issues[0]?.code },
        );
      }
      if (!pending) {
        throw new WorkflowError(
          `Thread ${configurable.thread_id} has no approval waiting; resume only a thread whose ainvoke returned an approval request.`,
          "approval",
        );
      }
      return { graph, graphInput: new Command({ resume: parsed.data }), runConfig };
    }
    const parsed = PythonExecutionRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const parameter = issue.path.join(".") || "request";
      throw new InvalidParameterError(
        `PythonExecutionRequest.${parameter} is invalid: ${issue.message}` +
          (parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : ""),
        { parameter, rule: issue.code },
      );
    }
    if (pending) {
      throw new WorkflowError(
        `Thread ${configurable.thread_id} is waiting for approval; resume it with new Command({ resume }) or use a new thread_id.`,
        "approval",
      );
    }
    if ((snapshot.values as Partial<PythonExecutionStateValue>)?.request) {
      // Differs from the reference, which reused thread ids and so mixed two requests' checkpoints.
      throw new WorkflowError(
        `Thread ${configurable.thread_id} already ran a request; use a new thread_id for each request.`,
        "prepare",
      );
    }
    return { graph, graphInput: { request: parsed.data }, runConfig };
  }

  /**
   * Nodes record every failure in the state, so what escapes the graph is an abort (passed on as is), one of our
   * typed errors, or a fault of LangGraph or a checkpointer, which becomes a `WorkflowError` with the cause.
   */
  #unexpected(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted || ExecKitError.isInstance(error)) return error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new WorkflowError(`The Python execution workflow failed: ${message}`, "workflow", {
      cause: error,
      redactor: this.#redactor,
    });
  }

  #finish(state: PythonExecutionStateValue): PythonServiceResult {
    if (state.isSuccessful && state.executionResult && state.generatedCode !== null) {
      return {
        executionResult: new PythonExecutionSuccess(state.executionResult),
        generatedCode: state.generatedCode,
        generationAttempt: state.generationAttempt,
        analysisWarnings: [...state.analysisWarnings],
      };
    }
    const failure = state.failure ?? {
      stage: state.currentStage,
      category: "workflow" as const,
      message: "The workflow ended without a result or a recorded failure.",
      traceback: "",
      errorName: "WorkflowError",
      details: { stage: state.currentStage },
    };
    throw errorFromFailure(failure, {
      errorChain: state.errorChain,
      folderPath: state.executionFolder?.folderPath,
      redactor: this.#redactor,
    });
  }

  #settings(configurable: Configurable): WorkflowSettings {
    const config = this.#config;
    const hasControl = Object.keys(configurable).some((key) => APPROVAL_KEYS.has(key));
    const framework = configurable.framework as { execution?: { modes?: unknown } } | undefined;
    const hasModes =
      configurable.modes !== undefined ||
      configurable.execution_modes !== undefined ||
      framework?.execution?.modes !== undefined;
    const mode = (name: "read_only" | "write_access") =>
      hasModes
        ? getExecutionModeConfigFromConfigurable(configurable, name)
        : resolveExecutionModeConfig(name, config.modes?.[name]);
    let approval = config.approval;
    if (configurable.approval !== undefined) {
      const parsed = ApprovalConfigSchema.safeParse(configurable.approval);
      if (!parsed.success) {
        throw new ContainerConfigurationError(
          `configurable.approval is invalid: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`,
          { configKey: "approval" },
        );
      }
      approval = parsed.data;
    }
    return {
      timeoutSeconds: config.timeoutSeconds,
      maxInfrastructureRetries: config.maxInfrastructureRetries,
      infrastructureRetryDelayMs: config.infrastructureRetryDelayMs,
      approval,
      executionControl: hasControl
        ? { epicsWritesEnabled: getExecutionControlConfigFromConfigurable(configurable).epicsWritesEnabled }
        : config.executionControl,
      modes: { read_only: mode("read_only"), write_access: mode("write_access") },
    };
  }

  #dependencies(): WorkflowDependencies {
    // Analyzer and runner are created on first use, so a service that is only built (or only resumes) starts
    // no process it does not need.
    const service = this;
    return {
      get analyzer() {
        if (service.#config.analyzer) return service.#config.analyzer;
        service.#analyzer ??= createDefaultAnalyzer(service.#config);
        return service.#analyzer;
      },
      get runner() {
        if (service.#config.runner) return service.#config.runner;
        service.#runner ??= createDefaultRunner(service.#config, service.#redactor);
        return service.#runner;
      },
      generator: this.#generator,
      workspace: createFileWorkspace(this.#config),
      settings: (configurable) => this.#settings(configurable),
    };
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new WorkflowError("This PythonExecutorService was closed; create a new one.", "prepare");
  }
}
