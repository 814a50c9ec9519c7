import { type HTTPClientError, RequestAbortedError, RequestTimeoutError, type Redactor } from "@execkit/errors";
import { Agent, type Dispatcher, interceptors, request } from "undici";
import { abortError } from "./abort-signals";
import { buildHeaders, encodeJsonBody, encodeQuery } from "./cloud-protocol";
import { type CloudResponse, cloudStatusError } from "./status-errors";
import { transportError } from "./transport-errors";

/** One HTTP call to the cloud API. */
export interface CloudCall {
  method: "GET" | "POST";
  /** The path under the API URL, e.g. `/api/v1/account/applications/token`. */
  path: string;
  query?: Readonly<Record<string, string>>;
  /** Sent as JSON when present (`null` included, as the reference sends `"params": null`). */
  body?: unknown;
  /** The bearer token; absent only on the token call. */
  token?: string;
  /** True for the token call, whose 401/403 become a `TokenRefreshError`. */
  tokenCall?: boolean;
  /** A non-2xx answer this returns true for is handed back instead of becoming a status error. */
  accept?: (response: CloudResponse) => boolean;
  signal?: AbortSignal;
}

/** What the transport needs to know about its executor. */
export interface CloudTransportOptions {
  apiUrl: string;
  organizationId?: string;
  timeoutMs: number;
  redactor: Redactor;
  /** Used as given (and left open on close) when supplied; otherwise the transport owns an `Agent`. */
  dispatcher?: Dispatcher;
  /** Aborted by `close()`: every request still in flight stops. */
  lifetime: AbortSignal;
}

/** httpx follows up to 20 redirects; so do we. */
const MAX_REDIRECTIONS = 20;

/**
 * Sends single HTTP requests to the cloud API over undici and answers with the response or a typed error: a
 * status error for any non-2xx answer, a network, timeout or abort error when no answer came. It neither
 * retries nor refreshes tokens; the layers above decide that.
 */
export class CloudTransport {
  readonly #options: CloudTransportOptions;
  readonly #owned: Agent | undefined;
  readonly #dispatcher: Dispatcher;

  constructor(options: CloudTransportOptions) {
    this.#options = options;
    this.#owned = options.dispatcher ? undefined : new Agent();
    const base = options.dispatcher ?? this.#owned!;
    this.#dispatcher = base.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));
  }

  /** The absolute URL of a call, query string included, as it goes on the wire. */
  urlOf(call: Pick<CloudCall, "path" | "query">): string {
    const query = call.query ? encodeQuery(call.query) : "";
    return `${this.#options.apiUrl}${call.path}${query ? `?${query}` : ""}`;
  }

  /** Sends `call` once. Resolves with a 2xx (or accepted) response; rejects with a typed error otherwise. */
  async send(call: CloudCall): Promise<CloudResponse> {
    const { timeoutMs, lifetime, organizationId } = this.#options;
    const url = this.urlOf(call);
    if (call.signal?.aborted) throw abortError(call.signal, `${call.method} ${url}`);
    const hasJsonBody = call.body !== undefined;
    const deadline = new Deadline(timeoutMs, [lifetime, call.signal]);
    let answer: CloudResponse;
    try {
      const response = await request(url, {
        method: call.method,
        headers: buildHeaders({ token: call.token, organizationId, hasJsonBody }),
        body: hasJsonBody ? encodeJsonBody(call.body) : undefined,
        dispatcher: this.#dispatcher,
        signal: deadline.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      answer = { method: call.method, url, status: response.statusCode, headers: flattenHeaders(response.headers), text };
    } catch (error) {
      throw this.#failure(error, call, url, deadline.timedOut);
    } finally {
      deadline.dispose();
    }
    if ((answer.status < 200 || answer.status >= 300) && !call.accept?.(answer)) {
      throw cloudStatusError(answer, this.#options.redactor, { tokenCall: call.tokenCall });
    }
    return answer;
  }

  /** Which of the three signals fired decides between timeout and abort; otherwise undici's error is mapped. */
  #failure(error: unknown, call: CloudCall, url: string, timedOut: boolean): HTTPClientError {
    const { timeoutMs, redactor, lifetime } = this.#options;
    const where = `${call.method} ${url}`;
    if (call.signal?.aborted) return abortError(call.signal, where);
    if (lifetime.aborted) {
      return new RequestAbortedError(`${where} was cancelled because the HostedExecutor was closed.`, {
        method: call.method,
        url,
        redactor,
      });
    }
    if (timedOut) {
      return new RequestTimeoutError(
        `${where} took longer than ${timeoutMs} ms and was cancelled. Retry later, or raise timeoutMs.`,
        { method: call.method, url, timeoutMs, cause: error, redactor },
      );
    }
    return transportError(error, { method: call.method, url, timeoutMs }, redactor);
  }

  /** Closes the agent the transport created; a dispatcher passed in stays open, since its owner may share it. */
  async close(): Promise<void> {
    if (this.#owned && !this.#owned.closed) await this.#owned.close();
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * One abort signal for a request: it fires when the timeout runs out or when any of `parents` aborts.
 * Plain listeners rather than `AbortSignal.any`, which costs far more per request on Node 20.
 */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #parents: AbortSignal[];
  readonly #onAbort = () => this.#controller.abort();
  #timedOut = false;

  constructor(timeoutMs: number, parents: ReadonlyArray<AbortSignal | undefined>) {
    this.#parents = parents.filter((parent): parent is AbortSignal => parent !== undefined);
    for (const parent of this.#parents) parent.addEventListener("abort", this.#onAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort();
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    for (const parent of this.#parents) parent.removeEventListener("abort", this.#onAbort);
  }
}
