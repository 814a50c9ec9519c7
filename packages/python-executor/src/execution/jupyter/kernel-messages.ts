/**
 * The Jupyter messaging protocol (v5.3) as the kernel WebSocket carries it in the JSON wire format: every frame is
 * one message object with its `channel`. Only the fields we read are typed; the rest pass through untouched.
 */
import { randomUUID } from "node:crypto";

/** The version of the messaging spec our requests claim. */
export const PROTOCOL_VERSION = "5.3";

/** The channels a message travels on. */
export type KernelChannelName = "shell" | "iopub" | "stdin" | "control";

/** A message header. `msg_id` identifies the message; replies and outputs carry it as `parent_header.msg_id`. */
export interface KernelMessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** One message, in either direction. */
export interface KernelMessage<Content = Record<string, unknown>> {
  header: KernelMessageHeader;
  parent_header: Partial<KernelMessageHeader>;
  metadata: Record<string, unknown>;
  content: Content;
  channel: KernelChannelName;
  buffers?: unknown[];
}

/** `content` of an iopub `stream` message. */
export interface StreamContent {
  name: "stdout" | "stderr";
  text: string;
}

/** `content` of an iopub `error` message and of an `execute_reply` with status `error`. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  /** Lines of the traceback, with ANSI colour codes. */
  traceback: string[];
}

/** `content` of an `execute_reply`. */
export interface ExecuteReplyContent extends Partial<ErrorContent> {
  status: "ok" | "error" | "aborted";
  execution_count?: number | null;
}

/** `content` of an `execute_request`. */
export interface ExecuteRequestContent {
  code: string;
  silent: boolean;
  store_history: boolean;
  user_expressions: Record<string, string>;
  allow_stdin: boolean;
  stop_on_error: boolean;
}

/** Builds a request message with a fresh `msg_id`. */
export function createKernelMessage<Content>(
  msgType: string,
  content: Content,
  options: { session: string; channel?: KernelChannelName; username?: string },
): KernelMessage<Content> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session: options.session,
      username: options.username ?? "execkit",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
    channel: options.channel ?? "shell",
    buffers: [],
  };
}

/**
 * Parses one WebSocket frame; `undefined` for anything that is not a JSON message with a header (binary frames
 * of the newer v1 wire protocol are not negotiated, so none should arrive).
 */
export function parseKernelMessage(data: unknown): KernelMessage | undefined {
  let text: string;
  if (typeof data === "string") text = data;
  else if (Buffer.isBuffer(data)) text = data.toString("utf8");
  else if (Array.isArray(data)) text = Buffer.concat(data as Buffer[]).toString("utf8");
  else if (data instanceof ArrayBuffer) text = Buffer.from(data).toString("utf8");
  else return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const message = parsed as Partial<KernelMessage>;
  if (message.header === undefined || typeof message.header.msg_type !== "string") return undefined;
  return {
    header: message.header,
    parent_header: message.parent_header ?? {},
    metadata: message.metadata ?? {},
    content: (message.content ?? {}) as Record<string, unknown>,
    channel: message.channel ?? "iopub",
    buffers: message.buffers,
  };
}

/** Removes the ANSI colour codes IPython puts in tracebacks. */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC by definition.
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}
