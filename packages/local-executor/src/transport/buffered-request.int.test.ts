import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Agent, MockAgent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendBuffered } from "./buffered-request";

describe("sendBuffered on a loopback server", () => {
  let server: Server;
  let origin: string;
  const agent = new Agent({ connections: 4 });
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        switch (req.url) {
          case "/bom":
            res.writeHead(200, { "content-type": "application/json" });
            res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":"é"}')]));
            return;
          case "/chunks":
            res.writeHead(200, { "set-cookie": ["a=1", "b=2"], "X-Custom": "Value" });
            res.write("part one, ");
            setTimeout(() => res.end("part two"), 20);
            return;
          case "/early-hints":
            res.writeEarlyHints({ link: "</style.css>; rel=preload" });
            res.writeHead(201, { "content-type": "text/plain" });
            res.end("created");
            return;
          case "/echo":
            res.writeHead(200, { "content-type": "application/json" });
            res.end(
              JSON.stringify({
                method: req.method,
                body: Buffer.concat(chunks).toString(),
                auth: req.headers.authorization,
              }),
            );
            return;
          case "/reset":
            res.writeHead(200, { "content-length": "1000" });
            res.write("partial");
            setTimeout(() => req.socket.destroy(), 10);
            return;
          case "/slow":
            setTimeout(() => res.end("late"), 2_000);
            return;
          default:
            res.writeHead(204);
            res.end();
        }
      });
    });
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (path: string, extra: Partial<Parameters<typeof sendBuffered>[1]> = {}) =>
    sendBuffered(agent, {
      origin,
      path,
      method: "GET",
      headers: {},
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
      ...extra,
    });

  it("decodes UTF-8 and drops a byte-order mark, as body.text() does", { timeout: 5_000 }, async () => {
    const response = await send("/bom");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: "é" });
  });

  it("joins chunks and keeps repeated headers, names lower-cased", { timeout: 5_000 }, async () => {
    const response = await send("/chunks");
    expect(response.text).toBe("part one, part two");
    expect(response.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(response.headers["x-custom"]).toBe("Value");
  });

  it("skips 1xx interim responses", { timeout: 5_000 }, async () => {
    const response = await send("/early-hints");
    expect(response).toMatchObject({ status: 201, text: "created" });
  });

  it("sends method, headers and body; an empty body is an empty string", { timeout: 5_000 }, async () => {
    const response = await send("/echo", {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(JSON.parse(response.text)).toEqual({ method: "POST", body: '{"a":1}', auth: "Bearer t" });
    expect(await send("/nothing")).toMatchObject({ status: 204, text: "" });
  });

  it("reports the phase change when headers arrive, then a reset mid-body as undici's error", {
    timeout: 5_000,
  }, async () => {
    const progress = { headersReceived: false };
    const error = await send("/reset", { progress }).catch((e: unknown) => e);
    expect(progress.headersReceived).toBe(true);
    expect((error as { code?: string }).code).toMatch(/^UND_ERR_SOCKET$|^ECONNRESET$/);
  });

  it("aborts with the signal's reason, before and during the request", { timeout: 5_000 }, async () => {
    const before = new AbortController();
    before.abort(new Error("stop early"));
    await expect(send("/slow", { signal: before.signal })).rejects.toThrow("stop early");

    const during = new AbortController();
    const started = Date.now();
    setTimeout(() => during.abort(new Error("stop now")), 50);
    await expect(send("/slow", { signal: during.signal })).rejects.toThrow("stop now");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("times out waiting for headers with undici's timeout error", { timeout: 5_000 }, async () => {
    const error = await send("/slow", { headersTimeout: 100 }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("UND_ERR_HEADERS_TIMEOUT");
  });

  it("rejects (never throws) on a closed dispatcher", { timeout: 5_000 }, async () => {
    const closed = new Agent();
    await closed.close();
    await expect(
      sendBuffered(closed, {
        origin,
        path: "/",
        method: "GET",
        headers: {},
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
    ).rejects.toThrow();
  });

  it("works with a MockAgent, which sees the same dispatch options as request() would give it", {
    timeout: 5_000,
  }, async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get("https://api.example.com")
      .intercept({ path: "/v1/items?limit=2", method: "GET", headers: { authorization: "Bearer m" } })
      .reply(
        200,
        { data: [1, 2] },
        { headers: { "content-type": "application/json", link: "<x>; rel=next" } },
      );
    try {
      const response = await sendBuffered(mock, {
        origin: "https://api.example.com",
        path: "/v1/items?limit=2",
        method: "GET",
        headers: { authorization: "Bearer m" },
        headersTimeout: 1_000,
        bodyTimeout: 1_000,
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ data: [1, 2] });
      expect(response.headers.link).toBe("<x>; rel=next");
      mock.assertNoPendingInterceptors();
    } finally {
      await mock.close();
    }
  });
});
