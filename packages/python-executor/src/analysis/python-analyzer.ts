import { ContainerConfigurationError, PythonExecutorException, WorkflowError } from "@execkit/errors";
import { pythonAssetPath } from "../python-assets";
import { toAnalysisReport } from "./analysis-report";
import { AnalyzerProcess, describeExit } from "./analyzer-process";
import type { AnalysisReport, CodeAnalyzer, ControlSystemPatterns } from "./types";

/** Options of {@link PythonCodeAnalyzer}. */
export interface PythonCodeAnalyzerOptions {
  /** The interpreter that runs the analyzer script. Default: `EXECKIT_PYTHON`, else `python3` on PATH. */
  pythonPath?: string;
  /** Extra control-system calls to report, beyond the built-in EPICS, p4p, caproto, pvaccess and Tango ones. */
  controlSystemPatterns?: ControlSystemPatterns;
  /** Longest one analysis may take once sent; past it the process is killed and restarted. Default 10,000. */
  timeoutMs?: number;
  /** Longest the interpreter may take to start and announce itself. Default 15,000. */
  startupTimeoutMs?: number;
  /** Longest code accepted, in characters. Default 1,000,000. */
  maxCodeLength?: number;
  /** The analyzer script; defaults to the `python/analyzer.py` shipped with this package. */
  scriptPath?: string;
}

interface Job {
  id: number;
  line: string;
  /** Times a process died while working on this job. */
  crashes: number;
  settled: boolean;
  resolve(report: AnalysisReport): void;
  reject(error: unknown): void;
  detach(): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STARTUP_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_CODE_LENGTH = 1_000_000;
const STOP_GRACE_MS = 2_000;
// A snippet that crashes the interpreter twice (a C-level stack overflow, say) is reported rather than retried
// forever; once is forgiven because the death may have had nothing to do with it.
const MAX_CRASHES_PER_JOB = 2;

/**
 * The static analyzer: Python's own `ast`, in one long-lived helper process that serves every snippet.
 *
 * - The process starts on first use (or {@link PythonCodeAnalyzer.start}) and is reused; if it dies it is started
 *   again for the next snippet.
 * - Calls may overlap: they queue and run one at a time, each bounded by `timeoutMs` from the moment it is sent,
 *   so a slow snippet never eats the time of the ones behind it.
 * - `signal` cancels a call, queued or in flight; `close()` ends the process and fails whatever is still queued.
 * - An idle analyzer does not keep Node running.
 *
 * Differs from the reference: Osprey matched substrings of the raw source (`"eval(" in code`), which flagged
 * comments and `model.eval()` and missed `getattr(os, "sys" + "tem")`; this resolves names through imports,
 * aliases, assignments and constant folding.
 *
 * @example
 * ```ts
 * const analyzer = new PythonCodeAnalyzer({ pythonPath: "/usr/bin/python3" });
 * const report = await analyzer.analyze('import os as o\no.system("ls")');
 * report.findings[0]; // { rule: "process.os_system", severity: "high", line: 2, symbol: "os.system", … }
 * await analyzer.close();
 * ```
 */
export class PythonCodeAnalyzer implements CodeAnalyzer {
  private readonly pythonPath: string;
  private readonly scriptPath: string | undefined;
  private readonly timeoutMs: number;
  private readonly startupTimeoutMs: number;
  private readonly maxCodeLength: number;
  private readonly patterns: ControlSystemPatterns | undefined;

  private process: AnalyzerProcess | undefined;
  private starting: Promise<AnalyzerProcess> | undefined;
  private readonly queue: Job[] = [];
  private pumping = false;
  private closed = false;
  private nextId = 1;
  private inFlight: { job: Job; done: () => void } | undefined;

  /** @throws ContainerConfigurationError for an invalid option (it names the option). */
  constructor(options: PythonCodeAnalyzerOptions = {}) {
    this.pythonPath = nonEmptyString(options.pythonPath, "pythonPath") ?? defaultPython();
    this.scriptPath = nonEmptyString(options.scriptPath, "scriptPath");
    this.timeoutMs = positiveNumber(options.timeoutMs, "timeoutMs") ?? DEFAULT_TIMEOUT_MS;
    this.startupTimeoutMs =
      positiveNumber(options.startupTimeoutMs, "startupTimeoutMs") ?? DEFAULT_STARTUP_TIMEOUT_MS;
    this.maxCodeLength = positiveNumber(options.maxCodeLength, "maxCodeLength") ?? DEFAULT_MAX_CODE_LENGTH;
    this.patterns = validatePatterns(options.controlSystemPatterns);
  }

