import { type Stats, statSync } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import {
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  type Redactor,
  WorkflowError,
} from "@execkit/errors";
import { prepareAttemptFiles } from "./attempt-files";
import { buildChildEnvironment } from "./child-environment";
import { checkPythonVersion } from "./python-version";
import { METADATA_FILE_NAME } from "./run-metadata";
import { collectRunOutcome } from "./run-outcome";
import type { CodeRunner, CodeRunOutcome, CodeRunRequest, ExecutionModeConfig } from "./types";
import { wrapperScriptPath } from "./wrapper";
import { type WrapperExit, type WrapperJob, WrapperProcess } from "./wrapper-process";

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
  /**
   * Keep one interpreter started ahead of time per environment (a "spare": Python loaded, the wrapper imported,
   * waiting for a job), so a run does not wait for Python to start; default true. Every run still gets a process
   * of its own that runs nothing else. Turn it off to start each process only when its run begins.
   */
  warmStart?: boolean;
}

const DEFAULT_GRACE_MS = 2_000;
const DEFAULT_MAX_OUTPUT_CHARS = 10 * 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** At most this many spares wait at once (one per environment; normally one per execution mode). */
const MAX_SPARES = 4;
/** How long after a run the next spare is started (see `#scheduleSpare`). */
const SPARE_START_DELAY_MS = 100;

/** Why a run was stopped from outside. */
type StopReason = "timeout" | "aborted" | "closed";

