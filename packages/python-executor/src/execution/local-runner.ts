import { type ChildProcess, spawn } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import {
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  type Redactor,
  WorkflowError,
} from "@execkit/errors";
import { prepareAttemptFiles } from "./attempt-files";
import { buildChildEnvironment } from "./child-environment";
import { signalProcessGroup, trackProcessGroup, untrackProcessGroup } from "./process-group";
import { checkPythonVersion } from "./python-version";
import { collectRunOutcome } from "./run-outcome";
import type { CodeRunner, CodeRunOutcome, CodeRunRequest } from "./types";
import { wrapperCommandLine } from "./wrapper";

/** Options of {@link LocalCodeRunner}. */
export interface LocalCodeRunnerOptions {
  /** The interpreter to run; default `python3` on `PATH`. Checked once to be Python >= 3.9. */
  pythonPath?: string;
  /** Address-space cap for the code, in MiB (`RLIMIT_AS`); none by default. */
  memoryLimitMb?: number;
  /** How long a stopped run gets between SIGTERM and SIGKILL; default 2000 ms. */
  killGracePeriodMs?: number;
  /** How many characters of stdout and of stderr are kept in memory (all of it is still streamed); default 10 Mi. */
  maxOutputChars?: number;
  /** Variables set for every run, before the mode's own `environment`. Never put credentials here. */
  environment?: Record<string, string>;
  /** Extra host variable names to pass through, beyond the built-in allowlist. */
  inheritEnvironment?: readonly string[];
  /** The host environment to pick allowlisted variables from; default `process.env`. */
  parentEnvironment?: NodeJS.ProcessEnv;
  /** Applied to every error message this runner builds. */
  redactor?: Redactor;
}

const DEFAULT_GRACE_MS = 2_000;
const DEFAULT_MAX_OUTPUT_CHARS = 10 * 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long to wait for the pipes to close once the process group is gone. */
const PIPE_DRAIN_MS = 2_000;

/** Why a run was stopped from outside. */
type StopReason = "timeout" | "aborted" | "closed";

/**
 * Runs code in a local Python subprocess through the shared wrapper.
 *
 * - One process per run, in its own process group: a timeout, an abort or `close()` stops the whole group
 *   (SIGTERM, then SIGKILL after `killGracePeriodMs`), and after every run any process the code left behind is
 *   killed, so nothing outlives the run.
 * - The child's environment is an allowlist (see `buildChildEnvironment`), plus the mode's `environment`.
 * - Runs in a mode without `allowsWrites` get the wrapper's read-only guard.
 * - The code and the wrapper are saved in the attempt folder; stdout and stderr stream through `onOutput`.
 *
 * Differs from the reference: it blocked the event loop in `subprocess.run`, inherited the host environment,
 * ignored the execution mode and kept no copy of what ran.
 *
 * @example
 * ```ts
 * const runner = new LocalCodeRunner({ pythonPath: "/usr/bin/python3" });
 * const outcome = await runner.run({ code: "results = {'x': 1}", executionFolder, attemptFolder, attempt: 1,
 *   mode: readOnlyMode, timeoutSeconds: 60 });
 * ```
 */
export class LocalCodeRunner implements CodeRunner {
  readonly #python: string;
  readonly #options: LocalCodeRunnerOptions;
  readonly #graceMs: number;
  readonly #active = new Map<ChildProcess, { stop: (reason: StopReason) => void; exited: Promise<void> }>();
  #version?: Promise<string>;
  #closed = false;

  /** @throws ContainerConfigurationError for an invalid option (named in `configKey`). */
  constructor(options: LocalCodeRunnerOptions = {}) {
    const python = options.pythonPath ?? "python3";
    if (typeof python !== "string" || python.trim() === "") {
      throw new ContainerConfigurationError("pythonPath must be a non-empty path or command name.", {
        configKey: "pythonPath",
      });
    }
    if (options.memoryLimitMb !== undefined) positiveNumber(options.memoryLimitMb, "memoryLimitMb");
    if (options.killGracePeriodMs !== undefined)
      positiveNumber(options.killGracePeriodMs, "killGracePeriodMs");
    if (options.maxOutputChars !== undefined) positiveNumber(options.maxOutputChars, "maxOutputChars");
    this.#python = python;
    this.#options = options;
    this.#graceMs = options.killGracePeriodMs ?? DEFAULT_GRACE_MS;
  }

  /** The interpreter this runner starts. */
  get pythonPath(): string {
    return this.#python;
  }

