import type { Readable } from "node:stream";
import type { ByteStream } from "@execkit/core";
import {
  ExecKitError,
  NetworkError,
  type Redactor,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseFormatError,
} from "@execkit/errors";

/**
 * Reads the file URL of a two-step download from the metadata response: `x-airbyte-file-url` is a dot path with
 * `name[index]` segments (not JSONPath), whose `{param}` placeholders are first filled from the params.
 */
export function resolveFileUrl(
  template: string,
  params: Readonly<Record<string, unknown>>,
  metadata: unknown,
  context: { entity: string; redactor: Redactor },
): string {
  const path = template.replace(/\{\s*(\w+)\s*\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) {
      throw new ResponseFormatError(
        `The download of ${context.entity} needs the '${name}' param to locate the file URL (${template}).`,
        { redactor: context.redactor },
      );
    }
    return String(value);
  });
  let current: unknown = metadata;
  for (const segment of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) throw fileUrlError(path, `the segment '${segment}' is not a name or name[index]`, context);
    const [, name, indexes] = match;
    if (name) {
      if (current === null || typeof current !== "object" || Array.isArray(current) || !(name in current)) {
        throw fileUrlError(path, `'${name}' is missing`, context);
      }
      current = (current as Record<string, unknown>)[name];
    }
    for (const index of indexes!.matchAll(/\[(\d+)\]/g)) {
      const position = Number(index[1]);
      if (!Array.isArray(current) || position >= current.length) {
        throw fileUrlError(path, `index ${position} of '${name}' is out of range`, context);
      }
      current = current[position];
    }
  }
  if (typeof current !== "string" || current === "")
    throw fileUrlError(path, "the value is not a URL string", context);
  return current;
}

function fileUrlError(
  path: string,
  detail: string,
  context: { entity: string; redactor: Redactor },
): ResponseFormatError {
  return new ResponseFormatError(
    `Could not read the file URL of the ${context.entity} download at '${path}': ${detail}.`,
    {
      redactor: context.redactor,
    },
  );
}

/**
 * Exposes a response body as an `AsyncIterable<Uint8Array>` that pulls from the socket as the caller reads, so a
 * download of any size uses constant memory. Failures while reading become typed errors; breaking out of the
 * loop closes the connection.
 */
export function toByteStream(
  stream: Readable,
  context: { method: string; url: string; redactor: Redactor; signal?: AbortSignal; timeoutMs: number },
): ByteStream {
  let consumed = false;
  return {
    [Symbol.asyncIterator]: async function* () {
      if (consumed) {
        throw new ExecKitError(
          "This download stream was already read; execute the download again to read it twice.",
          {
            code: "STREAM_CONSUMED",
          },
        );
      }
      consumed = true;
      try {
        for await (const chunk of stream) yield chunk as Uint8Array;
      } catch (cause) {
        throw mapStreamError(cause, context);
      } finally {
        if (!stream.destroyed) {
          // Stopping early aborts the body; that abort is expected, not an error to report.
          stream.on("error", () => {});
          stream.destroy();
        }
      }
    },
  };
}

function mapStreamError(
  cause: unknown,
  context: { method: string; url: string; redactor: Redactor; signal?: AbortSignal; timeoutMs: number },
): ExecKitError {
  const { method, url, redactor } = context;
  if (ExecKitError.isInstance(cause)) return cause as ExecKitError;
  if (context.signal?.aborted) {
    return new RequestAbortedError(`The download from ${method} ${url} was aborted by the caller's signal.`, {
      method,
      url,
      cause,
      redactor,
    });
  }
  const code = (cause as { code?: unknown })?.code;
  if (code === "UND_ERR_BODY_TIMEOUT") {
    return new RequestTimeoutError(
      `The download from ${method} ${url} stalled for more than ${context.timeoutMs} ms.`,
      {
        method,
        url,
        timeoutMs: context.timeoutMs,
        phase: "body",
        cause,
        redactor,
      },
    );
  }
  return new NetworkError(
    `The download from ${method} ${url} broke off: ${(cause as Error)?.message ?? String(cause)}. Execute it again to restart it.`,
    { method, url, requestSent: true, cause, redactor },
  );
}

/** Wraps an already-buffered body as a byte stream (used after a response-error check read a JSON body). */
export function bufferToByteStream(buffer: Uint8Array): ByteStream {
  return {
    [Symbol.asyncIterator]: async function* () {
      if (buffer.byteLength > 0) yield buffer;
    },
  };
}
