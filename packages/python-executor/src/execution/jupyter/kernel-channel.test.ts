import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ContainerConfigurationError, ContainerConnectivityError, Redactor } from "@execkit/errors";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { parseJupyterEndpoint } from "./jupyter-endpoint";
import { KernelChannel } from "./kernel-channel";
import type { KernelMessage } from "./kernel-messages";

/**
 * A scripted stand-in for a kernel's channels endpoint on loopback: each test decides what the "kernel" answers,
 * so ordering and failure cases can be exercised exactly. The real server is covered by the .int tests.
 */
interface FakeKernel {
  baseUrl: string;
  received: KernelMessage[];
  sockets: WebSocket[];
  upgradeHeaders: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

let fakes: FakeKernel[] = [];
const channels: KernelChannel[] = [];

afterEach(async () => {
  await Promise.all(channels.splice(0).map((channel) => channel.close()));
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});

async function fakeKernel(
  onMessage: (message: KernelMessage, socket: WebSocket) => void,
  options: { rejectWith?: number } = {},
): Promise<FakeKernel> {
  const server: Server = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const fake: FakeKernel = {
    baseUrl: "",
    received: [],
    sockets: [],
    upgradeHeaders: [],
    close: async () => {
      for (const socket of fake.sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
  server.on("upgrade", (request, socket, head) => {
    fake.upgradeHeaders.push(request.headers);
    if (options.rejectWith !== undefined) {
      socket.end(`HTTP/1.1 ${options.rejectWith} Nope\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      fake.sockets.push(ws);
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as KernelMessage;
        fake.received.push(message);
        onMessage(message, ws);
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  fakes.push(fake);
  return fake;
}

function reply(
  socket: WebSocket,
  parent: KernelMessage,
  channel: string,
  msgType: string,
  content: Record<string, unknown>,
): void {
  socket.send(
    JSON.stringify({
      header: {
        msg_id: `${msgType}-${Math.random()}`,
        msg_type: msgType,
        session: "k",
        username: "k",
        date: "",
        version: "5.3",
      },
      parent_header: parent.header,
      metadata: {},
      content,
      channel,
    }),
  );
}

async function open(fake: FakeKernel, token = "secret-token-123456"): Promise<KernelChannel> {
  const channel = await KernelChannel.open({
    endpoint: parseJupyterEndpoint(fake.baseUrl),
    kernelId: "kernel-1",
    headers: { authorization: `token ${token}` },
    redactor: new Redactor([token]),
    connectTimeoutMs: 5_000,
  });
  channels.push(channel);
  return channel;
}

/** Answers like ipykernel: busy, output, reply, idle. */
function behaveLikeAKernel(message: KernelMessage, socket: WebSocket): void {
  if (message.header.msg_type === "kernel_info_request") {
    reply(socket, message, "iopub", "status", { execution_state: "busy" });
    reply(socket, message, "shell", "kernel_info_reply", { status: "ok", protocol_version: "5.3" });
    reply(socket, message, "iopub", "status", { execution_state: "idle" });
    return;
  }
  const code = String((message.content as { code?: unknown }).code);
  reply(socket, message, "iopub", "status", { execution_state: "busy" });
  reply(socket, message, "iopub", "stream", { name: "stdout", text: `ran ${code}\n` });
  reply(socket, message, "iopub", "stream", { name: "stderr", text: "warn\n" });
  reply(socket, message, "iopub", "display_data", { data: { "text/plain": "x" } });
  if (code === "fail") {
    const error = { ename: "ValueError", evalue: "bad", traceback: ["\u001b[0;31mValueError\u001b[0m: bad"] };
    reply(socket, message, "iopub", "error", error);
    reply(socket, message, "shell", "execute_reply", { status: "error", execution_count: 2, ...error });
  } else {
    reply(socket, message, "shell", "execute_reply", { status: "ok", execution_count: 1 });
  }
  reply(socket, message, "iopub", "status", { execution_state: "idle" });
}

describe("KernelChannel", () => {
  it("sends execute_request in the JSON wire format with the token header, and collects what comes back", async () => {
    const fake = await fakeKernel(behaveLikeAKernel);
    const channel = await open(fake);
    const streamed: string[] = [];
    const outcome = await channel.execute("print(1)", {
      onStream: (name, text) => streamed.push(`${name}:${text}`),
    }).done;
    expect(outcome).toEqual({
      status: "ok",
      executionCount: 1,
      stdout: "ran print(1)\n",
      stderr: "warn\n",
      displayCount: 1,
    });
    expect(streamed).toEqual(["stdout:ran print(1)\n", "stderr:warn\n"]);
    const sent = fake.received[0]!;
    expect(sent.channel).toBe("shell");
    expect(sent.header.msg_type).toBe("execute_request");
    expect(sent.header.version).toBe("5.3");
    expect(sent.header.session).toBe(channel.sessionId);
    expect(sent.content).toMatchObject({
      code: "print(1)",
      silent: false,
      store_history: false,
      allow_stdin: false,
    });
    expect(fake.upgradeHeaders[0]!.authorization).toBe("token secret-token-123456");
  });

  it("reports an error reply with its exception", async () => {
    const fake = await fakeKernel(behaveLikeAKernel);
    const channel = await open(fake);
    const outcome = await channel.execute("fail").done;
    expect(outcome.status).toBe("error");
    expect(outcome.error).toEqual({
      ename: "ValueError",
      evalue: "bad",
      traceback: ["\u001b[0;31mValueError\u001b[0m: bad"],
    });
  });

  it("matches replies to requests by parent msg_id when several are in flight", async () => {
    const held: { message: KernelMessage; socket: WebSocket }[] = [];
    const fake = await fakeKernel((message, socket) => {
      held.push({ message, socket });
      // Answer the second request before the first one.
      if (held.length === 2) for (const item of held.reverse()) behaveLikeAKernel(item.message, item.socket);
    });
    const channel = await open(fake);
    const first = channel.execute("a");
    const second = channel.execute("b");
    expect(first.msgId).not.toBe(second.msgId);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.stdout).toBe("ran a\n");
    expect(b.stdout).toBe("ran b\n");
  });

  it("waits for the iopub idle after the reply, so late output is not lost", async () => {
    const fake = await fakeKernel((message, socket) => {
      reply(socket, message, "iopub", "status", { execution_state: "busy" });
      reply(socket, message, "shell", "execute_reply", { status: "ok", execution_count: 1 });
      setTimeout(() => {
        reply(socket, message, "iopub", "stream", { name: "stdout", text: "late\n" });
        reply(socket, message, "iopub", "status", { execution_state: "idle" });
      }, 100);
    });
    const outcome = await (await open(fake)).execute("x").done;
    expect(outcome.stdout).toBe("late\n");
  });

  it("fails requests in flight with ContainerConnectivityError when the socket closes", async () => {
    const fake = await fakeKernel((_message, socket) => setTimeout(() => socket.terminate(), 50));
    const channel = await open(fake);
    const failure = await channel.execute("x").done.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    expect((failure as ContainerConnectivityError).port).toBe(Number(new URL(fake.baseUrl).port));
    expect(channel.closed).toBe(true);
    // Later requests fail at once instead of waiting for a reply that cannot come.
    await expect(channel.execute("y").done).rejects.toBeInstanceOf(ContainerConnectivityError);
  });

  it("treats a broadcast shutdown_reply as the kernel going away, before the interrupted reply arrives", async () => {
    const fake = await fakeKernel((message, socket) => {
      reply(socket, message, "iopub", "status", { execution_state: "busy" });
      setTimeout(() => {
        reply(
          socket,
          { ...message, header: { ...message.header, msg_id: "server-shutdown" } },
          "iopub",
          "shutdown_reply",
          {
            status: "ok",
            restart: false,
          },
        );
        const interrupted = { ename: "KeyboardInterrupt", evalue: "", traceback: [] };
        reply(socket, message, "shell", "execute_reply", { status: "error", ...interrupted });
        reply(socket, message, "iopub", "status", { execution_state: "idle" });
      }, 50);
    });
    const failure = await (await open(fake)).execute("x").done.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    expect((failure as Error).message).toContain("was shut down");
  });

  it("fails requests in flight when the kernel reports that it died and is restarting", async () => {
    const fake = await fakeKernel((message, socket) => {
      reply(socket, message, "iopub", "status", { execution_state: "busy" });
      setTimeout(
        () =>
          reply(socket, { ...message, header: { ...message.header, msg_id: "" } }, "iopub", "status", {
            execution_state: "restarting",
          }),
        50,
      );
    });
    const channel = await open(fake);
    const failure = await channel.execute("x").done.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    expect((failure as Error).message).toContain("died");
    // The socket is retired: the runner reconnects instead of sending to channels wired to the dead process.
    expect(channel.closed).toBe(true);
  });

  it("answers kernel_info without waiting for idle", async () => {
    const fake = await fakeKernel((message, socket) =>
      reply(socket, message, "shell", "kernel_info_reply", { status: "ok", implementation: "fake" }),
    );
    expect(await (await open(fake)).kernelInfo()).toEqual({ status: "ok", implementation: "fake" });
  });

  it("maps a 404 on the upgrade to ContainerConnectivityError and a 403 to ContainerConfigurationError", async () => {
    const gone = await fakeKernel(() => {}, { rejectWith: 404 });
    await expect(open(gone)).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof ContainerConnectivityError && error.message.includes("no longer exists"),
    );
    const forbidden = await fakeKernel(() => {}, { rejectWith: 403 });
    const failure = await open(forbidden, "another-secret-987654").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConfigurationError);
    expect((failure as ContainerConfigurationError).configKey).toBe("jupyter.token");
    expect(JSON.stringify((failure as ContainerConfigurationError).toJSON())).not.toContain(
      "another-secret-987654",
    );
  });

  it("maps a refused connection to ContainerConnectivityError", async () => {
    const fake = await fakeKernel(() => {});
    const baseUrl = fake.baseUrl;
    await fake.close();
    fakes = [];
    const failure = await KernelChannel.open({
      endpoint: parseJupyterEndpoint(baseUrl),
      kernelId: "k",
      headers: {},
      redactor: new Redactor(),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    expect((failure as ContainerConnectivityError).host).toBe("127.0.0.1");
  });
});
