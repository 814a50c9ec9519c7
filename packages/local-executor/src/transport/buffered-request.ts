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
  /** Called when the response headers arrived (the rest is the body phase). */
  onHeaders?: () => void;
}

/**
 * Sends one request through `dispatcher.dispatch` and collects the body into a string, as `request()` followed by
 * `body.text()` would (same header parsing, same UTF-8 decoding with the BOM dropped, same errors), but without a
 * stream object and its machinery per response: most API responses are small JSON read whole, and the stream cost
 * more than the executor's own work. Downloads keep using `request()`, which streams.
 */
export function sendBuffered(
  dispatcher: Dispatcher,
  options: BufferedRequestOptions,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    let abort: ((reason?: Error) => void) | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    let length = 0;
    const onAbort = () => abort?.(signal?.reason);
    const finish = () => {
      settled = true;
      signal?.removeEventListener("abort", onAbort);
    };
    if (signal) {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener("abort", onAbort, { once: true });
    }
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest as (reason?: Error) => void;
        if (signal?.aborted) abortRequest(signal.reason);
      },
      onHeaders(statusCode, rawHeaders, _resume) {
        // 1xx interim responses (100 Continue, 103 Early Hints) are followed by the real one.
        if (statusCode < 200) return true;
        status = statusCode;
        headers = util.parseHeaders(rawHeaders as Buffer[]);
        options.onHeaders?.();
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        length += chunk.length;
        return true;
      },
      onComplete() {
        if (settled) return;
        finish();
        resolve({ status, headers, text: decodeUtf8(chunks, length) });
      },
      onError(error) {
        if (settled) return;
        finish();
        reject(error);
      },
    };
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
      // Invalid arguments and a closed dispatcher throw synchronously.
      if (!settled) {
        finish();
        reject(error);
      }
    }
  });
}

/** UTF-8 text of the chunks, a leading byte-order mark dropped (what undici's `body.text()` returns). */
function decodeUtf8(chunks: readonly Buffer[], length: number): string {
  if (length === 0) return "";
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString("utf8", start);
}
