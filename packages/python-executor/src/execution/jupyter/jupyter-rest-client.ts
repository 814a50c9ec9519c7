import { ContainerConfigurationError, excerpt, Redactor } from "@execkit/errors";
import { Agent, request, errors as undiciErrors } from "undici";
import type { JupyterEndpoint } from "./jupyter-endpoint";

/** A kernel as `GET /api/kernels/{id}` describes it. */
export interface JupyterKernelModel {
  id: string;
  name: string;
  /** `starting`, `idle`, `busy`, `restarting`, `dead`, … */
  execution_state?: string;
  last_activity?: string;
  connections?: number;
}

/** `GET /api/kernelspecs`: the default kernel name and every installed spec by name. */
export interface JupyterKernelSpecs {
  default: string;
  kernelspecs: Record<string, { name: string; spec?: { display_name?: string; language?: string } }>;
}

/** Options of {@link JupyterRestClient}. */
export interface JupyterRestClientOptions {
  endpoint: JupyterEndpoint;
  /** The server's token, sent as `Authorization: token …` (never in a URL). */
  token?: string;
  /** Per-request limit on waiting for response headers and body. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Removes the token (and any other secret it knows) from every error. One is made from the token if absent. */
  redactor?: Redactor;
}

type Method = "GET" | "POST" | "DELETE";

/**
 * The parts of the Jupyter Server REST API the runner needs (kernels and kernel specs), over undici with one
 * keep-alive connection pool. Failures are typed: an unreachable server or a vanished kernel is
 * `ContainerConnectivityError`, a rejected token or a missing kernel spec is `ContainerConfigurationError`.
 * When the caller's signal aborts, the signal's reason is thrown unchanged so the caller decides what it means.
 */
export class JupyterRestClient {
  readonly endpoint: JupyterEndpoint;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #redactor: Redactor;
  readonly #agent: Agent;

  constructor(options: JupyterRestClientOptions) {
    this.endpoint = options.endpoint;
    this.#token = options.token || undefined;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#redactor = options.redactor ?? new Redactor([options.token]);
    this.#agent = new Agent({
      connect: { timeout: Math.min(this.#timeoutMs, 10_000) },
      keepAliveTimeout: 30_000,
    });
  }

  /** The HTTP headers every call (and the kernel WebSocket) sends. */
  get authHeaders(): Record<string, string> {
    return this.#token === undefined ? {} : { authorization: `token ${this.#token}` };
  }

  /** `GET /api`: the server version. Proves the server is up and the token is accepted. */
  async getServerInfo(signal?: AbortSignal): Promise<{ version: string }> {
    return (await this.#call("GET", "api", { signal, operation: "checking the server" })) as {
      version: string;
    };
  }

