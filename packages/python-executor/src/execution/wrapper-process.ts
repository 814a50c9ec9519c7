import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";
import { signalProcessGroup, trackProcessGroup, untrackProcessGroup } from "./process-group";

/** How long to wait for the pipes to close once the process group is gone. */
const PIPE_DRAIN_MS = 2_000;

/** The settings of one run, as the wrapper's spare mode reads them (its `_JOB_KEYS`). */
export interface WrapperJob {
  code_path: string;
  folder: string;
  attempt_folder: string;
  read_only: boolean;
  memory_limit_mb?: number;
  max_output_chars?: number;
  execution_mode?: string;
  output_files: boolean;
}

/** How a wrapper process ended. */
export interface WrapperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where and how to start a wrapper process. */
export interface WrapperProcessOptions {
  python: string;
  /** The wrapper script to run. */
  wrapperPath: string;
  /** The child's whole environment (already filtered by `buildChildEnvironment`). */
  env: Record<string, string>;
  /** The starting working directory; the wrapper moves into the execution folder once it has a job. */
  cwd: string;
  /** Start unreferenced, so a spare waiting for work never keeps the Node.js process alive. */
  unref?: boolean;
  /** Identifies the version of the wrapper script it loaded (see {@link WrapperProcess.wrapperStamp}). */
  wrapperStamp?: string;
}

type OutputSink = (stream: "stdout" | "stderr", chunk: string) => void;

/** The wrapper's control pipe: the child's file descriptor 3 (a socket pair, so both ends read and write). */
const CONTROL_FD = 3;

/**
 * One wrapper process in spare mode (`wrapper.py --serve-fd 3`): it starts the interpreter and loads the wrapper
 * right away, then waits for one job on its control pipe. Whoever claims it gets a process that has already paid
 * its start-up cost; it still runs exactly one job, in its own process group, and then exits.
 *
 * Output that arrives before {@link claim} (normally none) is buffered and handed to the claimant, so nothing the
 * process printed is lost.
 */
export class WrapperProcess {
  /** The child; `pid` is also its process-group id (it is spawned `detached`). */
  readonly child: ChildProcess;
  /** True once the wrapper said it is loaded and waiting; false if it ended (or never started) first. */
  readonly ready: Promise<boolean>;
  /**
   * Resolves when the process has exited and its pipes are drained (bounded), after its whole group was killed;
   * also when it could not be started (see {@link startError}).
   */
  readonly finished: Promise<WrapperExit>;
  /** Set when the interpreter could not be started at all (ENOENT, EACCES, …). */
  startError?: Error;
  /** The version of the wrapper script it was started with, as the caller identified it. */
  wrapperStamp?: string;

  #sink?: OutputSink;
  #buffered: Array<[stream: "stdout" | "stderr", chunk: string]> = [];
  #acknowledged = false;
  #exit?: WrapperExit;
  #control?: Readable & Writable;

  private constructor(child: ChildProcess, unref: boolean) {
    this.child = child;
    let markReady: (value: boolean) => void = () => {};
    this.ready = new Promise((done) => {
      markReady = done;
    });
    let markFinished: (exit: WrapperExit) => void = () => {};
    this.finished = new Promise((done) => {
      markFinished = done;
    });

    const forward = (stream: "stdout" | "stderr") => (chunk: string) => {
      if (this.#sink) this.#sink(stream, chunk);
      else this.#buffered.push([stream, chunk]);
    };
    child.stdout?.setEncoding("utf8").on("data", forward("stdout"));
    child.stderr?.setEncoding("utf8").on("data", forward("stderr"));

    const control = child.stdio[CONTROL_FD] as (Readable & Writable) | null | undefined;
    if (control) {
      this.#control = control;
      let pending = "";
      control.setEncoding("utf8");
      control.on("data", (chunk: string) => {
        pending += chunk;
        let newline = pending.indexOf("\n");
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line === "ready") markReady(true);
          else if (line === "started") this.#acknowledged = true;
          newline = pending.indexOf("\n");
        }
      });
      // A job written to a process that just died fails with EPIPE; the exit handler reports the run.
      control.on("error", () => {});
    }
    if (unref) setReferenced(child, false);

    let spawned = false;
    child.once("spawn", () => {
      spawned = true;
      if (child.pid !== undefined) trackProcessGroup(child.pid);
    });
    child.once("error", (error) => {
      if (spawned) return; // a failed kill() after start; the exit event still comes
      this.startError = error;
      this.#exit = { code: null, signal: null };
      markReady(false);
      markFinished(this.#exit);
    });
    child.once("exit", (code, signal) => {
      const exit: WrapperExit = { code, signal };
      this.#exit = exit;
      markReady(false);
      // Whatever the code left running in its group (a daemon, a background shell) goes with it.
      signalProcessGroup(child, "SIGKILL");
      if (child.pid !== undefined) untrackProcessGroup(child.pid);
      // The control pipe is drained too, not dropped: its "started" may still be unread when the exit is seen,
      // and a job wrongly taken for unacknowledged would be run a second time.
      void drainPipes([child.stdout, child.stderr, this.#control]).then(() => {
        this.#control?.destroy();
        markFinished(exit);
      });
    });
  }

