import { toByteStream } from "@execkit/core";
import {
  type HTTPClientError,
  type Redactor,
  RequestAbortedError,
  RequestTimeoutError,
} from "@execkit/errors";
import { Agent, type Dispatcher, request } from "undici";
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
  /** True for the token call, whose 401/403 become a `TokenRefreshError`. */
  tokenCall?: boolean;
  /**
   * Hand a successful body that is not JSON (a download) back unread, as a stream the caller pulls from,
   * instead of decoding it.
   */
  binary?: boolean;
  /** A non-2xx answer this returns true for is handed back instead of becoming a status error. */
  accept?: (response: CloudResponse) => boolean;
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
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** undici's own timeouts tick every half second: fine for long limits, too coarse for short ones. */
const PRECISE_TIMEOUT_BELOW_MS = 5_000;

/**
 * Sends single HTTP requests to the cloud API over undici and answers with the response or a typed error: a
 * status error for any non-2xx answer, a network, timeout or abort error when no answer came. It neither
 * retries nor refreshes tokens; the layers above decide that.
 *
 * `timeoutMs` bounds connecting (on the agent the transport owns), the wait for the response headers and each
 * wait for more of the body, as httpx's timeout does in the reference; these use undici's cheap timers, which
 * tick every half second. A limit under 5 s, or a call with its own `AbortSignal`, also gets a precise timer
 * over the whole attempt.
 */
export class CloudTransport {
  readonly #options: CloudTransportOptions;
  readonly #owned: Agent | undefined;
  readonly #dispatcher: Dispatcher;

  constructor(options: CloudTransportOptions) {
    this.#options = options;
    this.#owned = options.dispatcher ? undefined : new Agent({ connect: { timeout: options.timeoutMs } });
    this.#dispatcher = options.dispatcher ?? this.#owned!;
  }

  /** The absolute URL of a call, query string included, as it goes on the wire. */
  urlOf(call: Pick<CloudCall, "path" | "query">): string {
    const query = call.query ? encodeQuery(call.query) : "";
    return `${this.#options.apiUrl}${call.path}${query ? `?${query}` : ""}`;
  }

