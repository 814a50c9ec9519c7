import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { ContainerConfigurationError } from "@execkit/errors";

/** The oldest Python whose `ast` the analyzer script supports. */
export const MIN_ANALYZER_PYTHON: readonly [number, number] = [3, 8];
/** The line protocol version the analyzer script speaks; bumped on any incompatible change. */
export const ANALYZER_PROTOCOL = 1;
const STDERR_TAIL_CHARS = 4_000;

/** How to start the analyzer script. */
export interface AnalyzerProcessOptions {
  pythonPath: string;
  scriptPath: string;
  startupTimeoutMs: number;
}

/** How the process ended. */
export interface AnalyzerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few thousand characters the script wrote to stderr. */
  stderr: string;
}

/**
 * One running analyzer script: it spawns the interpreter, waits for the handshake line, then passes request
 * lines in and response objects out. It knows nothing about queues or timeouts; {@link PythonCodeAnalyzer}
 * owns those.
 */
export class AnalyzerProcess {
  /** The interpreter's version, from the handshake. */
  readonly pythonVersion: readonly number[];
  /** Called with every parsed response line after the handshake. */
  onMessage: (message: unknown) => void = () => {};
  /** Called once when the process has ended, for whatever reason. */
  onExit: (exit: AnalyzerExit) => void = () => {};

  private exitInfo: AnalyzerExit | undefined;
  private killed = false;
  private readonly exited: Promise<AnalyzerExit>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly stderrTail: () => string,
    exited: Promise<AnalyzerExit>,
    pythonVersion: readonly number[],
  ) {
    this.exited = exited;
    this.pythonVersion = pythonVersion;
    exited.then((exit) => {
      this.exitInfo = exit;
      this.onExit(exit);
    });
  }

  /** The operating-system process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** False once the process has ended or been killed. */
  get alive(): boolean {
    return (
      !this.killed &&
      this.exitInfo === undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  /** The last few thousand characters of stderr. */
  get stderr(): string {
    return this.stderrTail();
  }

  /**
   * Spawns the script and resolves once it has announced itself.
   *
   * @throws ContainerConfigurationError when the interpreter is missing, is too old, or the script fails to start.
   */
  static start(options: AnalyzerProcessOptions): Promise<AnalyzerProcess> {
    return new Promise((resolve, reject) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        // -I: ignore PYTHON* variables and the user site, so the host's setup cannot change what the analyzer
        // imports; -B: write no bytecode beside the shipped script; -X utf8: JSON in and out is UTF-8.
        child = spawn(options.pythonPath, ["-I", "-B", "-X", "utf8", options.scriptPath], {
          stdio: ["pipe", "pipe", "pipe"],
          env: analyzerEnvironment(),
          windowsHide: true,
        });
      } catch (error) {
        reject(interpreterError(options.pythonPath, error));
        return;
      }

      let stderr = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
      });

      let instance: AnalyzerProcess | undefined;
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(error);
      };

      const exited = new Promise<AnalyzerExit>((resolveExit) => {
        child.once("close", (code, signal) => resolveExit({ code, signal, stderr }));
      });
      exited.then((exit) => {
        if (!settled) {
          fail(
            new ContainerConfigurationError(
              `The static analyzer (${options.pythonPath} ${options.scriptPath}) exited before it started ` +
                `(${describeExit(exit)}). Check that pythonPath points at Python ${MIN_ANALYZER_PYTHON.join(".")} or ` +
                `later.${exit.stderr ? ` Its stderr: ${exit.stderr.trim()}` : ""}`,
              { configKey: "pythonPath", technicalDetails: { stderr: exit.stderr, exitCode: exit.code } },
            ),
          );
        }
      });
      child.once("error", (error) => fail(interpreterError(options.pythonPath, error)));
      child.stdin.on("error", () => {
        // A write to a process that just died; the close handler reports it.
      });

      const timer = setTimeout(() => {
        fail(
          new ContainerConfigurationError(
            `The static analyzer did not start within ${options.startupTimeoutMs} ms (${options.pythonPath}). ` +
              "Check the interpreter, or raise analyzer startupTimeoutMs on a slow machine.",
            { configKey: "pythonPath", technicalDetails: { stderr } },
          ),
        );
      }, options.startupTimeoutMs);

      const decoder = new StringDecoder("utf8");
      let buffer = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += decoder.write(chunk);
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf("\n");
          if (line.trim() === "") continue;
          let message: unknown;
          try {
            message = JSON.parse(line);
          } catch {
            message = { ok: false, id: null, error: `unparsable output line: ${line.slice(0, 200)}` };
          }
          if (instance !== undefined) {
            instance.onMessage(message);
            continue;
          }
          const version = handshakeVersion(message);
          if (version === undefined) {
            fail(
              new ContainerConfigurationError(
                `The static analyzer did not answer with its handshake (got ${line.slice(0, 200)}). The analyzer ` +
                  "script and @execkit/python-executor are out of step; reinstall the package.",
                { configKey: "pythonPath" },
              ),
            );
            return;
          }
          if (compareVersions(version, MIN_ANALYZER_PYTHON) < 0) {
            fail(
              new ContainerConfigurationError(
                `pythonPath ${options.pythonPath} is Python ${version.join(".")}; the static analyzer needs ` +
                  `Python ${MIN_ANALYZER_PYTHON.join(".")} or later.`,
                { configKey: "pythonPath" },
              ),
            );
            return;
          }
          settled = true;
          clearTimeout(timer);
          instance = new AnalyzerProcess(child, () => stderr, exited, version);
          resolve(instance);
        }
      });
    });
  }

  /** Writes one request line. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Lets Node exit while the analyzer idles: an unused analyzer must never keep a program alive. */
  unref(): void {
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
  }

  /** Keeps Node alive while a request is in flight. */
  ref(): void {
    this.child.ref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) {
      (stream as unknown as { ref?: () => void }).ref?.();
    }
  }

  /** Ends the process at once. */
  kill(): void {
    if (!this.alive) return;
    this.killed = true;
    this.child.kill("SIGKILL");
  }

  /** Closes stdin so the script ends its loop; kills it if it has not ended within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.alive) {
      await this.exited;
      return;
    }
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.kill();
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited.then(() => undefined), killed]);
    clearTimeout(timer);
    await this.exited;
  }
}

/** Only what an interpreter needs to start: the analyzer reads no settings and must see no credentials. */
function analyzerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
  for (const key of ["PATH", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP"]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function interpreterError(pythonPath: string, error: unknown): ContainerConfigurationError {
  const code = (error as { code?: unknown })?.code;
  const reason =
    code === "ENOENT"
      ? "was not found"
      : code === "EACCES"
        ? "is not executable"
        : `could not be started (${String((error as Error)?.message ?? error)})`;
  return new ContainerConfigurationError(
    `The Python interpreter ${JSON.stringify(pythonPath)} for the static analyzer ${reason}. Set pythonPath to ` +
      `a Python ${MIN_ANALYZER_PYTHON.join(".")}+ interpreter (or EXECKIT_PYTHON).`,
    { configKey: "pythonPath", cause: error },
  );
}

function handshakeVersion(message: unknown): number[] | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const record = message as Record<string, unknown>;
  if (record.ready !== true || record.protocol !== ANALYZER_PROTOCOL || !Array.isArray(record.python)) {
    return undefined;
  }
  return record.python.every((part) => typeof part === "number") ? (record.python as number[]) : undefined;
}

function compareVersions(left: readonly number[], right: readonly number[]): number {
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** `exit code 1` or `signal SIGKILL`, for messages. */
export function describeExit(exit: Pick<AnalyzerExit, "code" | "signal">): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