  /**
   * Starts a wrapper in spare mode. Never throws: a process that cannot be started comes back with
   * {@link startError} set and {@link finished} resolved.
   */
  static start(options: WrapperProcessOptions): WrapperProcess {
    let child: ChildProcess;
    try {
      child = spawn(options.python, [options.wrapperPath, "--serve-fd", String(CONTROL_FD)], {
        cwd: options.cwd,
        env: options.env,
        // Its own process group, so one signal reaches every process the code starts.
        detached: true,
        // stdin stays /dev/null as for a plain script run; fd 3 is the control pipe.
        stdio: ["ignore", "pipe", "pipe", "pipe"],
        windowsHide: true,
      });
    } catch (error) {
      return WrapperProcess.#failed(error as Error);
    }
    const started = new WrapperProcess(child, options.unref ?? false);
    started.wrapperStamp = options.wrapperStamp;
    return started;
  }

  static #failed(error: Error): WrapperProcess {
    // A ChildProcess-shaped stand-in, so callers handle a synchronous spawn failure like an asynchronous one.
    const stub = Object.assign(new EventEmitter(), {
      pid: undefined,
      stdio: [],
      exitCode: null,
      signalCode: null,
    }) as unknown as ChildProcess;
    const failed = new WrapperProcess(stub, false);
    stub.emit("error", error);
    return failed;
  }

  /** True while the process can still take a job: started, not exited, not yet claimed. */
  get available(): boolean {
    return (
      this.#sink === undefined &&
      this.startError === undefined &&
      this.#exit === undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  /** True once the wrapper confirmed it read its job (after that, a crash is the run's, not the spare's). */
  get acknowledged(): boolean {
    return this.#acknowledged;
  }

  /** How the process ended, once it has. */
  get exit(): WrapperExit | undefined {
    return this.#exit;
  }

  /**
   * Takes the process for one run: its output (including anything buffered so far) goes to `onOutput`, and it
   * keeps the Node.js process alive again while it runs.
   */
  claim(onOutput: OutputSink): void {
    this.#sink = onOutput;
    setReferenced(this.child, true);
    const buffered = this.#buffered;
    this.#buffered = [];
    for (const [stream, chunk] of buffered) onOutput(stream, chunk);
  }

  /** Hands the process its one job. */
  send(job: WrapperJob): void {
    if (!this.#control || this.#control.destroyed) return;
    this.#control.write(`${JSON.stringify(job)}\n`);
  }

  /**
   * Waits until the wrapper is ready (true) or ended (false). The process is referenced meanwhile, so the wait
   * itself keeps Node.js alive; an unclaimed spare goes back to unreferenced afterwards.
   */
  async whenReady(): Promise<boolean> {
    setReferenced(this.child, true);
    try {
      return await this.ready;
    } finally {
      if (this.#sink === undefined) setReferenced(this.child, false);
    }
  }

  /**
   * Kills an unclaimed spare's whole group; `finished` then resolves. Its handles are referenced again first, so
   * a caller awaiting `finished` is not left hanging by an event loop that would otherwise have nothing to wait on.
   */
  discard(): void {
    setReferenced(this.child, true);
    this.signal("SIGKILL");
  }

  /** Signals the process's whole group. */
  signal(signal: NodeJS.Signals): void {
    if (this.#exit && signal === "SIGTERM") return;
    signalProcessGroup(this.child, signal);
  }
}

/** Referenced handles keep the event loop alive; a waiting spare must not, a running job must. */
function setReferenced(child: ChildProcess, referenced: boolean): void {
  const handles: Array<{ ref?: () => void; unref?: () => void } | null | undefined> = [
    child,
    ...(child.stdio as Array<{ ref?: () => void; unref?: () => void } | null>),
  ];
  for (const handle of handles) {
    if (referenced) handle?.ref?.();
    else handle?.unref?.();
  }
}

/** Waits until the pipes have closed, at most {@link PIPE_DRAIN_MS} (a grandchild may hold stdout open). */
function drainPipes(streams: Array<Readable | null | undefined>): Promise<void> {
  const drained = Promise.all(
    streams.map(
      (stream) =>
        new Promise<void>((done) => {
          if (!stream || stream.readableEnded || stream.destroyed) return done();
          stream.once("close", () => done());
          stream.once("end", () => done());
        }),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const bounded = new Promise<void>((done) => {
    timer = setTimeout(done, PIPE_DRAIN_MS);
  });
  return Promise.race([drained, bounded]).then(() => clearTimeout(timer));
}
