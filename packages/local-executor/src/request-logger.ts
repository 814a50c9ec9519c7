import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import type { Redactor } from "@execkit/errors";

/** One logged HTTP exchange; every field is redacted before it is stored. */
export interface RequestLogEntry {
  /** ISO time the request was sent. */
  timestamp: string;
  /** `api`, `token` (an OAuth2 refresh) or `file` (a download's file request). */
  kind: "api" | "token" | "file";
  method: string;
  url: string;
  /** 1-based attempt number (retries and the re-send after a token refresh count). */
  attempt: number;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: unknown;
  durationMs: number;
  /** Why the exchange failed without a response (network error, timeout, abort). */
  error?: string;
}

/** What the transport hands the logger; redaction happens in the logger. */
export interface RawLogInput {
  kind: RequestLogEntry["kind"];
  method: string;
  url: string;
  attempt: number;
  requestHeaders: Record<string, string>;
  requestBody?: string | Uint8Array;
  status?: number;
  responseHeaders?: Record<string, string>;
  /** Response text, or a description such as `<streamed binary content>`. */
  responseBody?: string;
  startedAt: number;
  error?: string;
}

/** Receives every exchange; {@link NullRequestLogger} when logging is off. */
export interface RequestLogSink {
  /** False when nothing is kept, so callers can skip building log input. */
  readonly enabled: boolean;
  log(input: RawLogInput): void;
  readonly entries: readonly RequestLogEntry[];
  close(): Promise<void>;
}

/** Logging switched off: nothing is kept. */
export class NullRequestLogger implements RequestLogSink {
  readonly enabled = false;
  readonly entries: readonly RequestLogEntry[] = [];
  log(): void {}
  async close(): Promise<void> {}
}

const MAX_LOGGED_BODY_CHARS = 64 * 1024;

/**
 * Keeps the latest `maxLogs` exchanges in memory and streams older ones to `logFile` as JSON Lines, so a long
 * session's memory stays bounded. `close()` appends what is still in memory, leaving every exchange in the file,
 * in order. The first line describes the session.
 *
 * Differs from the reference: its rotation moved old entries to a second in-memory list and wrote one JSON
 * document on close, so memory grew without bound (§10 item 16). The file is JSON Lines for the same reason.
 */
export class RequestLogger implements RequestLogSink {
  readonly enabled = true;
  readonly #entries: RequestLogEntry[] = [];
  readonly #maxLogs: number;
  readonly #logFile: string;
  readonly #redactor: Redactor;
  readonly #header: Record<string, unknown>;
  #stream: WriteStream | undefined;
  #closed = false;

  constructor(options: { maxLogs: number; logFile: string; redactor: Redactor; connectorName: string }) {
    this.#maxLogs = options.maxLogs;
    this.#logFile = options.logFile;
    this.#redactor = options.redactor;
    this.#header = {
      type: "session",
      session_id: randomUUID(),
      started_at: new Date().toISOString(),
      connector_name: options.connectorName,
      max_logs: options.maxLogs,
    };
  }

  /** The exchanges still held in memory (at most `maxLogs`), oldest first. */
  get entries(): readonly RequestLogEntry[] {
    return this.#entries;
  }

  /** The file older exchanges go to. */
  get logFile(): string {
    return this.#logFile;
  }

  log(input: RawLogInput): void {
    if (this.#closed) return;
    const redactor = this.#redactor;
    const entry: RequestLogEntry = {
      timestamp: new Date(input.startedAt).toISOString(),
      kind: input.kind,
      method: input.method,
      url: redactor.redactUrl(input.url),
      attempt: input.attempt,
      requestHeaders: redactor.redactHeaders(input.requestHeaders),
      durationMs: Math.max(0, Date.now() - input.startedAt),
    };
    if (input.requestBody !== undefined) entry.requestBody = this.#redactBody(input.requestBody);
    if (input.status !== undefined) entry.status = input.status;
    if (input.responseHeaders) entry.responseHeaders = redactor.redactHeaders(input.responseHeaders);
    if (input.responseBody !== undefined) entry.responseBody = this.#redactBody(input.responseBody);
    if (input.error !== undefined) entry.error = redactor.redact(input.error);
    this.#entries.push(entry);
    while (this.#entries.length > this.#maxLogs) this.#write(this.#entries.shift()!);
  }

  /** Writes what is still in memory to the file and closes it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#entries.splice(0)) this.#write(entry);
    if (!this.#stream) return;
    const stream = this.#stream;
    stream.end();
    await once(stream, "close");
  }

  #write(entry: RequestLogEntry): void {
    if (!this.#stream) {
      mkdirSync(dirname(this.#logFile), { recursive: true });
      this.#stream = createWriteStream(this.#logFile, { flags: "a" });
      this.#stream.on("error", () => {
        // A log file that cannot be written must not break API calls; the entries are lost instead.
      });
      this.#stream.write(`${JSON.stringify(this.#header)}\n`);
    }
    this.#stream.write(`${JSON.stringify(entry)}\n`);
  }

  #redactBody(body: string | Uint8Array): unknown {
    if (typeof body !== "string") return `<binary content, ${body.byteLength} bytes>`;
    const text = body.length > MAX_LOGGED_BODY_CHARS ? `${body.slice(0, MAX_LOGGED_BODY_CHARS)}…` : body;
    const trimmed = text.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return this.#redactor.redactValue(JSON.parse(trimmed));
      } catch {
        // Not JSON after all: redact as text.
      }
    }
    if (/^[^\s=&]+=[^\s&]*(&[^\s=&]+=[^\s&]*)*$/.test(trimmed)) {
      const pairs = new URLSearchParams(trimmed);
      const out: Record<string, unknown> = {};
      for (const [key, value] of pairs) out[key] = value;
      return this.#redactor.redactValue(out);
    }
    return this.#redactor.redact(text);
  }
}

/** The reference's default log file name: `.logs/session_YYYYMMDD_HHMMSS.jsonl`. */
export function defaultLogFile(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `.logs/session_${stamp}.jsonl`;
}
