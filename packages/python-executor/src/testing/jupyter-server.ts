/**
 * A real Jupyter Server on loopback, for tests and the demo. It is started with a random token, its own runtime
 * and config folders (so a developer's `~/.jupyter` settings cannot change what the tests see), and it is always
 * stopped with its kernels.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { delay } from "@execkit/core";
import { ContainerConfigurationError, ContainerConnectivityError, Redactor } from "@execkit/errors";
import { request } from "undici";
import { childProcesses } from "./process-table";

/** Options of {@link startJupyterServer}. */
export interface StartJupyterServerOptions {
  /** The interpreter that has `jupyter_server` and `ipykernel`. Default: `EXECKIT_PYTHON` or `/usr/bin/python3`. */
  pythonPath?: string;
  /** The server's `root_dir`: execution folders must live under it. Created if missing. */
  rootDir: string;
  /** How long to wait for `/api` to answer. Default 60 000 ms (a cold start on a busy machine takes seconds). */
  startTimeoutMs?: number;
  /** Extra environment variables for the server and its kernels. The host environment is not passed on. */
  env?: Record<string, string>;
  /**
   * A fixed port on 127.0.0.1 instead of a free one, e.g. to start a replacement server where a stopped one was,
   * so a client's configured base URL works again. A port already in use is an error, not a reason to pick another.
   */
  port?: number;
  /**
   * A fixed token instead of a random one (at least 16 of `A-Z a-z 0-9 _ -`, so it cannot be read as an option
   * value of another shape), e.g. to let a client keep its credentials across a server restart.
   */
  token?: string;
}

/** A running Jupyter Server; call {@link RunningJupyterServer.stop} when done. */
export interface RunningJupyterServer {
  /** `http://127.0.0.1:<port>/` */
  baseUrl: string;
  /** The random token the server requires (`Authorization: token …`). */
  token: string;
  /** Absolute path of the server's `root_dir`. */
  rootDir: string;
  /** The server's process id (also its process group id). */
  pid: number;
  /** Stops the server and every kernel it started, and waits until they are gone. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_PYTHON = "/usr/bin/python3";
const STOP_GRACE_MS = 10_000;

/** The interpreter tests use: `EXECKIT_PYTHON`, else `/usr/bin/python3`. */
export function defaultTestPython(): string {
  return process.env.EXECKIT_PYTHON ?? DEFAULT_PYTHON;
}

/**
 * True when `pythonPath` can import `jupyter_server` and `ipykernel`, so Jupyter tests can run. Never throws.
 *
 * @example
 * ```ts
 * const available = await isJupyterAvailable();
 * describe.skipIf(!available)("jupyter", () => { … });
 * ```
 */
export function isJupyterAvailable(pythonPath: string = defaultTestPython()): Promise<boolean> {
  return new Promise((done) => {
    execFile(pythonPath, ["-c", "import jupyter_server, ipykernel"], { timeout: 30_000 }, (error) =>
      done(error === null),
    );
  });
}

/**
 * Starts `python -m jupyter_server` on 127.0.0.1 with a free port and a random token (or the `port` and `token`
 * given), and resolves once `/api` answers. Runs as root get `--allow-root`. Rejects with
 * `ContainerConfigurationError` for a bad `port` or `token`, or when the interpreter or `jupyter_server` is
 * missing, and `ContainerConnectivityError` when the server does not answer in time or a fixed `port` is taken;
 * the process is stopped in every case.
 */
export async function startJupyterServer(options: StartJupyterServerOptions): Promise<RunningJupyterServer> {
  const pythonPath = options.pythonPath ?? defaultTestPython();
  const rootDir = resolve(options.rootDir);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const fixed = checkFixedOptions(options);
  await mkdir(rootDir, { recursive: true });
  if (fixed.port !== undefined) {
    try {
      return await startOnce(pythonPath, rootDir, startTimeoutMs, options.env ?? {}, fixed);
    } catch (error) {
      if (!(error instanceof PortTakenSignal)) throw error;
      throw new ContainerConnectivityError(
        `Port ${fixed.port} on 127.0.0.1 is already in use; stop what listens there before starting Jupyter Server on it.`,
        "127.0.0.1",
        fixed.port,
        { cause: error },
      );
    }
  }
  // A port taken between our probe and the server's bind makes it exit at once (port_retries=0); try again.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(pythonPath, rootDir, startTimeoutMs, options.env ?? {}, fixed);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenSignal)) throw error;
    }
  }
  throw new ContainerConnectivityError(
    "Jupyter Server could not bind a free port on 127.0.0.1 after 3 attempts; check what is listening locally.",
    "127.0.0.1",
    0,
    { cause: lastError },
  );
}

/** Raised internally when the server died because its port was taken. */
class PortTakenSignal extends Error {}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,}$/;

