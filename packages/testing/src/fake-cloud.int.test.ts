import type { ExecutionConfig, ExecutorProtocol } from "@execkit/core";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeCloud, type FakeCloudOptions, fakeCloudConnector, startFakeCloud } from "./fake-cloud";

const connector = fakeCloudConnector({ id: "conn-1", workspaceName: "acme", definitionId: "def-1" });

/** A minimal in-memory executor: enough to see what the fake cloud does with results and errors. */
function echoExecutor(): ExecutorProtocol & { calls: ExecutionConfig[]; closed: boolean } {
  const calls: ExecutionConfig[] = [];
  const executor = {
    calls,
    closed: false,
    async execute(config: ExecutionConfig | string) {
      const entry = config as ExecutionConfig;
      calls.push(entry);
      if (entry.entity === "missing")
        return { success: false, data: null, error: "Entity 'missing' not found" };
      if (entry.entity === "limited") {
        throw Object.assign(new Error("Rate limit exceeded: slow down"), { status: 429, retryAfterMs: 3000 });
      }
      return { success: true, data: [{ id: 1, params: entry.params }], meta: { next: "abc" } };
    },
    async check() {
      return { success: true, data: { status: "healthy" as const } };
    },
    async close() {
      executor.closed = true;
    },
  };
  return executor;
}

let cloud: FakeCloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function start(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  cloud = await startFakeCloud({ connectors: [connector], createExecutor: () => echoExecutor(), ...options });
  return cloud;
}

