import { randomUUID } from "node:crypto";
import { ContainerConfigurationError, type ContainerConnectivityError, type Redactor } from "@execkit/errors";
import WebSocket from "ws";
import type { JupyterEndpoint } from "./jupyter-endpoint";
import {
  createKernelMessage,
  type ErrorContent,
  type ExecuteReplyContent,
  type ExecuteRequestContent,
  type KernelMessage,
  parseKernelMessage,
  type StreamContent,
} from "./kernel-messages";

/** Options of {@link KernelChannel.open}. */
export interface OpenKernelChannelOptions {
  endpoint: JupyterEndpoint;
  kernelId: string;
  /** Headers for the upgrade request (the token). */
  headers: Record<string, string>;
  redactor: Redactor;
  /** How long the WebSocket handshake may take. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Called with every kernel status (`busy`, `idle`, `restarting`, `dead`, …), whoever caused it. */
  onKernelStatus?: (state: string) => void;
}

/** What {@link KernelChannel.execute} calls back with and resolves to. */
export interface ExecuteOptions {
  /** Output as the kernel publishes it (iopub `stream` messages). */
  onStream?: (name: "stdout" | "stderr", text: string) => void;
  /** Do not add the code to the kernel's history (`In[]`). Default true: our wrapper code is not the user's. */
  storeHistory?: boolean;
}

/** How one `execute_request` ended, with everything its iopub messages carried. */
export interface ExecuteOutcome {
  status: ExecuteReplyContent["status"];
  executionCount: number | null;
  /** Set when `status` is `error`: the exception as the kernel reports it. */
  error?: ErrorContent;
  stdout: string;
  stderr: string;
  /** `execute_result` and `display_data` messages seen (rich outputs: figures shown inline, …). */
  displayCount: number;
}

/** An `execute_request` in flight. */
export interface PendingExecution {
  msgId: string;
  done: Promise<ExecuteOutcome>;
}

interface Pending {
  reply?: KernelMessage;
  idle: boolean;
  stdout: string;
  stderr: string;
  displayCount: number;
  error?: ErrorContent;
  onStream?: ExecuteOptions["onStream"];
  resolve: (message: KernelMessage, pending: Pending) => void;
  reject: (error: Error) => void;
  idleWait?: NodeJS.Timeout;
}

/**
 * How long to wait for the iopub `idle` after the shell reply. Outputs published before `idle` belong to the
 * request; a lost `idle` (it can happen right after a kernel restart) must not hang the run.
 */
const IDLE_AFTER_REPLY_MS = 2_000;

/**
 * One WebSocket to one kernel (`/api/kernels/{id}/channels`), speaking the JSON wire format. Replies and iopub
 * output are matched to requests by `parent_header.msg_id`. When the socket closes or the kernel reports
 * `dead` or `restarting`, every request in flight fails with `ContainerConnectivityError` at once: nothing waits
 * for a reply that cannot come.
 */
export class KernelChannel {
  /** The client session id sent with every message (the server uses it to route replies to this socket). */
  readonly sessionId: string;
  readonly kernelId: string;
  readonly #socket: WebSocket;
  readonly #options: OpenKernelChannelOptions;
  readonly #pending = new Map<string, Pending>();
  #closedError: ContainerConnectivityError | undefined;