  /**
   * The interpreter's version, checked once per runner (a failed check is retried on the next call).
   *
   * @throws ContainerConnectivityError the interpreter cannot be started.
   * @throws ContainerConfigurationError it is older than Python 3.9.
   */
  pythonVersion(): Promise<string> {
    if (!this.#version) {
      // No caller's AbortSignal here: the check is shared by concurrent runs, and one caller's abort must not
      // fail the others. It is bounded by its own timeout.
      const check = checkPythonVersion(this.#python, { env: this.#environment(undefined) });
      this.#version = check;
      check.catch(() => {
        if (this.#version === check) this.#version = undefined;
      });
    }
    return this.#version;
  }

  /**
   * Runs one piece of code. See {@link CodeRunner.run} for the errors; besides those, an aborted `signal` ends
   * the run with a `WorkflowError` whose code is `EXECUTION_ABORTED`.
   */
  async run(request: CodeRunRequest): Promise<CodeRunOutcome> {
    validateRequest(request);
    if (this.#closed)
      throw new WorkflowError("This LocalCodeRunner was closed; create a new one.", "execution");
    throwIfAborted(request);
    await this.pythonVersion();
    throwIfAborted(request);
    // Checked here because a missing working directory would otherwise surface as the spawn's ENOENT, which reads
    // like a missing interpreter.
    const folderInfo = await stat(request.executionFolder).catch(() => undefined);
    if (!folderInfo?.isDirectory()) {
      throw new ContainerConfigurationError(
        `executionFolder ${request.executionFolder} does not exist; create it with createExecutionFolder() first.`,
        { configKey: "executionFolder" },
      );
    }

    const { codePath, wrapperPath } = await prepareAttemptFiles({
      code: request.code,
      attemptFolder: request.attemptFolder,
    });
    const { command, args } = wrapperCommandLine(this.#python, wrapperPath, {
      codePath,
      executionFolder: request.executionFolder,
      attemptFolder: request.attemptFolder,
      readOnly: !request.mode.allowsWrites,
      memoryLimitMb: this.#options.memoryLimitMb,
      maxOutputChars: this.#options.maxOutputChars,
      executionMode: request.mode.modeName,
      outputFiles: false,
    });
    const finished = await this.#spawn(command, args, request);
    const observed = { stdout: finished.stdout, stderr: finished.stderr };
    // The pipes are the fuller record (they also carry what native code and child processes wrote to the file
    // descriptors), so they, not the wrapper, make the attempt's stdout.txt and stderr.txt.
    await saveObservedOutput(request.attemptFolder, observed);

    if (finished.stopReason) throw this.#stoppedError(finished.stopReason, request, observed);
    const outcome = await collectRunOutcome({
      executionFolder: request.executionFolder,
      attemptFolder: request.attemptFolder,
      attempt: request.attempt,
      wrapperPath,
      observedStdout: observed.stdout,
      observedStderr: observed.stderr,
      preferObservedOutput: true,
      exit: finished.exit,
      redactor: this.#options.redactor,
    });
    if (finished.truncated && !outcome.warnings.some((warning) => warning.includes("capture limit"))) {
      // Output written straight to the file descriptors can pass the limit without the wrapper noticing.
      outcome.warnings.push(
        "the output was longer than the capture limit (maxOutputChars) and was truncated",
      );
    }
    return outcome;
  }

  /** Stops every running process group, waits until they are gone, and refuses new runs. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#active.values()];
    for (const { stop } of running) stop("closed");
    await Promise.all(running.map(({ exited }) => exited));
  }

  #environment(request: CodeRunRequest | undefined): Record<string, string> {
    return buildChildEnvironment({
      parent: this.#options.parentEnvironment ?? process.env,
      modeEnvironment: request?.mode.environment,
      modeName: request?.mode.modeName,
      inherit: this.#options.inheritEnvironment,
      extra: this.#options.environment,
    });
  }

  #spawn(command: string, args: string[], request: CodeRunRequest): Promise<SpawnedRun> {
    const limit = this.#options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
    return new Promise((resolvePromise, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(command, args, {
          cwd: request.executionFolder,
          env: this.#environment(request),
          // Its own process group, so one signal reaches every process the code starts.
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
          windowsHide: true,
        });
      } catch (error) {
        reject(this.#startError(error, command));
        return;
      }
      const run: SpawnedRun = { stdout: "", stderr: "", exit: { code: null, signal: null } };
      const capture = (stream: "stdout" | "stderr") => (chunk: string) => {
        if (run[stream].length + chunk.length > limit) run.truncated = true;
        if (run[stream].length < limit) run[stream] += chunk.slice(0, limit - run[stream].length);
        if (request.onOutput) {
          try {
            request.onOutput(stream, chunk);
          } catch {
            // A listener's bug must not kill the run; the output is still captured.
          }
        }
      };
      child.stdout?.setEncoding("utf8").on("data", capture("stdout"));
      child.stderr?.setEncoding("utf8").on("data", capture("stderr"));

      let killTimer: NodeJS.Timeout | undefined;
      const stop = (reason: StopReason) => {
        if (run.stopReason) return;
        run.stopReason = reason;
        signalProcessGroup(child, "SIGTERM");
        killTimer = setTimeout(() => signalProcessGroup(child, "SIGKILL"), this.#graceMs);
        killTimer.unref?.();
      };
      // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); such a timeout means "no timeout" anyway.
      const timeout = setTimeout(
        () => stop("timeout"),
        Math.min(request.timeoutSeconds * 1000, MAX_TIMER_MS),
      );
      const onAbort = () => stop("aborted");
      request.signal?.addEventListener("abort", onAbort, { once: true });
      let markExited: () => void = () => {};
      const exited = new Promise<void>((done) => {
        markExited = done;
      });
      this.#active.set(child, { stop, exited });

      let spawned = false;
      child.once("spawn", () => {
        spawned = true;
        if (child.pid !== undefined) trackProcessGroup(child.pid);
      });
      child.once("error", (error) => {
        if (spawned) return; // a failed kill() after start; the exit event still comes
        cleanup();
        markExited();
        reject(this.#startError(error, command));
      });
      child.once("exit", (code, signal) => {
        run.exit = { code, signal };
        // Whatever the code left running in its group (a daemon, a background shell) goes with it.
        signalProcessGroup(child, "SIGKILL");
        if (child.pid !== undefined) untrackProcessGroup(child.pid);
        cleanup();
        markExited();
        const drained = Promise.all(
          [child.stdout, child.stderr].map(
            (stream) =>
              new Promise<void>((done) => {
                if (!stream || stream.readableEnded || stream.destroyed) return done();
                stream.once("close", () => done());
                stream.once("end", () => done());
              }),
          ),
        );
        let drainTimer: NodeJS.Timeout | undefined;
        const bounded = new Promise<void>((done) => {
          drainTimer = setTimeout(done, PIPE_DRAIN_MS);
        });
        void Promise.race([drained, bounded]).then(() => {
          clearTimeout(drainTimer);
          resolvePromise(run);
        });
      });

      const cleanup = () => {
        clearTimeout(timeout);
        if (killTimer) clearTimeout(killTimer);
        request.signal?.removeEventListener("abort", onAbort);
        this.#active.delete(child);
      };
    });
  }

  #startError(error: unknown, command: string): ContainerConnectivityError {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return new ContainerConnectivityError(
      `The Python interpreter "${command}" could not be started (${code}). Check pythonPath.`,
      "localhost",
      0,
      { cause: error, redactor: this.#options.redactor },
    );
  }

  #stoppedError(
    reason: StopReason,
    request: CodeRunRequest,
    observed: { stdout: string; stderr: string },
  ): Error {
    const technicalDetails = {
      stdout: observed.stdout.slice(-20_000),
      stderr: observed.stderr.slice(-20_000),
      attempt: request.attempt,
    };
    const common = {
      folderPath: request.executionFolder,
      technicalDetails,
      redactor: this.#options.redactor,
    };
    if (reason === "timeout") {
      return new ExecutionTimeoutError(
        request.timeoutSeconds,
        `Python code execution timeout after ${request.timeoutSeconds} seconds; the process and everything it ` +
          "started were stopped. Make the code faster or raise timeoutSeconds.",
        common,
      );
    }
    if (reason === "aborted") {
      return new WorkflowError(
        "Python execution was aborted by the caller; the process was stopped.",
        "execution",
        {
          ...common,
          code: "EXECUTION_ABORTED",
          cause: request.signal?.reason,
        },
      );
    }
    return new WorkflowError(
      "The LocalCodeRunner was closed while the code ran; the process was stopped.",
      "execution",
      {
        ...common,
        code: "RUNNER_CLOSED",
      },
    );
  }
}

/** What one child process did. */
interface SpawnedRun {
  stdout: string;
  stderr: string;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stopReason?: StopReason;
  /** True when a pipe produced more than `maxOutputChars`. */
  truncated?: boolean;
}

function throwIfAborted(request: CodeRunRequest): void {
  if (request.signal?.aborted) {
    throw new WorkflowError("Python execution was aborted by the caller before it started.", "execution", {
      code: "EXECUTION_ABORTED",
      cause: request.signal.reason,
    });
  }
}

/** Writes what the pipes carried to the attempt's stdout.txt and stderr.txt. */
async function saveObservedOutput(
  attemptFolder: string,
  observed: { stdout: string; stderr: string },
): Promise<void> {
  await Promise.all(
    (["stdout", "stderr"] as const).map((stream) =>
      writeFile(join(attemptFolder, `${stream}.txt`), observed[stream], "utf8").catch(() => {}),
    ),
  );
}

function positiveNumber(value: unknown, key: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ContainerConfigurationError(`${key} must be a positive number, got ${String(value)}.`, {
      configKey: key,
    });
  }
}

function validateRequest(request: CodeRunRequest): void {
  if (typeof request.code !== "string") {
    throw new ContainerConfigurationError("code must be a string of Python source.", { configKey: "code" });
  }
  for (const key of ["executionFolder", "attemptFolder"] as const) {
    const value = request[key];
    if (typeof value !== "string" || !isAbsolute(value)) {
      throw new ContainerConfigurationError(
        `${key} must be an absolute path, got ${JSON.stringify(value)}.`,
        {
          configKey: key,
        },
      );
    }
  }
  positiveNumber(request.timeoutSeconds, "timeoutSeconds");
  if (!Number.isInteger(request.attempt) || request.attempt < 1) {
    throw new ContainerConfigurationError(
      `attempt must be a positive integer, got ${String(request.attempt)}.`,
      {
        configKey: "attempt",
      },
    );
  }
  if (!request.mode || typeof request.mode.allowsWrites !== "boolean") {
    throw new ContainerConfigurationError("mode must be an ExecutionModeConfig with allowsWrites set.", {
      configKey: "mode",
    });
  }
}