  /** `GET /api/kernelspecs`. */
  async listKernelSpecs(signal?: AbortSignal): Promise<JupyterKernelSpecs> {
    return (await this.#call("GET", "api/kernelspecs", {
      signal,
      operation: "listing kernel specs",
    })) as JupyterKernelSpecs;
  }

  /** `GET /api/kernels`. */
  async listKernels(signal?: AbortSignal): Promise<JupyterKernelModel[]> {
    return (await this.#call("GET", "api/kernels", {
      signal,
      operation: "listing kernels",
    })) as JupyterKernelModel[];
  }

  /** `GET /api/kernels/{id}`; `undefined` when the server no longer has that kernel. */
  async getKernel(kernelId: string, signal?: AbortSignal): Promise<JupyterKernelModel | undefined> {
    const model = await this.#call("GET", `api/kernels/${encodeURIComponent(kernelId)}`, {
      signal,
      operation: `checking kernel ${kernelId}`,
      missingIsUndefined: true,
    });
    return model as JupyterKernelModel | undefined;
  }

  /**
   * `POST /api/kernels`. A kernel name the server does not know is a `ContainerConfigurationError` that lists the
   * names it does know.
   */
  async startKernel(
    kernelName: string,
    options: { path?: string; signal?: AbortSignal } = {},
  ): Promise<JupyterKernelModel> {
    const body: Record<string, string> = { name: kernelName };
    if (options.path !== undefined) body.path = options.path;
    return (await this.#call("POST", "api/kernels", {
      body,
      signal: options.signal,
      operation: `starting a ${kernelName} kernel`,
      // Jupyter Server answers an unknown spec with a bare 500 whose traceback names NoSuchKernel.
      classify: async (status, text) =>
        status >= 400 && /NoSuchKernel|No such kernel/i.test(text)
          ? await this.#missingKernelSpec(kernelName, options.signal)
          : undefined,
    })) as JupyterKernelModel;
  }

  /** `POST /api/kernels/{id}/interrupt`: sends SIGINT (or an interrupt_request) to the kernel. */
  async interruptKernel(kernelId: string, signal?: AbortSignal): Promise<void> {
    await this.#call("POST", `api/kernels/${encodeURIComponent(kernelId)}/interrupt`, {
      signal,
      operation: `interrupting kernel ${kernelId}`,
    });
  }

  /** `POST /api/kernels/{id}/restart`: kills the kernel process and starts a fresh one under the same id. */
  async restartKernel(kernelId: string, signal?: AbortSignal): Promise<JupyterKernelModel> {
    return (await this.#call("POST", `api/kernels/${encodeURIComponent(kernelId)}/restart`, {
      signal,
      operation: `restarting kernel ${kernelId}`,
    })) as JupyterKernelModel;
  }

  /** `DELETE /api/kernels/{id}`. A kernel that is already gone counts as shut down. */
  async shutdownKernel(kernelId: string, signal?: AbortSignal): Promise<void> {
    await this.#call("DELETE", `api/kernels/${encodeURIComponent(kernelId)}`, {
      signal,
      operation: `shutting down kernel ${kernelId}`,
      missingIsUndefined: true,
    });
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #missingKernelSpec(kernelName: string, signal?: AbortSignal): Promise<ContainerConfigurationError> {
    let known = "unknown";
    try {
      known = Object.keys((await this.listKernelSpecs(signal)).kernelspecs).join(", ") || "none";
    } catch {
      // The list only improves the message.
    }
    return new ContainerConfigurationError(
      `The Jupyter Server at ${this.endpoint.baseUrl} has no kernel spec named "${kernelName}" (it has: ${known}). ` +
        "Set kernelName in the execution mode to one of those, or install the kernel on the server.",
      {
        configKey: "modes.<mode>.kernelName",
        redactor: this.#redactor,
        technicalDetails: { kernelName, known },
      },
    );
  }

  async #call(
    method: Method,
    path: string,
    options: {
      body?: unknown;
      signal?: AbortSignal;
      operation: string;
      missingIsUndefined?: boolean;
      /** Turns a failure status into a specific error before the generic mapping applies. */
      classify?: (status: number, text: string) => Promise<Error | undefined>;
    },
  ): Promise<unknown> {
    const url = this.endpoint.httpUrl(path);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        method,
        dispatcher: this.#agent,
        headers: {
          ...this.authHeaders,
          accept: "application/json",
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.endpoint.connectivityError(
        `Jupyter Server at ${this.endpoint.host}:${this.endpoint.port} is not reachable while ${options.operation} ` +
          `(${describeNetworkError(error)}). Check that the server is running and jupyter.baseUrl is right.`,
        { cause: error, redactor: this.#redactor, technicalDetails: { method, path } },
      );
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.endpoint.connectivityError(
        `The connection to the Jupyter Server broke while ${options.operation} (${describeNetworkError(error)}).`,
        { cause: error, redactor: this.#redactor, technicalDetails: { method, path } },
      );
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) return text === "" ? undefined : parseJson(text);
    if (status === 401 || status === 403) {
      throw new ContainerConfigurationError(
        `The Jupyter Server at ${this.endpoint.baseUrl} refused the request (HTTP ${status}) while ${options.operation}. ` +
          "Check jupyter.token: it must be the server's token.",
        { configKey: "jupyter.token", redactor: this.#redactor, technicalDetails: { method, path, status } },
      );
    }
    if (status === 404 && options.missingIsUndefined) return undefined;
    if (status === 404 && path.startsWith("api/kernels/")) {
      throw this.endpoint.connectivityError(
        `The kernel is gone from the Jupyter Server (HTTP 404 while ${options.operation}): it was shut down or died.`,
        { redactor: this.#redactor, technicalDetails: { method, path, status } },
      );
    }
    const specific = await options.classify?.(status, text);
    if (specific !== undefined) throw specific;
    throw this.endpoint.connectivityError(
      `The Jupyter Server answered HTTP ${status} while ${options.operation}: ` +
        this.#redactor.redact(excerpt(serverMessage(text), 300)),
      { redactor: this.#redactor, technicalDetails: { method, path, status } },
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Jupyter error bodies are JSON with a `message` (and a server-side traceback we do not want in messages). */
function serverMessage(text: string): string {
  const parsed = parseJson(text);
  if (parsed !== null && typeof parsed === "object" && "message" in parsed) {
    const { message, reason } = parsed as { message?: unknown; reason?: unknown };
    return [message, reason].filter((part) => typeof part === "string" && part !== "").join(": ");
  }
  return text;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return "no answer in time";
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) return "connect timeout";
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code;
  const causeCode = (error as { cause?: { code?: unknown } })?.cause?.code;
  const chosen = typeof causeCode === "string" ? causeCode : code;
  if (typeof chosen === "string") return chosen;
  return error instanceof Error ? error.message : String(error);
}
