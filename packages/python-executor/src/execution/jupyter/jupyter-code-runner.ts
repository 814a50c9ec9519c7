import { createHash } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import {
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  PythonExecutorException,
  Redactor,
  WorkflowError,
} from "@execkit/errors";
import { type AttemptFiles, prepareAttemptFiles } from "../attempt-files";
import { METADATA_FILE_NAME } from "../run-metadata";
import { collectRunOutcome } from "../run-outcome";
import type { CodeRunner, CodeRunOutcome, CodeRunRequest, ExecutionModeConfig } from "../types";
import type { WrapperInvocation } from "../wrapper";
import { type JupyterEndpoint, parseJupyterEndpoint } from "./jupyter-endpoint";
import { JupyterRestClient } from "./jupyter-rest-client";
import { kernelCell } from "./kernel-cell";
import type { ExecuteOutcome, PendingExecution } from "./kernel-channel";
import { stripAnsi } from "./kernel-messages";
import { ManagedKernel } from "./managed-kernel";

/** Options of {@link JupyterCodeRunner}. */
export interface JupyterCodeRunnerOptions {
  /** The Jupyter Server, e.g. `http://127.0.0.1:8888/` (a path prefix is kept; no credentials in it). */
  baseUrl: string;
  /** The server's token, sent in the `Authorization` header. Never logged, never in an error. */
  token?: string;
  /** How long an interrupted run may take to stop before the kernel is restarted. Default 5 000 ms. */
  interruptGraceMs?: number;
  /** How long a new (or restarted) kernel may take to answer. Default 60 000 ms. */
  kernelStartTimeoutMs?: number;
  /** Limit on each REST call. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /**
   * How often a running cell's kernel is checked on the server, to notice a kernel that was deleted while the
   * socket still looks open. Default 2 000 ms.
   */
  healthCheckIntervalMs?: number;
  /** Address-space cap for the code, in MiB (applied by the wrapper inside the kernel, and lifted after). */
  memoryLimitMb?: number;
  /** How many characters of stdout/stderr the wrapper keeps per run. */
  maxOutputChars?: number;
  /**
   * Maps a path on this machine to the same file as the kernel sees it, when the execution root is mounted at
   * another place in the server's container (e.g. `/data/runs/…` here is `/home/jovyan/work/runs/…` there).
   * Default: the identity, for a server on the same filesystem.
   */
  mapPathToKernel?: (hostPath: string) => string;
  /** Knows the secrets to remove from errors; the token is added to it. */
  redactor?: Redactor;
}

type RunEnd =
  | { kind: "done"; outcome: ExecuteOutcome }
  | { kind: "failed"; error: unknown }
  | { kind: "timeout" }
  | { kind: "aborted"; reason: unknown };

const DEFAULT_KERNEL_NAME = "python3";
/** setTimeout fires at once for delays above 2^31-1 ms; longer timeouts are capped there (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Returned by a run that found its kernel gone before the code started: the caller tries a fresh kernel. */
const STALE_KERNEL = Symbol("stale kernel");

/**
 * Runs code in Jupyter kernels through a Jupyter Server's REST API and kernel WebSocket: the seed's "container"
 * mode. It runs the same wrapper as local mode and reads the same files back, so a given piece of code gives the
 * same results, stdout and figures in both modes.
 *
 * - One kernel per execution mode, started on first use and reused (state does not leak between runs: the wrapper
 *   gives each run a fresh namespace). Runs on one kernel are queued.
 * - Output is streamed to `onOutput` as the kernel publishes it.
 * - On timeout (or abort) the kernel is interrupted; if the cell has not stopped within `interruptGraceMs`, the
 *   kernel is restarted. The kernel is usable again either way.
 * - A deleted or dead kernel, a dropped socket or an unreachable server is `ContainerConnectivityError` (the
 *   workflow re-runs the same code; a fresh kernel is started for it). A missing kernel spec or a rejected token is
 *   `ContainerConfigurationError`.
 *
 * Differs from the reference: the reference started a new, never-deleted kernel per run, sent no token, did not
 * interrupt on timeout, kept waiting on a closed socket until the timeout, and discarded iopub output. It also
 * used the kernel's cwd; here every path handed to the kernel is absolute.
 *
 * @example
 * ```ts
 * const runner = new JupyterCodeRunner({ baseUrl: "http://127.0.0.1:8888/", token: process.env.JUPYTER_TOKEN });
 * try {
 *   const outcome = await runner.run({ code, executionFolder, attemptFolder, attempt: 1, mode, timeoutSeconds: 60 });
 * } finally {
 *   await runner.close();
 * }
 * ```
 */