  /** The process id of the running analyzer, if one is running (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.process?.alive ? this.process.pid : undefined;
  }

  /**
   * Starts the helper process now instead of on the first {@link PythonCodeAnalyzer.analyze}, so a bad
   * interpreter is reported at startup.
   *
   * @throws ContainerConfigurationError when the interpreter is missing or too old.
   */
  async start(): Promise<void> {
    this.assertOpen();
    await this.ensureProcess();
  }

  /**
   * Analyzes one snippet.
   *
   * @throws WorkflowError when the analyzer cannot give an answer (timeout, crash, closed, aborted: `code`
   *   `ABORTED` then), or when `code` is not a string or is longer than `maxCodeLength`.
   * @throws ContainerConfigurationError when the interpreter cannot be started.
   */
  analyze(code: string, options: { signal?: AbortSignal } = {}): Promise<AnalysisReport> {
    const signal = options.signal;
    try {
      this.assertOpen();
      if (typeof code !== "string") {
        throw new WorkflowError(
          `analyze() needs the code as a string; it got ${describeType(code)}.`,
          "analysis",
        );
      }
      if (code.length > this.maxCodeLength) {
        throw new WorkflowError(
          `The code is ${code.length} characters long; the analyzer accepts at most ${this.maxCodeLength} ` +
            "(maxCodeLength).",
          "analysis",
        );
      }
      if (signal?.aborted) throw abortError(signal);
    } catch (error) {
      return Promise.reject(error);
    }

    return new Promise<AnalysisReport>((resolve, reject) => {
      const id = this.nextId++;
      const request: Record<string, unknown> = { id, code };
      if (this.patterns !== undefined) request.patterns = this.patterns;
      const onAbort = (): void => {
        // A queued job is dropped; an in-flight one is answered by the process later and ignored.
        job.reject(abortError(signal!));
        const index = this.queue.indexOf(job);
        if (index >= 0) this.queue.splice(index, 1);
      };
      const job: Job = {
        id,
        line: JSON.stringify(request),
        crashes: 0,
        settled: false,
        resolve: (report) => {
          if (job.settled) return;
          job.settled = true;
          job.detach();
          resolve(report);
        },
        reject: (error) => {
          if (job.settled) return;
          job.settled = true;
          job.detach();
          reject(error);
        },
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(job);
      void this.pump();
    });
  }

  /** Fails queued calls, ends the helper process and waits for it. Later calls fail; calling it again is safe. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = (): WorkflowError =>
      new WorkflowError("The static analyzer was closed before this code was analyzed.", "analysis");
    for (const job of this.queue.splice(0)) job.reject(closedError());
    this.inFlight?.job.reject(closedError());
    this.inFlight?.done();
    const running = this.process ?? (await this.starting?.catch(() => undefined));
    this.process = undefined;
    await running?.stop(STOP_GRACE_MS);
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new WorkflowError("The static analyzer is closed; create a new PythonCodeAnalyzer.", "analysis");
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let referenced: AnalyzerProcess | undefined;
    try {
      while (!this.closed && this.queue.length > 0) {
        const job = this.queue.shift()!;
        if (job.settled) continue;
        let helper: AnalyzerProcess;
        try {
          // The fast path skips an await: one snippet is a few hundred microseconds, so microtask hops show.
          helper = this.process?.alive ? this.process : await this.ensureProcess();
        } catch (error) {
          job.reject(error);
          continue;
        }
        if (job.settled) continue;
        if (referenced !== helper) {
          // Keep Node alive while work is queued, and only then.
          referenced?.unref();
          helper.ref();
          referenced = helper;
        }
        await this.runJob(helper, job);
      }
    } finally {
      referenced?.unref();
      this.pumping = false;
    }
  }

  private ensureProcess(): Promise<AnalyzerProcess> {
    if (this.process?.alive) return Promise.resolve(this.process);
    if (this.starting === undefined) {
      const scriptPath = this.scriptPath ?? pythonAssetPath("analyzer.py");
      this.starting = AnalyzerProcess.start({
        pythonPath: this.pythonPath,
        scriptPath,
        startupTimeoutMs: this.startupTimeoutMs,
      }).then(
        (helper) => {
          this.starting = undefined;
          if (this.closed) {
            void helper.stop(STOP_GRACE_MS);
            throw new WorkflowError("The static analyzer was closed while it started.", "analysis");
          }
          helper.unref();
          this.process = helper;
          return helper;
        },
        (error: unknown) => {
          this.starting = undefined;
          throw error;
        },
      );
    }
    return this.starting;
  }

  /** Sends one job and waits until the process answered it, timed out or died. */
  private runJob(helper: AnalyzerProcess, job: Job): Promise<void> {
    return new Promise<void>((finish) => {
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        helper.onMessage = () => {};
        helper.onExit = () => {};
        this.inFlight = undefined;
        finish();
      };
      const timer = setTimeout(() => {
        // A snippet that takes this long is pathological; only a fresh process is sure to be free again.
        helper.kill();
        job.reject(
          new WorkflowError(
            `Static analysis took longer than ${this.timeoutMs} ms and was stopped; the analyzer was restarted. ` +
              "Simplify the code or raise the analyzer timeoutMs.",
            "analysis",
            { technicalDetails: { timeoutMs: this.timeoutMs } },
          ),
        );
        done();
      }, this.timeoutMs);

      helper.onMessage = (message) => {
        const record = (typeof message === "object" && message !== null ? message : {}) as Record<
          string,
          unknown
        >;
        if (record.id !== job.id && record.id !== null) return; // an answer to an abandoned earlier request
        if (record.ok === true) {
          try {
            job.resolve(toAnalysisReport(record.result));
          } catch (error) {
            job.reject(error);
          }
        } else {
          job.reject(
            new WorkflowError(
              `The static analyzer failed on this code: ${String(record.error ?? "no reason given")}.`,
              "analysis",
            ),
          );
        }
        done();
      };
      helper.onExit = (exit) => {
        job.crashes += 1;
        if (job.crashes < MAX_CRASHES_PER_JOB && !this.closed) {
          this.queue.unshift(job);
        } else {
          job.reject(
            new WorkflowError(
              `The static analyzer process ended while analyzing this code (${describeExit(exit)}), ` +
                `${job.crashes} times. ${exit.stderr ? `Its stderr: ${exit.stderr.trim().slice(-1_000)}` : ""}`.trim(),
              "analysis",
              { technicalDetails: { exitCode: exit.code, signal: exit.signal, stderr: exit.stderr } },
            ),
          );
        }
        done();
      };

      this.inFlight = { job, done };
      helper.send(job.line);
    });
  }
}

function defaultPython(): string {
  const fromEnv = process.env.EXECKIT_PYTHON;
  return fromEnv !== undefined && fromEnv.trim() !== "" ? fromEnv : "python3";
}

function abortError(signal: AbortSignal): WorkflowError {
  return new WorkflowError("Static analysis was aborted by its AbortSignal.", "analysis", {
    code: "ABORTED",
    cause: signal.reason,
  });
}

function nonEmptyString(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new ContainerConfigurationError(`Analyzer option ${option} must be a non-empty string.`, {
      configKey: option,
    });
  }
  return value;
}

