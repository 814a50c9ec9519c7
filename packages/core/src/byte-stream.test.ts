import { PassThrough, Readable } from "node:stream";
import {
  ExecKitError,
  NetworkError,
  Redactor,
  RequestAbortedError,
  RequestTimeoutError,
} from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { bufferToByteStream, toByteStream } from "./byte-stream";

const SECRET = "sk_live_abcdefghijklmnop";
const context = (extra: Partial<Parameters<typeof toByteStream>[1]> = {}) => ({
  method: "GET",
  url: "https://files.example.com/f?token=x",
  redactor: new Redactor([SECRET]),
  timeoutMs: 1_000,
  ...extra,
});

async function collect(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function failureOf(stream: AsyncIterable<Uint8Array>): Promise<unknown> {
  return collect(stream).then(
    () => {
      throw new Error("expected the read to fail");
    },
    (error: unknown) => error,
  );
}

describe("toByteStream", () => {
  it("yields the body's chunks in order, once, and reports the end", async () => {
    let settled = 0;
    const stream = toByteStream(
      Readable.from([Buffer.from("ab"), Buffer.from("cd")]),
      context({ onSettled: () => settled++ }),
    );
    expect(await collect(stream)).toBe("abcd");
    expect(settled).toBe(1);
    const again = await failureOf(stream);
    expect(ExecKitError.isInstance(again)).toBe(true);
    expect((again as ExecKitError).code).toBe("STREAM_CONSUMED");
  });

  it("closes the body when the reader stops early", async () => {
    const body = new PassThrough();
    body.write("first");
    let settled = 0;
    for await (const chunk of toByteStream(body, context({ onSettled: () => settled++ }))) {
      expect(Buffer.from(chunk).toString()).toBe("first");
      break;
    }
    expect(body.destroyed).toBe(true);
    expect(settled).toBe(1);
  });

  it("types a stalled body as RequestTimeoutError", async () => {
    const body = new PassThrough();
    body.destroy(Object.assign(new Error("Body Timeout Error"), { code: "UND_ERR_BODY_TIMEOUT" }));
    const error = await failureOf(toByteStream(body, context()));
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect((error as RequestTimeoutError).message).toContain("stalled for more than 1000 ms");
  });

  it("types a read that failed after the caller aborted as RequestAbortedError", async () => {
    const controller = new AbortController();
    controller.abort();
    const body = new PassThrough();
    body.destroy(new Error("aborted"));
    const error = await failureOf(toByteStream(body, context({ signal: controller.signal })));
    expect(RequestAbortedError.isInstance(error)).toBe(true);
  });

  it("types any other failure as NetworkError without leaking a secret", async () => {
    const body = new PassThrough();
    body.destroy(new Error(`socket hang up while sending ${SECRET}`));
    const error = await failureOf(toByteStream(body, context()));
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).message).toContain("broke off");
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect((error as NetworkError).message).not.toContain(SECRET);
  });
});

describe("bufferToByteStream", () => {
  it("serves the bytes, and nothing for an empty buffer", async () => {
    expect(await collect(bufferToByteStream(Buffer.from("pdf")))).toBe("pdf");
    const chunks: Uint8Array[] = [];
    for await (const chunk of bufferToByteStream(new Uint8Array())) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});