export class JupyterCodeRunner implements CodeRunner {
  /** The parsed server address. */
  readonly endpoint: JupyterEndpoint;
  readonly #rest: JupyterRestClient;
  readonly #redactor: Redactor;
  readonly #options: JupyterCodeRunnerOptions;
  readonly #kernels = new Map<string, Promise<ManagedKernel>>();
  /** Shutdowns of dropped kernels still in flight. */
  readonly #background = new Set<Promise<void>>();
  #closed = false;

  /** @throws ContainerConfigurationError for a bad base URL or option (named in `configKey`). */
  constructor(options: JupyterCodeRunnerOptions) {
    for (const key of [
      "interruptGraceMs",
      "kernelStartTimeoutMs",
      "requestTimeoutMs",
      "healthCheckIntervalMs",
      "memoryLimitMb",
      "maxOutputChars",
    ] as const) {
      const value = options[key];
      if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
        throw new ContainerConfigurationError(
          `jupyter.${key} must be a positive number, got ${String(value)}.`,
          {
            configKey: `jupyter.${key}`,
          },
        );
      }
    }
    this.#options = options;
    this.endpoint = parseJupyterEndpoint(options.baseUrl);
    this.#redactor = options.redactor ?? new Redactor();
    this.#redactor.add(options.token);
    this.#rest = new JupyterRestClient({
      endpoint: this.endpoint,
      token: options.token,
      requestTimeoutMs: options.requestTimeoutMs,
      redactor: this.#redactor,
    });
  }

  /**
   * Runs `request.code` in the mode's kernel. See {@link CodeRunner} for what it throws; in addition a cancelled
   * `request.signal` ends the run (the kernel is interrupted) with `WorkflowError` code `EXECUTION_ABORTED`
   * (cause: the signal's reason), and `close()` during a run ends it with `WorkflowError` code `RUNNER_CLOSED`,
   * as in local mode.
   */
  async run(request: CodeRunRequest): Promise<CodeRunOutcome> {
    this.#assertOpen();
    const checked = validateRequest(request);
    if (request.signal?.aborted) throw cancelled(request, request.signal.reason, false);
    const files = await prepareAttemptFiles({ code: request.code, attemptFolder: checked.attemptFolder });
    // A kernel that vanished between runs (culled for idleness, deleted by an admin) costs nothing to replace,
    // since no code ran on it yet: start a fresh one once instead of failing the run.
    for (let attempt = 1; ; attempt += 1) {
      let kernel: ManagedKernel;
      try {
        // The start is shared by every run of this mode, so one caller's abort must not cancel it: only this
        // caller stops waiting, and the kernel joins the pool for the next run (close() shuts it down).
        kernel = await untilAborted(this.#kernelFor(request.mode, checked.kernelName), request.signal);
      } catch (error) {
        if (request.signal?.aborted) throw cancelled(request, request.signal.reason, false);
        throw this.#withFolder(error, checked.executionFolder);
      }
      const outcome = await kernel.exclusive(() =>
        this.#runOn(kernel, request, checked, files, attempt === 1),
      );
      if (outcome !== STALE_KERNEL) return outcome;
    }
  }

  /** One run on one kernel, inside the kernel's queue. */
  async #runOn(
    kernel: ManagedKernel,
    request: CodeRunRequest,
    checked: CheckedRequest,
    files: AttemptFiles,
    mayReplaceKernel: boolean,
  ): Promise<CodeRunOutcome | typeof STALE_KERNEL> {
    if (request.signal?.aborted) throw cancelled(request, request.signal.reason, false);
    try {
      await kernel.ensureConnected(request.signal);
    } catch (error) {
      if (request.signal?.aborted) throw cancelled(request, request.signal.reason, false);
      this.#forget(request.mode, checked.kernelName, kernel);
      if (kernel.lost && mayReplaceKernel) return STALE_KERNEL;
      throw this.#withFolder(error, checked.executionFolder);
    }
    const map = this.#options.mapPathToKernel ?? ((path: string) => path);
    const invocation: WrapperInvocation = {
      codePath: map(files.codePath),
      executionFolder: map(checked.executionFolder),
      attemptFolder: map(checked.attemptFolder),
      readOnly: !request.mode.allowsWrites,
      memoryLimitMb: this.#options.memoryLimitMb,
      maxOutputChars: this.#options.maxOutputChars,
      executionMode: request.mode.modeName,
    };
    const cell = kernelCell({
      wrapperPath: map(files.wrapperPath),
      wrapperSha256: await sha256OfFile(files.wrapperPath),
      invocation,
      environment: request.mode.environment ?? {},
    });
    const pending = kernel.channel.execute(cell, { onStream: safeOutput(request.onOutput) });
    const end = await this.#waitForEnd(kernel, pending, request);
    if (end.kind === "timeout" || end.kind === "aborted") {
      const stop = await this.#stopRun(kernel, pending, request, checked.kernelName);
      if (end.kind === "aborted") throw cancelled(request, end.reason, true, stop);
      throw new ExecutionTimeoutError(
        request.timeoutSeconds,
        `The code ran longer than ${request.timeoutSeconds} s and was stopped (kernel ${stop.action}). ` +
          "Make it faster, process less data, or raise timeoutSeconds.",
        {
          folderPath: checked.executionFolder,
          redactor: this.#redactor,
          technicalDetails: { kernelId: kernel.kernelId, ...stop },
        },
      );
    }
    if (end.kind === "failed") {
      if (this.#closed) {
        throw new WorkflowError(
          "The JupyterCodeRunner was closed while the code ran; its kernel was shut down.",
          "execution",
          {
            code: "RUNNER_CLOSED",
            folderPath: checked.executionFolder,
          },
        );
      }
      // Whatever broke the run (a dead process, a dropped socket), the kernel's state is now unknown: the next run
      // gets a fresh kernel rather than one that may still be busy with this code.
      this.#forget(request.mode, checked.kernelName, kernel, true);
      throw this.#withFolder(end.error, checked.executionFolder);
    }
    return await this.#collect(end.outcome, request, checked, files.wrapperPath);
  }

  /**
   * The id of the kernel this runner uses for `mode`, once one was started (for tests and diagnostics).
   */
  async kernelIdFor(mode: Pick<ExecutionModeConfig, "modeName" | "kernelName">): Promise<string | undefined> {
    const entry = this.#kernels.get(kernelKey(mode.modeName, mode.kernelName || DEFAULT_KERNEL_NAME));
    if (entry === undefined) return undefined;
    try {
      const kernel = await entry;
      return kernel.lost ? undefined : kernel.kernelId;
    } catch {
      return undefined;
    }
  }

  /** Shuts down every kernel this runner started and closes its connections. Runs in flight fail. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const kernels = [...this.#kernels.values()];
    this.#kernels.clear();
    await Promise.all(
      kernels.map(async (entry) => {
        const kernel = await entry.catch(() => undefined);
        await kernel?.shutdown().catch(() => {});
      }),
    );
    await Promise.all([...this.#background]);
    await this.#rest.close();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new WorkflowError(
        "This JupyterCodeRunner was closed; create a new one to run more code.",
        "execution",
      );
    }
  }

  async #kernelFor(mode: ExecutionModeConfig, kernelName: string): Promise<ManagedKernel> {
    const key = kernelKey(mode.modeName, kernelName);
    const existing = this.#kernels.get(key);
    if (existing !== undefined) {
      const kernel = await existing.catch(() => undefined);
      if (kernel !== undefined && !kernel.lost) return kernel;
      if (this.#kernels.get(key) === existing) this.#kernels.delete(key);
    }
    const started = ManagedKernel.start({
      rest: this.#rest,
      kernelName,
      redactor: this.#redactor,
      readyTimeoutMs: this.#options.kernelStartTimeoutMs ?? 60_000,
    });
    this.#kernels.set(key, started);
    try {
      const kernel = await started;
      if (this.#closed) {
        // close() ran while the kernel was starting: do not leave it behind.
        await kernel.shutdown().catch(() => {});
        this.#assertOpen();
      }
      return kernel;
    } catch (error) {
      if (this.#kernels.get(key) === started) this.#kernels.delete(key);
      throw error;
    }
  }

  /** Drops a kernel from the pool so the next run starts a new one; optionally shuts it down (best effort). */
  #forget(mode: ExecutionModeConfig, kernelName: string, kernel: ManagedKernel, shutdown = false): void {
    const key = kernelKey(mode.modeName, kernelName);
    const entry = this.#kernels.get(key);
    if (entry !== undefined) {
      void entry.then(
        (current) => {
          if (current === kernel && this.#kernels.get(key) === entry) this.#kernels.delete(key);
        },
        () => {},
      );
    }
    if (shutdown) {
      kernel.markLost(this.endpoint.connectivityError(`Kernel ${kernel.kernelId} was dropped.`));
      // Not awaited by the run (its error matters more), but close() waits for it so no kernel is left behind.
      const stopping = kernel.shutdown().catch(() => {});
      this.#background.add(stopping);
      void stopping.finally(() => this.#background.delete(stopping));
    }
  }

  /** Waits for the cell to finish, the timeout, the caller's abort, or the kernel to vanish, whichever is first. */
  #waitForEnd(kernel: ManagedKernel, pending: PendingExecution, request: CodeRunRequest): Promise<RunEnd> {
    return new Promise<RunEnd>((done) => {
      let finished = false;
      let checking = false;
      const finish = (end: RunEnd) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearInterval(health);
        request.signal?.removeEventListener("abort", onAbort);
        done(end);
      };
      pending.done.then(
        (outcome) => finish({ kind: "done", outcome }),
        (error: unknown) => finish({ kind: "failed", error }),
      );
      const timer = setTimeout(
        () => finish({ kind: "timeout" }),
        Math.min(request.timeoutSeconds * 1000, MAX_TIMER_MS),
      );
      const onAbort = () => finish({ kind: "aborted", reason: request.signal?.reason });
      request.signal?.addEventListener("abort", onAbort, { once: true });
      // A kernel deleted through the API normally announces itself (shutdown_reply); this catches the rest, such
      // as a kernel process killed outright while the server keeps the socket open.
      const health = setInterval(() => {
        if (checking || finished) return;
        checking = true;
        this.#rest
          .getKernel(kernel.kernelId)
          .then((model) => {
            if (model === undefined || model.execution_state === "dead") {
              kernel.markLost(
                this.endpoint.connectivityError(
                  `Kernel ${kernel.kernelId} disappeared from the Jupyter Server while the code was running.`,
                  { redactor: this.#redactor, technicalDetails: { kernelId: kernel.kernelId } },
                ),
              );
            }
          })
          // An unreachable server also closes the socket, which ends the run with the precise error.
          .catch(() => {})
          .finally(() => {
            checking = false;
          });
      }, this.#options.healthCheckIntervalMs ?? 2_000);
    });
  }

  /**
   * Interrupts the kernel and waits `interruptGraceMs` for the cell to end; if it does not (code stuck in C, or
   * ignoring KeyboardInterrupt), restarts the kernel. Never throws: a kernel that cannot be stopped is dropped.
   */
  async #stopRun(
    kernel: ManagedKernel,
    pending: PendingExecution,
    request: CodeRunRequest,
    kernelName: string,
  ): Promise<{ action: "interrupted" | "restarted" | "lost"; detail?: string }> {
    const graceMs = this.#options.interruptGraceMs ?? 5_000;
    const ended = pending.done.then(
      () => true,
      () => true,
    );
    try {
      await kernel.interrupt();
      if (await settlesWithin(ended, graceMs)) return { action: "interrupted" };
    } catch {
      // Fall through to the restart: it is the stronger remedy and reports its own failure.
    }
    try {
      await kernel.restart();
      return { action: "restarted" };
    } catch (error) {
      this.#forget(request.mode, kernelName, kernel, true);
      return { action: "lost", detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async #collect(
    outcome: ExecuteOutcome,
    request: CodeRunRequest,
    checked: CheckedRequest,
    wrapperPath: string,
  ): Promise<CodeRunOutcome> {
    const replyError = outcome.error
      ? `${outcome.error.ename}: ${outcome.error.evalue}\n${stripAnsi(outcome.error.traceback.join("\n"))}`
      : "";
    if (outcome.status === "aborted") {
      throw this.endpoint.connectivityError(
        "The kernel aborted the run without executing it (an earlier cell failed in its queue). Run it again.",
        { folderPath: checked.executionFolder, redactor: this.#redactor },
      );
    }
    if (outcome.status === "error" && !(await exists(join(checked.attemptFolder, METADATA_FILE_NAME)))) {
      if (outcome.error?.ename === "FileNotFoundError" || outcome.error?.ename === "PermissionError") {
        throw new ContainerConfigurationError(
          `The kernel could not open the wrapper or the execution folder (${outcome.error.ename}: ` +
            `${outcome.error.evalue}). The Jupyter Server must see the execution root at the same path (put it ` +
            "under the server's root_dir on a shared filesystem) or be given mapPathToKernel.",
          {
            configKey: "executionRoot",
            folderPath: checked.executionFolder,
            redactor: this.#redactor,
            technicalDetails: { reply: replyError.slice(-4_000) },
          },
        );
      }
    }
    return collectRunOutcome({
      executionFolder: checked.executionFolder,
      attemptFolder: checked.attemptFolder,
      attempt: request.attempt,
      wrapperPath,
      observedStdout: outcome.stdout,
      observedStderr: outcome.stderr + replyError,
      host: this.endpoint.host,
      port: this.endpoint.port,
      redactor: this.#redactor,
    });
  }

  /** Our errors carry the execution folder; foreign ones become `ContainerConnectivityError`. */
  #withFolder(error: unknown, folderPath: string): unknown {
    if (error instanceof ContainerConnectivityError) {
      return new ContainerConnectivityError(error.message, error.host, error.port, {
        cause: error.cause,
        folderPath,
        technicalDetails: { ...error.technicalDetails },
        redactor: this.#redactor,
      });
    }
    if (error instanceof PythonExecutorException) return error;
    return this.endpoint.connectivityError(
      `Running code on the Jupyter Server failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, folderPath, redactor: this.#redactor },
    );
  }
}

interface CheckedRequest {
  executionFolder: string;
  attemptFolder: string;
  kernelName: string;
}

function validateRequest(request: CodeRunRequest): CheckedRequest {
  if (typeof request.code !== "string") {
    throw new WorkflowError("CodeRunRequest.code must be a string of Python source.", "execution");
  }
  if (
    typeof request.timeoutSeconds !== "number" ||
    !(request.timeoutSeconds > 0) ||
    !Number.isFinite(request.timeoutSeconds)
  ) {
    throw new ContainerConfigurationError(
      `timeoutSeconds must be a positive number of seconds, got ${String(request.timeoutSeconds)}.`,
      { configKey: "timeoutSeconds" },
    );
  }
  if (!request.executionFolder || !request.attemptFolder) {
    throw new WorkflowError("CodeRunRequest needs executionFolder and attemptFolder.", "execution");
  }
  const kernelName = request.mode?.kernelName || DEFAULT_KERNEL_NAME;
  const environment = request.mode?.environment ?? {};
  for (const [key, value] of Object.entries(environment)) {
    if (typeof value !== "string" || key === "" || key.includes("=")) {
      throw new ContainerConfigurationError(
        `Environment variable ${JSON.stringify(key)} of mode ${request.mode.modeName} must have a non-empty name ` +
          "without '=' and a string value.",
        { configKey: `modes.${request.mode.modeName}.environment` },
      );
    }
  }
  return {
    executionFolder: absolute(request.executionFolder),
    attemptFolder: absolute(request.attemptFolder),
    kernelName,
  };
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}

function kernelKey(modeName: string, kernelName: string): string {
  return `${modeName}\u0000${kernelName}`;
}

function cancelled(
  request: CodeRunRequest,
  reason: unknown,
  started: boolean,
  stop?: { action: string; detail?: string },
): WorkflowError {
  return new WorkflowError(
    started
      ? `The run was cancelled by its AbortSignal; the kernel was ${stop?.action ?? "interrupted"}.`
      : "The run was cancelled by its AbortSignal before the code started.",
    "execution",
    {
      code: "EXECUTION_ABORTED",
      cause: reason,
      folderPath: request.executionFolder,
      technicalDetails: { aborted: true, started, ...(stop ?? {}) },
    },
  );
}

/** A throwing `onOutput` must not break the socket's message handling. */
function safeOutput(
  onOutput: CodeRunRequest["onOutput"],
): ((name: "stdout" | "stderr", text: string) => void) | undefined {
  if (onOutput === undefined) return undefined;
  return (name, text) => {
    try {
      onOutput(name, text);
    } catch {
      // The listener's problem; the output is still recorded in the attempt folder.
    }
  };
}

/** Resolves or rejects with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((done) => {
      timer = setTimeout(() => done(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return result;
}

async function sha256OfFile(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
