import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll } from "vitest";

/** A request as a loopback test server saw it. */
export interface ReceivedRequest {
  method: string;
  host: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A node:http server on 127.0.0.1 with a handler that may be swapped per test; records every request. */
export interface LoopbackServer {
  readonly port: number;
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  handler: (request: ReceivedRequest, response: ServerResponse, raw: IncomingMessage) => void | Promise<void>;
  close(): Promise<void>;
}

/** Starts a loopback server; close it in `afterAll`/`finally`. */
export async function startLoopbackServer(
  handler: LoopbackServer["handler"] = (_request, response) => {
    response.statusCode = 404;
    response.end();
  },
): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const state = { handler };
  const server: Server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on("data", (chunk: Buffer) => chunks.push(chunk));
    raw.on("end", () => {
      const request: ReceivedRequest = {
        method: raw.method ?? "GET",
        host: String(raw.headers.host ?? ""),
        url: raw.url ?? "/",
        headers: raw.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      Promise.resolve(state.handler(request, response, raw)).catch((error: unknown) => {
        if (!response.headersSent) response.statusCode = 599;
        response.end(String(error));
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(next) {
      state.handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An undici Agent that connects every origin (any host, http or https) to the loopback port in plain HTTP, so
 * recorded traffic to real API hosts can be replayed. The Host header keeps the original host.
 */
export function loopbackAgent(port: number): Agent {
  return new Agent({
    connect: (_options, callback) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => callback(null, socket));
      socket.once("error", (error) => callback(error, null));
    },
  });
}

/**
 * One loopback server for a `describe` block: started before its tests, its recorded requests cleared and every
 * executor pushed to `executors` closed after each test, and stopped at the end.
 */
export function useLoopbackServer<T extends { close(): Promise<void> }>(): {
  readonly server: LoopbackServer;
  readonly executors: T[];
} {
  let server: LoopbackServer | undefined;
  const executors: T[] = [];
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((executor) => executor.close()));
    if (server) server.requests.length = 0;
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server(): LoopbackServer {
      if (!server) throw new Error("useLoopbackServer: the server starts in beforeAll; use it inside a test");
      return server;
    },
    executors,
  };
}

/** Answers with a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