function positiveNumber(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ContainerConfigurationError(
      `Analyzer option ${option} must be a positive number; got ${String(value)}.`,
      {
        configKey: option,
      },
    );
  }
  return value;
}

function validatePatterns(patterns: ControlSystemPatterns | undefined): ControlSystemPatterns | undefined {
  if (patterns === undefined) return undefined;
  if (typeof patterns !== "object" || patterns === null || Array.isArray(patterns)) {
    throw new ContainerConfigurationError(
      "controlSystemPatterns must be an object { reads?: string[], writes?: string[] }.",
      {
        configKey: "controlSystemPatterns",
      },
    );
  }
  const out: ControlSystemPatterns = {};
  for (const key of ["reads", "writes"] as const) {
    const list = patterns[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      throw new ContainerConfigurationError(`controlSystemPatterns.${key} must be an array of strings.`, {
        configKey: `controlSystemPatterns.${key}`,
      });
    }
    list.forEach((pattern, index) => {
      if (typeof pattern !== "string" || !/^\.?[A-Za-z_*?[][\w.*?[\]()]*$/.test(pattern.trim())) {
        throw new ContainerConfigurationError(
          `controlSystemPatterns.${key}[${index}] is ${JSON.stringify(pattern)}; use a dotted name such as ` +
            '"mylib.write_pv" or "mylib.Device.set", or a method name such as ".write_channel" (* and ? match ' +
            "any characters).",
          { configKey: `controlSystemPatterns.${key}[${index}]` },
        );
      }
    });
    out[key] = list.map((pattern) => pattern.trim());
  }
  const unknownKeys = Object.keys(patterns).filter((key) => key !== "reads" && key !== "writes");
  if (unknownKeys.length > 0) {
    throw new ContainerConfigurationError(
      `controlSystemPatterns has unknown keys ${unknownKeys.join(", ")}; only reads and writes are accepted.`,
      { configKey: "controlSystemPatterns" },
    );
  }
  return out.reads?.length || out.writes?.length ? out : undefined;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** True for the errors {@link PythonCodeAnalyzer.analyze} throws when a call was aborted. */
export function isAnalysisAborted(error: unknown): boolean {
  return PythonExecutorException.isInstance(error) && (error as PythonExecutorException).code === "ABORTED";
}