async function call(
  method: "GET" | "POST",
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await request(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function token(fake: FakeCloud): Promise<string> {
  const answer = await call("POST", `${fake.url}/api/v1/account/applications/token`, {
    client_id: "test-client-id",
    client_secret: "test-client-secret",
  });
  expect(answer.status).toBe(200);
  return answer.json().access_token;
}

describe("startFakeCloud", () => {
  it("issues tokens with expires_in for good credentials and 401 for bad ones", async () => {
    const fake = await start({ tokenTtlSeconds: 120 });
    const good = await call("POST", `${fake.url}/api/v1/account/applications/token`, {
      client_id: "test-client-id",
      client_secret: "test-client-secret",
    });
    expect(good.status).toBe(200);
    expect(good.json()).toMatchObject({ token_type: "Bearer", expires_in: 120 });
    expect(fake.issuedTokens).toEqual([good.json().access_token]);
    const bad = await call("POST", `${fake.url}/api/v1/account/applications/token`, {
      client_id: "test-client-id",
      client_secret: "nope",
    });
    expect(bad.status).toBe(401);
    expect(bad.json()).toEqual({ message: "Invalid client credentials" });
  });

  it("omits expires_in when asked", async () => {
    const fake = await start({ sendExpiresIn: false });
    const answer = await call("POST", `${fake.url}/api/v1/account/applications/token`, {
      client_id: "test-client-id",
      client_secret: "test-client-secret",
    });
    expect(answer.json()).not.toHaveProperty("expires_in");
  });

  it("rejects unknown, missing and expired tokens with 401", async () => {
    const fake = await start();
    const lookup = `${fake.url}/api/v1/integrations/connectors?workspace_name=acme&definition_id=def-1`;
    expect((await call("GET", lookup)).status).toBe(401);
    expect((await call("GET", lookup, undefined, { authorization: "Bearer made-up" })).status).toBe(401);
    const valid = await token(fake);
    expect((await call("GET", lookup, undefined, { authorization: `Bearer ${valid}` })).status).toBe(200);
    fake.expireTokens();
    const expired = await call("GET", lookup, undefined, { authorization: `Bearer ${valid}` });
    expect(expired.status).toBe(401);
    expect(expired.json()).toEqual({ message: "Invalid or expired token" });
  });

  it("expires tokens after their TTL", async () => {
    const fake = await start({ tokenTtlSeconds: 0.2 });
    const valid = await token(fake);
    const lookup = `${fake.url}/api/v1/integrations/connectors?workspace_name=acme&definition_id=def-1`;
    expect((await call("GET", lookup, undefined, { authorization: `Bearer ${valid}` })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call("GET", lookup, undefined, { authorization: `Bearer ${valid}` })).status).toBe(401);
  });

  it("looks connectors up by workspace, definition and organization", async () => {
    const fake = await start();
    fake.addConnector(fakeCloudConnector({ id: "conn-2", workspaceName: "acme", definitionId: "def-2" }));
    fake.addConnector(fakeCloudConnector({ id: "conn-3", workspaceName: "acme", definitionId: "def-2" }));
    fake.addConnector(
      fakeCloudConnector({
        id: "conn-4",
        workspaceName: "acme",
        definitionId: "def-4",
        organizationId: "org-1",
      }),
    );
    const auth = { authorization: `Bearer ${await token(fake)}` };
    const find = async (query: string, headers: Record<string, string> = auth) =>
      (await call("GET", `${fake.url}/api/v1/integrations/connectors?${query}`, undefined, headers))
        .json()
        .data.map((entry: { id: string }) => entry.id);
    expect(await find("workspace_name=acme&definition_id=def-1")).toEqual(["conn-1"]);
    expect(await find("workspace_name=acme&definition_id=def-2")).toEqual(["conn-2", "conn-3"]);
    expect(await find("workspace_name=other&definition_id=def-1")).toEqual([]);
    expect(await find("workspace_name=acme&definition_id=def-4")).toEqual([]);
    expect(
      await find("workspace_name=acme&definition_id=def-4", { ...auth, "x-organization-id": "org-1" }),
    ).toEqual(["conn-4"]);
  });

  it("runs execute on the connector's executor and maps results and errors", async () => {
    const executors: Array<ReturnType<typeof echoExecutor>> = [];
    const fake = await start({
      createExecutor: () => {
        const executor = echoExecutor();
        executors.push(executor);
        return executor;
      },
    });
    const auth = { authorization: `Bearer ${await token(fake)}` };
    const execute = (id: string, body: unknown) =>
      call("POST", `${fake.url}/api/v1/integrations/connectors/${id}/execute`, body, auth);

    const ok = await execute("conn-1", { entity: "customers", action: "list", params: { limit: 2 } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({
      result: [{ id: 1, params: { limit: 2 } }],
      connector_metadata: { next: "abc" },
    });

    const failed = await execute("conn-1", { entity: "missing", action: "list", params: null });
    expect(failed.status).toBe(400);
    expect(failed.json()).toEqual({ message: "Entity 'missing' not found", success: false, result: null });

    const limited = await execute("conn-1", { entity: "limited", action: "list", params: null });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("3");

    expect((await execute("nope", { entity: "customers", action: "list", params: null })).status).toBe(404);
    expect((await execute("conn-1", { action: "list" })).status).toBe(422);
    expect(executors).toHaveLength(1);
    expect(executors[0]!.calls.map((entry) => entry.entity)).toEqual(["customers", "missing", "limited"]);

    await fake.close();
    cloud = undefined;
    expect(executors[0]!.closed).toBe(true);
  });

  it("records every request as received", async () => {
    const fake = await start();
    const valid = await token(fake);
    await call(
      "GET",
      `${fake.url}/api/v1/integrations/connectors?workspace_name=a+b&definition_id=def-1`,
      undefined,
      {
        authorization: `Bearer ${valid}`,
        "x-organization-id": "org-9",
      },
    );
    expect(fake.requests.map((record) => record.endpoint)).toEqual(["token", "lookup"]);
    const lookup = fake.requestsTo("lookup")[0]!;
    expect(lookup).toMatchObject({
      method: "GET",
      path: "/api/v1/integrations/connectors",
      rawQuery: "workspace_name=a+b&definition_id=def-1",
      query: { workspace_name: "a b", definition_id: "def-1" },
      body: "",
      status: 200,
    });
    expect(lookup.headers["x-organization-id"]).toBe("org-9");
    expect(JSON.parse(fake.requestsTo("token")[0]!.body)).toEqual({
      client_id: "test-client-id",
      client_secret: "test-client-secret",
    });
    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });

  describe("fault injection", () => {
    it("answers an injected status with Retry-After, then recovers", async () => {
      const fake = await start();
      fake.inject({ endpoint: "token", status: 429, retryAfter: 2, times: 2 });
      const body = { client_id: "test-client-id", client_secret: "test-client-secret" };
      const url = `${fake.url}/api/v1/account/applications/token`;
      for (let i = 0; i < 2; i++) {
        const limited = await call("POST", url, body);
        expect(limited.status).toBe(429);
        expect(limited.headers["retry-after"]).toBe("2");
        expect(limited.json()).toEqual({ message: "injected 429" });
      }
      expect((await call("POST", url, body)).status).toBe(200);
    });

    it("only hits the endpoint it names", async () => {
      const fake = await start();
      fake.inject({ endpoint: "execute", status: 503 });
      const valid = await token(fake);
      const execute = await call(
        "POST",
        `${fake.url}/api/v1/integrations/connectors/conn-1/execute`,
        { entity: "customers", action: "list", params: null },
        { authorization: `Bearer ${valid}` },
      );
      expect(execute.status).toBe(503);
    });

    it("sends malformed bodies, canned JSON and text bodies", async () => {
      const fake = await start();
      const url = `${fake.url}/api/v1/account/applications/token`;
      const body = { client_id: "test-client-id", client_secret: "test-client-secret" };
      const handle = fake.inject({ malformedBody: true });
      fake.inject({ json: { unexpected: true } });
      fake.inject({ status: 502, body: "Bad gateway" });
      const malformed = await call("POST", url, body);
      expect(malformed.status).toBe(200);
      expect(malformed.headers["content-type"]).toBe("application/json");
      expect(malformed.text.startsWith('{"access_token":"fake-token-')).toBe(true);
      expect(() => JSON.parse(malformed.text)).toThrow();
      expect([handle.hits, handle.remaining]).toEqual([1, 0]);
      expect((await call("POST", url, body)).json()).toEqual({ unexpected: true });
      const text = await call("POST", url, body);
      expect([text.status, text.text]).toEqual([502, "Bad gateway"]);
    });

    it("resets the connection mid-body", async () => {
      const fake = await start();
      fake.inject({ resetMidBody: true });
      await expect(
        call("POST", `${fake.url}/api/v1/account/applications/token`, {
          client_id: "test-client-id",
          client_secret: "test-client-secret",
        }),
      ).rejects.toBeInstanceOf(Error);
    });

    it("can be removed before it applies", async () => {
      const fake = await start();
      fake.inject({ status: 500 }).remove();
      const answer = await call("POST", `${fake.url}/api/v1/account/applications/token`, {
        client_id: "test-client-id",
        client_secret: "test-client-secret",
      });
      expect(answer.status).toBe(200);
      expect(() => fake.inject({ times: 0 })).toThrow(RangeError);
    });

    it("resets the connection", async () => {
      const fake = await start();
      fake.inject({ reset: true });
      await expect(
        call("POST", `${fake.url}/api/v1/account/applications/token`, { client_id: "x", client_secret: "y" }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]!.status).toBeUndefined();
    });

    it("delays answers, and close() does not wait for a delayed one", async () => {
      const fake = await start();
      fake.inject({ delayMs: 150 });
      const started = Date.now();
      await call("POST", `${fake.url}/api/v1/account/applications/token`, {
        client_id: "test-client-id",
        client_secret: "test-client-secret",
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);

      fake.inject({ delayMs: 60_000 });
      const pending = call("POST", `${fake.url}/api/v1/account/applications/token`, {}).catch(
        (error) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await fake.close();
      cloud = undefined;
      expect(await pending).toBeInstanceOf(Error);
    });
  });
});
