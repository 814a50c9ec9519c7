import { ContainerConnectivityError, PythonExecutorException, type Redactor } from "@execkit/errors";
import type { JupyterRestClient } from "./jupyter-rest-client";
import { KernelChannel } from "./kernel-channel";

const SHUTDOWN_ATTEMPTS = 5;

/** Options of {@link ManagedKernel.start}. */
export interface ManagedKernelOptions {
  rest: JupyterRestClient;
  kernelName: string;
  redactor: Redactor;
  /** How long a new or restarted kernel may take to answer `kernel_info`. */
  readyTimeoutMs: number;
}

/**
 * One kernel the runner owns: its id, its WebSocket, and a queue so that one run at a time uses it (a kernel runs
 * cells one after another anyway; queuing here keeps each run's timeout from counting the wait for the previous).
 */
export class ManagedKernel {
  readonly kernelId: string;
  readonly kernelName: string;
  #channel: KernelChannel;
  #queue: Promise<unknown> = Promise.resolve();
  #lost = false;
  readonly #options: ManagedKernelOptions;

  private constructor(kernelId: string, channel: KernelChannel, options: ManagedKernelOptions) {
    this.kernelId = kernelId;
    this.kernelName = options.kernelName;
    this.#channel = channel;
    this.#options = options;
  }

  /**
   * Starts a kernel and connects to it. If anything after the start fails, the kernel is shut down again so no
   * orphan is left on the server.
   */
  static async start(options: ManagedKernelOptions): Promise<ManagedKernel> {
    const model = await options.rest.startKernel(options.kernelName);
    try {
      const channel = await connect(options, model.id);
      return new ManagedKernel(model.id, channel, options);
    } catch (error) {
      await options.rest.shutdownKernel(model.id).catch(() => {});
      throw error;
    }
  }

  /** The current WebSocket (replaced after a restart or a reconnect). */
  get channel(): KernelChannel {
    return this.#channel;
  }

  /** True once the kernel is known to be gone; the runner then starts a new one for the next run. */
  get lost(): boolean {
    return this.#lost;
  }

  /** Marks the kernel gone and fails whatever is running on it with `error`. */
  markLost(error: ContainerConnectivityError): void {
    this.#lost = true;
    this.#channel.abandon(error);
  }

  /** Runs `task` when every earlier task on this kernel has finished. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * Makes sure the WebSocket is open: after the socket dropped while the kernel lives on (a proxy timeout, a
   * server hiccup), it reconnects. A kernel the server no longer has is `ContainerConnectivityError`.
   */
  async ensureConnected(signal?: AbortSignal): Promise<void> {
    if (this.#lost) throw this.#goneError();
    if (!this.#channel.closed) return;
    const model = await this.#options.rest.getKernel(this.kernelId, signal);
    if (model === undefined || model.execution_state === "dead") {
      this.#lost = true;
      throw this.#goneError();
    }
    await this.#channel.close();
    this.#channel = await connect(this.#options, this.kernelId);
  }

  /** `POST …/interrupt`. */
  async interrupt(): Promise<void> {
    await this.#options.rest.interruptKernel(this.kernelId);
  }

  /**
   * Restarts the kernel process (same id) and reconnects, waiting until it answers. Everything the code had in
   * memory is gone afterwards, which is the point: this is the last resort when an interrupt was not enough.
   */
  async restart(): Promise<void> {
    const old = this.#channel;
    await this.#options.rest.restartKernel(this.kernelId);
    await old.close();
    this.#channel = await connect(this.#options, this.kernelId);
  }

  /**
   * Closes the socket and shuts the kernel down on the server. A server that is busy restarting the kernel (after
   * it died) answers the DELETE with HTTP 500, so an answered failure is retried a few times (about 7 s in all);
   * an unreachable server is not.
   */
  async shutdown(): Promise<void> {
    this.#lost = true;
    await this.#channel.close().catch(() => {});
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#options.rest.shutdownKernel(this.kernelId);
        return;
      } catch (error) {
        const answered =
          error instanceof ContainerConnectivityError && typeof error.technicalDetails.status === "number";
        if (!answered || attempt >= SHUTDOWN_ATTEMPTS) throw error;
        await new Promise((done) => setTimeout(done, 500 * attempt));
      }
    }
  }

  #goneError(): ContainerConnectivityError {
    return this.#options.rest.endpoint.connectivityError(
      `Kernel ${this.kernelId} (${this.kernelName}) is gone from the Jupyter Server: it was shut down or died.`,
      { redactor: this.#options.redactor, technicalDetails: { kernelId: this.kernelId } },
    );
  }
}

/** Opens the WebSocket and waits for the kernel's `kernel_info_reply`, bounded by `readyTimeoutMs`. */
async function connect(options: ManagedKernelOptions, kernelId: string): Promise<KernelChannel> {
  const { rest, redactor, readyTimeoutMs } = options;
  const channel = await KernelChannel.open({
    endpoint: rest.endpoint,
    kernelId,
    headers: rest.authHeaders,
    redactor,
    connectTimeoutMs: readyTimeoutMs,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      channel.kernelInfo(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              rest.endpoint.connectivityError(
                `Kernel ${kernelId} did not answer kernel_info within ${readyTimeoutMs} ms after it was started; ` +
                  "the server may be overloaded or the kernel may fail to start (check the server log).",
                { redactor, technicalDetails: { kernelId } },
              ),
            ),
          readyTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await channel.close();
    throw error instanceof PythonExecutorException
      ? error
      : rest.endpoint.connectivityError(`Kernel ${kernelId} could not be reached.`, {
          cause: error,
          redactor,
        });
  } finally {
    clearTimeout(timer);
  }
  return channel;
}
