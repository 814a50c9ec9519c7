import type { Readable } from "node:stream";
import {
  ExecKitError,
  NetworkError,
  type Redactor,
  RequestAbortedError,
  RequestTimeoutError,
} from "@execkit/errors";
import type { ByteStream } from "./execution";

/** Where a streamed body comes from, for the errors raised while it is read. */
export interface ByteStreamContext {
  method: string;
  url: string;
  redactor: Redactor;
  /**
   * The signal that cancels the read (the caller's, or the executor's lifetime): a read that fails after it
   * aborted is a {@link RequestAbortedError}.
   */
  signal?: AbortSignal;
  /** The per-chunk read timeout, named in the {@link RequestTimeoutError} of a stalled body. */
  timeoutMs: number;
  /**
   * Called once when reading ends for any reason (done, failed, or the caller broke out of the loop), e.g. to
   * release the abort listeners that must outlive the response headers.
   */
  onSettled?: () => void;
}

/**
 * Exposes a response body as an `AsyncIterable<Uint8Array>` that pulls from the socket as the caller reads, so a
 * download of any size uses constant memory. Failures while reading become typed errors of @execkit/errors;
 * breaking out of the loop closes the connection. The stream can be read once.
 */
export function toByteStream(stream: Readable, context: ByteStreamContext): ByteStream {
  let consumed = false;
  return {
    [Symbol.asyncIterator]: async function* () {
      if (consumed) {
        throw new ExecKitError(
          "This download stream was already read; execute the download again to read it twice.",
          { code: "STREAM_CONSUMED" },
        );
      }
      consumed = true;
      try {
        for await (const chunk of stream) yield chunk as Uint8Array;
      } catch (cause) {
        throw streamError(cause, context);
      } finally {
        if (!stream.destroyed) {
          // Stopping early aborts the body; that abort is expected, not an error to report.
          stream.on("error", () => {});
          stream.destroy();
        }
        context.onSettled?.();
      }
    },
  };
}

/** Serves bytes already in memory (a body that had to be read whole, e.g. for an error check) as a stream. */
export function bufferToByteStream(buffer: Uint8Array): ByteStream {
  return {
    [Symbol.asyncIterator]: async function* () {
      if (buffer.byteLength > 0) yield buffer;
    },
  };
}

function streamError(cause: unknown, context: ByteStreamContext): ExecKitError {
  const { method, url, redactor } = context;
  if (ExecKitError.isInstance(cause)) return cause as ExecKitError;
  if (context.signal?.aborted) {
    return new RequestAbortedError(
      `The download from ${method} ${url} was cancelled before it was read to the end.`,
      {
        method,
        url,
        cause,
        redactor,
      },
    );
  }
  if ((cause as { code?: unknown })?.code === "UND_ERR_BODY_TIMEOUT") {
    return new RequestTimeoutError(
      `The download from ${method} ${url} stalled for more than ${context.timeoutMs} ms.`,
      { method, url, timeoutMs: context.timeoutMs, phase: "body", cause, redactor },
    );
  }
  return new NetworkError(
    `The download from ${method} ${url} broke off: ${(cause as Error)?.message ?? String(cause)}. Execute it again to restart it.`,
    { method, url, requestSent: true, cause, redactor },
  );
}