/**
 * Runs code in a local Python subprocess through the shared wrapper.
 *
 * - One process per run, in its own process group: a timeout, an abort or `close()` stops the whole group
 *   (SIGTERM, then SIGKILL after `killGracePeriodMs`), and after every run any process the code left behind is
 *   killed, so nothing outlives the run.
 * - Warm start (`warmStart`, on by default): shortly after a run, the next process for the same environment is
 *   started in the background and waits, with Python and the wrapper loaded, until a run hands it its job. It still runs
 *   exactly one job; it only skips the interpreter's start-up (most of a short run's latency). Spares are killed
 *   by `close()` and never keep Node.js alive.
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
  readonly #warmStart: boolean;
  readonly #active = new Map<WrapperProcess, { stop: (reason: StopReason) => void; exited: Promise<void> }>();
  /** Spares waiting for a job, by environment (see {@link environmentKey}). */
  readonly #spares = new Map<string, WrapperProcess>();
  /** Spares about to be started (see `#scheduleSpare`), by environment. */
  readonly #pendingSpares = new Map<string, { timer: NodeJS.Timeout; env: Record<string, string> }>();
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
    this.#warmStart = options.warmStart ?? true;
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

    const [{ codePath, wrapperPath }, wrapperStamp] = await Promise.all([
      prepareAttemptFiles({ code: request.code, attemptFolder: request.attemptFolder }),
      fileStamp(wrapperScriptPath()),
    ]);
    const finished = await this.#execute(
      {
        code_path: codePath,
        folder: request.executionFolder,
        attempt_folder: request.attemptFolder,
        read_only: !request.mode.allowsWrites,
        memory_limit_mb: this.#options.memoryLimitMb,
        max_output_chars: this.#options.maxOutputChars,
        execution_mode: request.mode.modeName,
        // The pipes are the fuller record (they also carry what native code and child processes wrote to the
        // file descriptors), so they, not the wrapper, make the attempt's stdout.txt and stderr.txt.
        output_files: false,
      },
      request,
      { copyPath: wrapperPath, stamp: wrapperStamp },
    );
    const observed = { stdout: finished.stdout, stderr: finished.stderr };
    if (finished.stopReason) {
      await saveObservedOutput(request.attemptFolder, observed);
      throw this.#stoppedError(finished.stopReason, request, observed);
    }
    // Saved even when collecting fails: a failed run's output is the first thing one looks at.
    const saving = saveObservedOutput(request.attemptFolder, observed);
    let outcome: CodeRunOutcome;
    try {
      outcome = await collectRunOutcome({
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
    } finally {
      await saving;
    }
    if (finished.truncated && !outcome.warnings.some((warning) => warning.includes("capture limit"))) {
      // Output written straight to the file descriptors can pass the limit without the wrapper noticing.
      outcome.warnings.push(
        "the output was longer than the capture limit (maxOutputChars) and was truncated",
      );
    }
    return outcome;
  }

  /**
   * Checks the interpreter and starts a spare for `mode` (when `warmStart` is on and none is waiting), then waits
   * until every spare being started is ready. Call it at start-up so even the first run skips the interpreter's
   * start-up; without it, the first spare is started after the first run. Resolves (never rejects for a spare
   * that failed to start: the next run starts its own process and reports the problem).
   *
   * @throws ContainerConnectivityError / ContainerConfigurationError from the interpreter check.
   * @throws WorkflowError when the runner was closed.
   */
  async warmUp(mode?: ExecutionModeConfig): Promise<void> {
    if (this.#closed)
      throw new WorkflowError("This LocalCodeRunner was closed; create a new one.", "execution");
    await this.pythonVersion();
    for (const [key, { timer, env }] of this.#pendingSpares) {
      clearTimeout(timer);
      this.#pendingSpares.delete(key);
      this.#replenish(key, env);
    }
    if (mode) {
      const env = this.#environment({ mode } as CodeRunRequest);
      this.#replenish(environmentKey(env), env);
    }
    await Promise.all([...this.#spares.values()].map((spare) => spare.whenReady()));
  }

  /** Stops every running process group and every spare, waits until they are gone, and refuses new runs. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#active.values()];
    for (const { stop } of running) stop("closed");
    for (const { timer } of this.#pendingSpares.values()) clearTimeout(timer);
    this.#pendingSpares.clear();
    const spares = [...this.#spares.values()];
    this.#spares.clear();
    for (const spare of spares) spare.discard();
    await Promise.all([...running.map(({ exited }) => exited), ...spares.map((spare) => spare.finished)]);
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

  /**
   * Runs one job on a spare of the run's environment when one is waiting, else on a freshly started process.
   * A spare that died before it took the job (killed from outside, say) cost nothing of the run, so the job then
   * goes to a fresh process instead of failing.
   */
  async #execute(
    job: WrapperJob,
    request: CodeRunRequest,
    wrapper: { copyPath: string; stamp: string | undefined },
  ): Promise<SpawnedRun> {
    const env = this.#environment(request);
    const key = environmentKey(env);
    const spare = this.#takeSpare(key, wrapper.stamp);
    let run: SpawnedRun | undefined;
    if (spare) {
      run = await this.#runOn(spare, job, request);
      // Re-run only when the code certainly did not start: no acknowledgement and no metadata written (the
      // wrapper writes it just before the code runs). Code with side effects must never run twice.
      const untouched =
        !run.stopReason &&
        !spare.acknowledged &&
        !(await exists(join(request.attemptFolder, METADATA_FILE_NAME)));
      if (!untouched) {
        this.#scheduleSpare(key, env);
        return run;
      }
    }
    // A process started for this run runs the attempt folder's copy itself, so what ran is what was kept.
    const fresh = WrapperProcess.start({
      python: this.#python,
      wrapperPath: wrapper.copyPath,
      env,
      cwd: request.executionFolder,
    });
    run = await this.#runOn(fresh, job, request);
    this.#scheduleSpare(key, env);
    return run;
  }

  #runOn(process: WrapperProcess, job: WrapperJob, request: CodeRunRequest): Promise<SpawnedRun> {
    const limit = this.#options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
    const run: SpawnedRun = { stdout: "", stderr: "", exit: { code: null, signal: null } };
    process.claim((stream, chunk) => {
      if (run[stream].length + chunk.length > limit) run.truncated = true;
      if (run[stream].length < limit) run[stream] += chunk.slice(0, limit - run[stream].length);
      if (request.onOutput) {
        try {
          request.onOutput(stream, chunk);
        } catch {
          // A listener's bug must not kill the run; the output is still captured.
        }
      }
    });

    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: StopReason) => {
      if (run.stopReason) return;
      run.stopReason = reason;
      process.signal("SIGTERM");
      killTimer = setTimeout(() => process.signal("SIGKILL"), this.#graceMs);
      killTimer.unref?.();
    };
    // The clock starts when the job is handed over, not when a spare was started.
    // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); such a timeout means "no timeout" anyway.
    const timeout = setTimeout(() => stop("timeout"), Math.min(request.timeoutSeconds * 1000, MAX_TIMER_MS));
    const onAbort = () => stop("aborted");
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const exited = process.finished.then(() => {});
    this.#active.set(process, { stop, exited });
    if (request.signal?.aborted) stop("aborted");
    else process.send(job);

    return process.finished.then((exit) => {
      clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      request.signal?.removeEventListener("abort", onAbort);
      this.#active.delete(process);
      if (process.startError) throw this.#startError(process.startError, this.#python);
      run.exit = exit;
      return run;
    });
  }

  /**
   * Starts the next spare a little after a run ended rather than at once: the caller is still busy with the
   * run's outcome then (the service writes notebooks and returns), and a starting interpreter would compete with
   * it for the CPU. Agents send runs seconds apart (generating code takes that long), so the spare is ready well
   * before the next run; a run that comes sooner starts its own process, as without a spare.
   */
  #scheduleSpare(key: string, env: Record<string, string>): void {
    if (this.#closed || !this.#warmStart || this.#pendingSpares.has(key)) return;
    const timer = setTimeout(() => {
      this.#pendingSpares.delete(key);
      this.#replenish(key, env);
    }, SPARE_START_DELAY_MS);
    timer.unref?.();
    this.#pendingSpares.set(key, { timer, env });
  }

  /** The waiting spare for this environment, if it can still take a job; an unusable one is discarded. */
  #takeSpare(key: string, wrapperStamp: string | undefined): WrapperProcess | undefined {
    const pending = this.#pendingSpares.get(key);
    if (pending) {
      // This run starts its own process; the spare is scheduled again once it is over.
      clearTimeout(pending.timer);
      this.#pendingSpares.delete(key);
    }
    const spare = this.#spares.get(key);
    if (!spare) return undefined;
    this.#spares.delete(key);
    // A spare loaded the packaged wrapper when it started; if that file changed since (a reinstall), the copy
    // just saved in the attempt folder would not be what runs, so the spare is not used.
    if (spare.available && wrapperStamp !== undefined && spare.wrapperStamp === wrapperStamp) return spare;
    spare.discard();
    return undefined;
  }

  /**
   * Starts a spare for an environment unless one is waiting. Spares are unreferenced: they never keep Node.js alive, and
   * their group is killed when it exits (see `trackProcessGroup`); a spare whose parent dies reads end-of-file on
   * its control pipe and exits by itself.
   */
  #replenish(key: string, env: Record<string, string>): WrapperProcess | undefined {
    if (this.#closed || !this.#warmStart) return undefined;
    const existing = this.#spares.get(key);
    if (existing?.available) return existing;
    const wrapperPath = wrapperScriptPath();
    const spare = WrapperProcess.start({
      python: this.#python,
      wrapperPath,
      env,
      // Any existing folder will do: the wrapper moves into the execution folder when it gets its job.
      cwd: dirname(wrapperPath),
      unref: true,
      wrapperStamp: fileStampSync(wrapperPath),
    });
    this.#spares.set(key, spare);
    void spare.finished.then(() => {
      if (this.#spares.get(key) === spare) this.#spares.delete(key);
    });
    // Bounded: one spare per environment, and few environments (normally the two execution modes).
    for (const [oldKey, old] of this.#spares) {
      if (this.#spares.size <= MAX_SPARES) break;
      this.#spares.delete(oldKey);
      old.discard();
    }
    return spare;
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
  exit: WrapperExit;
  stopReason?: StopReason;
  /** True when a pipe produced more than `maxOutputChars`. */
  truncated?: boolean;
}

/** Identifies a version of a file (inode, size, modification time); undefined when it cannot be read. */
function fileStamp(path: string): Promise<string | undefined> {
  return stat(path).then(stampOf, () => undefined);
}

function fileStampSync(path: string): string | undefined {
  try {
    return stampOf(statSync(path));
  } catch {
    return undefined;
  }
}

function stampOf(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Spares are matched to runs by their whole environment, so a spare never runs with another run's variables. */
function environmentKey(env: Record<string, string>): string {
  return JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
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