  private constructor(socket: WebSocket, options: OpenKernelChannelOptions, sessionId: string) {
    this.sessionId = sessionId;
    this.#socket = socket;
    this.#options = options;
    this.kernelId = options.kernelId;
    socket.on("message", (data) => this.#onMessage(data));
    socket.on("close", (code, reason) => {
      const detail = reason.length > 0 ? `${code} ${reason.toString("utf8")}` : String(code);
      this.#fail(
        this.#connectivityError(
          `The WebSocket to kernel ${this.kernelId} closed (${detail}): the kernel was shut down or the Jupyter ` +
            "Server stopped.",
        ),
      );
    });
    socket.on("error", (error) => {
      this.#fail(
        this.#connectivityError(`The WebSocket to kernel ${this.kernelId} failed: ${error.message}`, error),
      );
    });
  }

  /**
   * Connects to a kernel's channels. Rejects with `ContainerConnectivityError` when the server cannot be reached
   * or no longer has the kernel, and `ContainerConfigurationError` when it refuses the token.
   */
  static open(options: OpenKernelChannelOptions): Promise<KernelChannel> {
    const sessionId = randomUUID();
    const url = `${options.endpoint.wsUrl(`api/kernels/${encodeURIComponent(options.kernelId)}/channels`)}?session_id=${sessionId}`;
    const { endpoint, redactor, kernelId } = options;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, {
        headers: options.headers,
        handshakeTimeout: options.connectTimeoutMs ?? 10_000,
        perMessageDeflate: false,
      });
      const fail = (error: Error) => {
        socket.removeAllListeners();
        socket.on("error", () => {});
        socket.terminate();
        reject(error);
      };
      socket.once("unexpected-response", (_request, response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        if (status === 401 || status === 403) {
          fail(
            new ContainerConfigurationError(
              `The Jupyter Server refused the kernel WebSocket (HTTP ${status}). Check jupyter.token.`,
              { configKey: "jupyter.token", redactor, technicalDetails: { kernelId, status } },
            ),
          );
          return;
        }
        fail(
          endpoint.connectivityError(
            status === 404
              ? `Kernel ${kernelId} no longer exists on the Jupyter Server (HTTP 404 on its WebSocket).`
              : `The Jupyter Server answered HTTP ${status} to the kernel WebSocket of ${kernelId}.`,
            { redactor, technicalDetails: { kernelId, status } },
          ),
        );
      });
      socket.once("error", (error) =>
        fail(
          endpoint.connectivityError(
            `Could not open the WebSocket to kernel ${kernelId} at ${endpoint.host}:${endpoint.port} (${error.message}).`,
            { cause: error, redactor, technicalDetails: { kernelId } },
          ),
        ),
      );
      socket.once("open", () => {
        socket.removeAllListeners();
        resolve(new KernelChannel(socket, options, sessionId));
      });
    });
  }

  /** True once the socket closed or the kernel was reported dead; every later request fails at once. */
  get closed(): boolean {
    return this.#closedError !== undefined;
  }

  /**
   * Sends an `execute_request`. `done` resolves when both the `execute_reply` and the iopub `idle` for it have
   * arrived (so every output is in), whatever the reply status; it rejects with `ContainerConnectivityError`
   * when the socket closes or the kernel dies first.
   */
  execute(code: string, options: ExecuteOptions = {}): PendingExecution {
    const content: ExecuteRequestContent = {
      code,
      silent: false,
      store_history: options.storeHistory ?? false,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    };
    const message = createKernelMessage("execute_request", content, { session: this.sessionId });
    const done = this.#send(message, options.onStream).then(({ reply, pending }) => {
      const replyContent = reply.content as unknown as ExecuteReplyContent;
      const outcome: ExecuteOutcome = {
        status: replyContent.status,
        executionCount: replyContent.execution_count ?? null,
        stdout: pending.stdout,
        stderr: pending.stderr,
        displayCount: pending.displayCount,
      };
      if (replyContent.status === "error") {
        outcome.error = {
          ename: replyContent.ename ?? pending.error?.ename ?? "Error",
          evalue: replyContent.evalue ?? pending.error?.evalue ?? "",
          traceback: replyContent.traceback ?? pending.error?.traceback ?? [],
        };
      }
      return outcome;
    });
    return { msgId: message.header.msg_id, done };
  }

  /** Sends a `kernel_info_request` and resolves with the reply: proof that the kernel answers on this socket. */
  async kernelInfo(): Promise<Record<string, unknown>> {
    const message = createKernelMessage("kernel_info_request", {}, { session: this.sessionId });
    const { reply } = await this.#send(message, undefined, { waitForIdle: false });
    return reply.content;
  }

  /** Fails every request in flight with `error` and closes the socket (used when the kernel is known lost). */
  abandon(error: ContainerConnectivityError): void {
    this.#fail(error);
    this.#socket.terminate();
  }

  /** Closes the socket; requests in flight fail. Resolves once it is closed (bounded to 2 s). */
  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((done) => {
      this.#socket.once("close", () => done());
      setTimeout(done, 2_000).unref();
    });
    this.#socket.close(1000, "closed by client");
    await closed;
    // The close event may not come from a server that vanished; terminate drops the socket regardless.
    if ((this.#socket.readyState as number) !== WebSocket.CLOSED) this.#socket.terminate();
  }

  #send(
    message: KernelMessage<unknown>,
    onStream: ExecuteOptions["onStream"],
    options: { waitForIdle?: boolean } = {},
  ): Promise<{ reply: KernelMessage; pending: Pending }> {
    if (this.#closedError !== undefined) return Promise.reject(this.#closedError);
    const msgId = message.header.msg_id;
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        idle: options.waitForIdle === false,
        stdout: "",
        stderr: "",
        displayCount: 0,
        onStream,
        resolve: (reply) => {
          this.#settle(msgId);
          resolve({ reply, pending });
        },
        reject: (error) => {
          this.#settle(msgId);
          reject(error);
        },
      };
      this.#pending.set(msgId, pending);
      this.#socket.send(JSON.stringify(message), (error) => {
        if (error) {
          pending.reject(
            this.#connectivityError(`Could not send to kernel ${this.kernelId}: ${error.message}`, error),
          );
        }
      });
    });
  }

  #settle(msgId: string): void {
    const pending = this.#pending.get(msgId);
    if (pending?.idleWait) clearTimeout(pending.idleWait);
    this.#pending.delete(msgId);
  }

  #onMessage(data: WebSocket.RawData): void {
    const message = parseKernelMessage(data);
    if (message === undefined) return;
    const type = message.header.msg_type;
    if (type === "status") {
      const state = String((message.content as { execution_state?: unknown }).execution_state ?? "");
      this.#options.onKernelStatus?.(state);
      if (state === "dead" || state === "restarting") {
        // Whatever was running is gone with the process, and a restarted kernel never answers old requests. The
        // socket is retired too: the runner reconnects before the next run rather than trust channels that were
        // wired to the dead process.
        this.#fail(
          this.#connectivityError(
            state === "dead"
              ? `Kernel ${this.kernelId} died and could not be restarted.`
              : `Kernel ${this.kernelId} died (the server is restarting it); the code that was running is lost.`,
          ),
        );
        return;
      }
    }
    if (type === "shutdown_reply" && message.channel === "iopub") {
      // ipykernel broadcasts this when anyone (DELETE /api/kernels/{id}, a stopping server) shuts it down. The
      // server interrupts the running cell as part of the shutdown, so the KeyboardInterrupt reply that follows
      // must not pass for the code's own error: the run failed because the kernel went away.
      const restart = (message.content as { restart?: unknown }).restart === true;
      this.#fail(
        this.#connectivityError(
          restart
            ? `Kernel ${this.kernelId} is being restarted by someone else; the code that was running is lost.`
            : `Kernel ${this.kernelId} was shut down (through the server's API, or the Jupyter Server is stopping).`,
        ),
      );
      return;
    }
    const parentId = message.parent_header.msg_id;
    const pending = parentId === undefined ? undefined : this.#pending.get(parentId);
    if (pending === undefined) return;
    switch (type) {
      case "stream": {
        const { name, text } = message.content as unknown as StreamContent;
        if (name === "stderr") pending.stderr += text;
        else pending.stdout += text;
        pending.onStream?.(name === "stderr" ? "stderr" : "stdout", text);
        break;
      }
      case "error":
        pending.error = message.content as unknown as ErrorContent;
        break;
      case "execute_result":
      case "display_data":
        pending.displayCount += 1;
        break;
      case "status":
        if ((message.content as { execution_state?: unknown }).execution_state === "idle") {
          pending.idle = true;
          if (pending.reply !== undefined) pending.resolve(pending.reply, pending);
        }
        break;
      default:
        if (message.channel === "shell" && type.endsWith("_reply")) {
          pending.reply = message;
          if (pending.idle) pending.resolve(message, pending);
          else pending.idleWait = setTimeout(() => pending.resolve(message, pending), IDLE_AFTER_REPLY_MS);
        }
    }
  }

  #failPending(error: Error): void {
    for (const pending of [...this.#pending.values()]) pending.reject(error);
  }

  #fail(error: ContainerConnectivityError): void {
    this.#closedError ??= error;
    this.#failPending(error);
  }

  #connectivityError(message: string, cause?: unknown): ContainerConnectivityError {
    return this.#options.endpoint.connectivityError(message, {
      cause,
      redactor: this.#options.redactor,
      technicalDetails: { kernelId: this.kernelId },
    });
  }
}
