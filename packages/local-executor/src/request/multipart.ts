import { randomUUID } from "node:crypto";

/** A fresh boundary, in the reference's `airbyte_boundary_<hex>` shape. */
export function newBoundary(): string {
  return `airbyte_boundary_${randomUUID().replaceAll("-", "")}`;
}

/**
 * RFC 2387 `multipart/related`: a JSON metadata part, then the file's bytes (google-drive's upload).
 * Framing is the reference's: CRLF line ends, the metadata part typed `application/json; charset=UTF-8`.
 */
export function buildMultipartRelated(
  metadata: Readonly<Record<string, unknown>>,
  content: Uint8Array,
  mimeType: string,
  boundary: string,
): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
        `--${boundary}\r\nContent-Type: ${mimeType}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** A file given as a `multipart/form-data` field: bytes plus an optional name and type. */
export interface FormDataFile {
  data: Uint8Array;
  filename?: string;
  contentType?: string;
}

function isFormDataFile(value: unknown): value is FormDataFile {
  return typeof value === "object" && value !== null && (value as FormDataFile).data instanceof Uint8Array;
}

/**
 * `multipart/form-data` (RFC 7578). Scalars become text fields; objects and arrays of objects are sent as JSON
 * text; arrays of scalars repeat the field; `Uint8Array`, `Blob`-free {@link FormDataFile} values become file parts.
 *
 * Differs from the reference: it sent no body at all for `multipart/form-data` operations (§10 item 9).
 */
export function buildMultipartFormData(fields: Readonly<Record<string, unknown>>, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  const quoteName = (name: string) => name.replace(/"/g, "%22").replace(/\r?\n/g, " ");
  const text = (name: string, value: string) => {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoteName(name)}"\r\n\r\n${value}\r\n`,
      ),
    );
  };
  const file = (name: string, value: FormDataFile) => {
    const filename = value.filename ?? name;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoteName(name)}"; filename="${quoteName(filename)}"\r\n` +
          `Content-Type: ${value.contentType ?? "application/octet-stream"}\r\n\r\n`,
      ),
      Buffer.from(value.data),
      Buffer.from("\r\n"),
    );
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Uint8Array) file(name, { data: value });
    else if (isFormDataFile(value)) file(name, value);
    else if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
      for (const item of value) if (item !== null && item !== undefined) text(name, String(item));
    } else if (typeof value === "object") text(name, JSON.stringify(value));
    else text(name, String(value));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