  /**
   * Sends `call` once, with `token` as the bearer (none on the token call) and the caller's `signal`. Resolves
   * with a 2xx (or accepted) response; rejects with a typed error otherwise.
   */
  async send(call: CloudCall, token?: string, signal?: AbortSignal): Promise<CloudResponse> {
    const { timeoutMs, lifetime, organizationId } = this.#options;
    let url = this.urlOf(call);
    if (signal?.aborted) throw abortError(signal, `${call.method} ${url}`, { method: call.method, url });
    let method: string = call.method;
    let body = call.body === undefined ? undefined : encodeJsonBody(call.body);
    const headers = buildHeaders({ token, organizationId, hasJsonBody: body !== undefined });
    // A precise per-attempt timer (and an AbortController to link signals) costs about a tenth of a loopback
    // round trip, so it is only paid for where it matters; otherwise the lifetime signal is used as is.
    const deadline =
      signal !== undefined || timeoutMs < PRECISE_TIMEOUT_BELOW_MS
        ? new Deadline(timeoutMs, [lifetime, signal])
        : undefined;
    let answer: CloudResponse;
    // A streamed body outlives this call: the caller's signal and close() must still reach it.
    let streaming = false;
    try {
      for (let hop = 0; ; hop++) {
        const response = await request(url, {
          method: method as Dispatcher.HttpMethod,
          headers,
          body,
          dispatcher: this.#dispatcher,
          signal: deadline?.signal ?? lifetime,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const location = response.headers.location;
        if (
          REDIRECT_STATUSES.has(response.statusCode) &&
          typeof location === "string" &&
          hop < MAX_REDIRECTIONS
        ) {
          await response.body.dump();
          const next = new URL(location, url);
          // As httpx: the token never follows a redirect to another origin, and 303 (or 301/302 after a POST)
          // turns the request into a GET without a body.
          if (next.origin !== new URL(url).origin) delete headers.authorization;
          if (
            response.statusCode === 303 ||
            ((response.statusCode === 301 || response.statusCode === 302) && method === "POST")
          ) {
            method = "GET";
            body = undefined;
            delete headers["content-type"];
          }
          url = next.toString();
          continue;
        }
        // undici's headers are kept as they come (lower-case names); the error classes normalise them if needed.
        const responseHeaders = response.headers;
        const binary =
          call.binary === true && response.statusCode < 300 && !isJson(responseHeaders["content-type"]);
        if (binary) {
          streaming = true;
          // The whole-attempt timer covered the wait for the headers; from here undici's body timeout bounds
          // each wait for more bytes, so a large download is not cut off for taking long in total.
          deadline?.stopTimer();
          answer = {
            method,
            url,
            status: response.statusCode,
            headers: responseHeaders,
            text: "",
            stream: toByteStream(response.body, {
              method,
              url,
              redactor: this.#options.redactor,
              // The request's own signal: it aborts for the caller's signal and for close() alike.
              signal: deadline?.signal ?? lifetime,
              timeoutMs,
              onSettled: () => deadline?.dispose(),
            }),
          };
          break;
        }
        answer = {
          method,
          url,
          status: response.statusCode,
          headers: responseHeaders,
          text: await response.body.text(),
        };
        break;
      }
    } catch (error) {
      throw this.#failure(error, signal, method, url, deadline?.timedOut === true);
    } finally {
      if (!streaming) deadline?.dispose();
    }
    if ((answer.status < 200 || answer.status >= 300) && !call.accept?.(answer)) {
      throw cloudStatusError(answer, this.#options.redactor, { tokenCall: call.tokenCall });
    }
    return answer;
  }

  /** A caller's abort, the executor's close or the deadline decide the error; otherwise undici's is mapped. */
  #failure(
    error: unknown,
    signal: AbortSignal | undefined,
    method: string,
    url: string,
    timedOut: boolean,
  ): HTTPClientError {
    const { timeoutMs, redactor, lifetime } = this.#options;
    const where = `${method} ${url}`;
    if (lifetime.aborted) {
      return new RequestAbortedError(`${where} was cancelled because the HostedExecutor was closed.`, {
        method,
        url,
        redactor,
      });
    }
    if (signal?.aborted) return abortError(signal, where, { method, url });
    if (timedOut) {
      return new RequestTimeoutError(
        `${where} took longer than ${timeoutMs} ms and was cancelled. The cloud API may be slow; retry later or raise timeoutMs.`,
        { method, url, timeoutMs, cause: error, redactor },
      );
    }
    return transportError(error, { method, url, timeoutMs }, redactor);
  }

  /** Closes the agent the transport created; a dispatcher passed in stays open, since its owner may share it. */
  async close(): Promise<void> {
    if (this.#owned && !this.#owned.closed) await this.#owned.close();
  }
}

function isJson(contentType: string | string[] | undefined): boolean {
  return contentType === undefined || /[/+]json\b/i.test(String(contentType));
}

/**
 * The abort signal of one request: it fires when `timeoutMs` runs out or when any of `parents` (the caller's
 * signal, the executor's lifetime) aborts. Plain listeners, which cost far less than `AbortSignal.any` on Node 20.
 */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #parents: AbortSignal[];
  readonly #onAbort = () => this.#controller.abort();
  #timedOut = false;

  constructor(timeoutMs: number, parents: ReadonlyArray<AbortSignal | undefined>) {
    this.#parents = parents.filter((parent): parent is AbortSignal => parent !== undefined);
    for (const parent of this.#parents) {
      if (parent.aborted) this.#controller.abort();
      else parent.addEventListener("abort", this.#onAbort, { once: true });
    }
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort();
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Ends the time limit but keeps the parents linked (a body still being streamed). */
  stopTimer(): void {
    clearTimeout(this.#timer);
  }

  /** True when the timeout, not a parent, aborted the request. */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    for (const parent of this.#parents) parent.removeEventListener("abort", this.#onAbort);
  }
}