/** Validates `port` and `token` up front, so a bad value is named instead of surfacing as a start-up failure. */
function checkFixedOptions(options: StartJupyterServerOptions): { port?: number; token?: string } {
  const { port, token } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535)) {
    throw new ContainerConfigurationError(
      `port must be an integer from 1 to 65535, got ${String(port)}; omit it to use a free port.`,
      { configKey: "port" },
    );
  }
  // The value itself is never quoted: it is a credential.
  if (token !== undefined && !(typeof token === "string" && TOKEN_PATTERN.test(token))) {
    throw new ContainerConfigurationError(
      "token must be at least 16 characters of A-Z, a-z, 0-9, '_' or '-'; omit it to use a random token.",
      { configKey: "token" },
    );
  }
  return { port, token };
}

async function startOnce(
  pythonPath: string,
  rootDir: string,
  startTimeoutMs: number,
  extraEnv: Record<string, string>,
  fixed: { port?: number; token?: string },
): Promise<RunningJupyterServer> {
  const port = fixed.port ?? (await freePort());
  const token = fixed.token ?? randomBytes(24).toString("hex");
  const redactor = new Redactor([token]);
  const stateDir = await mkdtemp(join(tmpdir(), "execkit-jupyter-"));
  const args = [
    "-m",
    "jupyter_server",
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${rootDir}`,
    "--ServerApp.open_browser=False",
    "--ServerApp.log_level=WARN",
  ];
  if (process.getuid?.() === 0) args.push("--allow-root");
  // Only what Python and Jupyter need: the host's API keys never reach a kernel.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? stateDir,
    LANG: process.env.LANG ?? "C.UTF-8",
    JUPYTER_RUNTIME_DIR: join(stateDir, "runtime"),
    JUPYTER_CONFIG_DIR: join(stateDir, "config"),
    IPYTHONDIR: join(stateDir, "ipython"),
    MPLCONFIGDIR: join(stateDir, "matplotlib"),
    PYTHONUNBUFFERED: "1",
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    ...extraEnv,
  };
  let child: ChildProcess;
  try {
    child = spawn(pythonPath, args, { cwd: rootDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw new ContainerConfigurationError(
      `Could not start ${pythonPath}: set EXECKIT_PYTHON to a Python with jupyter_server.`,
      {
        configKey: "pythonPath",
        cause: error,
      },
    );
  }
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (done) => {
      child.once("exit", (code, signal) => done({ code, signal }));
      child.once("error", (error) => done({ code: null, signal: null, error }));
    },
  );
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopServer(child, exited).finally(() => rm(stateDir, { recursive: true, force: true }));
    return stopped;
  };
  const baseUrl = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + startTimeoutMs;
  let exitInfo: Awaited<typeof exited> | undefined;
  void exited.then((info) => {
    exitInfo = info;
  });
  while (Date.now() < deadline) {
    if (exitInfo !== undefined) {
      await stop();
      const tail = redactor.redact(output.trim().split("\n").slice(-15).join("\n"));
      // jupyter_server reports a taken port as "port N is not available"; the errno texts cover other wordings.
      if (/address already in use|errno 98|port \d+ is not available/i.test(output))
        throw new PortTakenSignal(tail);
      throw new ContainerConfigurationError(
        `Jupyter Server exited during start-up (${exitInfo.error?.message ?? `exit code ${exitInfo.code}`}). ` +
          `Check that ${pythonPath} can import jupyter_server and ipykernel. Output:\n${tail}`,
        { configKey: "pythonPath", redactor, technicalDetails: { pythonPath, port } },
      );
    }
    if (await answers(baseUrl, token)) {
      return { baseUrl, token, rootDir, pid: child.pid ?? -1, stop };
    }
    await new Promise((done) => setTimeout(done, 150));
  }
  await stop();
  throw new ContainerConnectivityError(
    `Jupyter Server did not answer on ${baseUrl}api within ${startTimeoutMs} ms; the machine may be overloaded.`,
    "127.0.0.1",
    port,
    { redactor, technicalDetails: { outputTail: redactor.redact(output.slice(-2_000)) } },
  );
}

async function answers(baseUrl: string, token: string): Promise<boolean> {
  try {
    const response = await request(`${baseUrl}api`, {
      headers: { authorization: `token ${token}` },
      headersTimeout: 2_000,
      bodyTimeout: 2_000,
    });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

/**
 * SIGTERM lets the server shut its kernels down cleanly; anything left after the grace period is killed. Kernels
 * run in their own sessions (jupyter_client starts them with `start_new_session`), so the server's process group
 * does not cover them: we note its children first and kill their groups too.
 */
async function stopServer(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    await Promise.race([exited, delay(100)]);
    return;
  }
  const kernels = (await childProcesses(pid)).map((entry) => entry.pid);
  signalGroup(pid, "SIGTERM");
  const clean = await Promise.race([exited.then(() => true), delay(STOP_GRACE_MS).then(() => false)]);
  if (!clean) {
    signalGroup(pid, "SIGKILL");
    await Promise.race([exited, delay(2_000)]);
  }
  for (const kernel of [...kernels, ...(await childProcesses(pid)).map((entry) => entry.pid)])
    signalGroup(kernel, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
