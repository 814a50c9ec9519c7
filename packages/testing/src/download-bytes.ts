import { createHash } from "node:crypto";

/**
 * Deterministic download bytes for a key: a SHA-256 stream of the key, so every byte value (non-UTF-8
 * sequences included) appears and two downloads differ. Tests compare what an executor streamed with this.
 *
 * @example
 * ```ts
 * expect(Buffer.concat(chunks)).toEqual(mock.downloadBytes("attachments", "download"));
 * ```
 */
export function expectedDownloadBytes(key: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let offset = 0;
  let counter = 0;
  while (offset < length) {
    const block = createHash("sha256").update(`${key}\0${counter}`).digest();
    offset += block.copy(out, offset);
    counter += 1;
  }
  return out;
}
