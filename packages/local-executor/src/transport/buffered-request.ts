import { type Dispatcher, util } from "undici";

/** A response read to its end: status, lower-cased headers (repeats as arrays) and the body as text. */
export interface BufferedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** What {@link sendBuffered} sends. */
export interface BufferedRequestOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  headersTimeout: number;
  bodyTimeout: number;
  signal?: AbortSignal;
  /** Set to true once the response headers arrived, so a failure after it is known to be in the body phase. */
  progress?: { headersReceived: boolean };
}

/**
 * Sends one request through `dispatcher.dispatch` and collects the body into a string, as `request()` followed by
 * `body.text()` would (the same handler protocol, header parsing, UTF-8 decoding with the BOM dropped, and
 * errors), but without a stream object per response: most API responses are small JSON read whole, and building
 * and draining a stream cost more than the executor's own work. Downloads keep using `request()`, which streams.
 */
export function sendBuffered(
  dispatcher: Dispatcher,
  options: BufferedRequestOptions,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const handler = new BufferingHandler(resolve, reject, signal, options.progress);
    try {
      dispatcher.dispatch(
        {
          origin: options.origin,
          path: options.path,
          method: options.method as Dispatcher.HttpMethod,
          headers: options.headers,
          body: options.body,
          headersTimeout: options.headersTimeout,
          bodyTimeout: options.bodyTimeout,
        },
        handler,
      );
    } catch (error) {
      // Invalid arguments and a closed dispatcher may throw synchronously.
      handler.onError(error as Error);
    }
  });
}

/**
 * undici's handler protocol (the one `request()` itself implements), collecting the body. A class rather than an
 * object of closures: one allocation per request, and it is the abort listener itself (`handleEvent`).
 */
class BufferingHandler implements Dispatcher.DispatchHandler {
  #resolve: (response: BufferedResponse) => void;
  #reject: (error: unknown) => void;
  #signal: AbortSignal | undefined;
  #progress: { headersReceived: boolean } | undefined;
  #abort: ((reason?: Error) => void) | undefined;
  #settled = false;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(
    resolve: (response: BufferedResponse) => void,
    reject: (error: unknown) => void,
    signal: AbortSignal | undefined,
    progress: { headersReceived: boolean } | undefined,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    this.#progress = progress;
    signal?.addEventListener("abort", this, { once: true });
  }

  /** The signal's abort event. */
  handleEvent(): void {
    this.#abort?.(this.#signal?.reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
    if (this.#signal?.aborted) abort(this.#signal.reason);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null): boolean {
    // 1xx interim responses (100 Continue, 103 Early Hints) are followed by the real one.
    if (statusCode < 200) return true;
    this.#status = statusCode;
    this.#headers = util.parseHeaders(rawHeaders as Buffer[]);
    if (this.#progress) this.#progress.headersReceived = true;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    return true;
  }

  onComplete(): void {
    if (this.#finish())
      this.#resolve({
        status: this.#status,
        headers: this.#headers,
        text: decodeUtf8(this.#chunks, this.#length),
      });
  }

  onError(error: Error): void {
    if (this.#finish()) this.#reject(error);
  }

  /** True the first time: a handler settles once, whatever undici calls after. */
  #finish(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#signal?.removeEventListener("abort", this);
    return true;
  }
}

/** UTF-8 text of the chunks, a leading byte-order mark dropped (what undici's `body.text()` returns). */
function decodeUtf8(chunks: readonly Buffer[], length: number): string {
  if (length === 0) return "";
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString("utf8", start);
}
