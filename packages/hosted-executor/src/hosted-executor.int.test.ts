import { type ConnectorModel, isDownloadResult } from "@execkit/core";
import {
  AuthenticationError,
  ConnectorAmbiguityError,
  ConnectorNotFoundError,
  ConnectorValidationError,
  HTTPStatusError,
  NetworkError,
  RateLimitError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseFormatError,
  TokenRefreshError,
} from "@execkit/errors";
import { type FakeCloud, startFakeCloud } from "@execkit/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { HostedExecutor } from "./hosted-executor";
import {
  CLIENT_SECRET,
  CONNECTOR,
  DOWNLOAD_BYTES,
  hostedFor,
  recordsExecutor,
  startTestCloud,
} from "./test-fixtures";

let cloud: FakeCloud;
let executor: HostedExecutor | undefined;
afterEach(async () => {
  await executor?.close();
  executor = undefined;
  await cloud?.close();
});

const NO_RETRIES = { maxAttempts: 1 };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function statuses(fake: FakeCloud, endpoint: "token" | "lookup" | "execute"): Array<number | undefined> {
  return fake.requestsTo(endpoint).map((record) => record.status);
}

describe("token", () => {
  it("is fetched by one request however many calls wait for it", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "token", delayMs: 100 });
    executor = hostedFor(cloud, {
      connectorId: undefined,
      connectorDefinitionId: CONNECTOR.definitionId,
      workspaceName: "acme",
    });
    const results = await Promise.all(
      Array.from({ length: 25 }, () => executor!.execute("customers", "list")),
    );
    expect(results.every((result) => result.success)).toBe(true);
    expect(cloud.requestsTo("token")).toHaveLength(1);
    expect(cloud.requestsTo("lookup")).toHaveLength(1);
    expect(cloud.requestsTo("execute")).toHaveLength(25);
  });

  it("honours expires_in: refreshed before the cloud would refuse it", async () => {
    cloud = await startTestCloud({ tokenTtlSeconds: 1 });
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    await executor.execute("customers", "list");
    expect(cloud.requestsTo("token")).toHaveLength(1);
    // Used for 0.9 s (a tenth of the lifetime is kept as margin); the cloud refuses it after 1 s.
    await new Promise((resolve) => setTimeout(resolve, 950));
    await executor.execute("customers", "list");
    expect(cloud.requestsTo("token")).toHaveLength(2);
    expect(statuses(cloud, "execute")).toEqual([200, 200, 200]);
    const [first, second] = cloud.issuedTokens;
    expect(cloud.requestsTo("execute")[2]!.headers.authorization).toBe(`Bearer ${second}`);
    expect(first).not.toBe(second);
  });

  it("is kept for the reference's 14 minutes when expires_in is absent", async () => {
    cloud = await startTestCloud({ sendExpiresIn: false, tokenTtlSeconds: 0.3 });
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    await new Promise((resolve) => setTimeout(resolve, 350));
    // The cloud expired it after 0.3 s, but without expires_in the executor could not know: a 401 then a refresh.
    await executor.execute("customers", "list");
    expect(statuses(cloud, "execute")).toEqual([200, 401, 200]);
    expect(cloud.requestsTo("token")).toHaveLength(2);
  });

  it("on a 401 (expired on demand) is refreshed once and the call retried once", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    cloud.expireTokens();
    const result = await executor.execute("customers", "list");
    expect(result.success).toBe(true);
    expect(statuses(cloud, "execute")).toEqual([200, 401, 200]);
    expect(cloud.requestsTo("token")).toHaveLength(2);
  });

  it("is refreshed once for many concurrent calls that all got a 401", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    cloud.expireTokens();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => executor!.execute("customers", "list")),
    );
    expect(results.every((result) => result.success)).toBe(true);
    expect(cloud.requestsTo("token")).toHaveLength(2);
  });

  it("a second 401 on the same call is thrown, after exactly one refresh", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", status: 401, body: { message: "token revoked" }, times: 5 });
    executor = hostedFor(cloud);
    const error = await rejection(executor.execute("customers", "list"));
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      `HTTP 401 error for POST ${cloud.url}/api/v1/integrations/connectors/${CONNECTOR.id}/execute: token revoked`,
    );
    expect(cloud.requestsTo("execute")).toHaveLength(2);
    expect(cloud.requestsTo("token")).toHaveLength(2);
  });

  it("refused credentials are a TokenRefreshError (an AuthenticationError) without the secret", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { airbyteClientSecret: "wrong-secret-value-123" });
    const error = await rejection(executor.execute("customers", "list"));
    expect(TokenRefreshError.isInstance(error)).toBe(true);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      `HTTP 401 error for POST ${cloud.url}/api/v1/account/applications/token: Invalid client credentials`,
    );
    expect(JSON.stringify(error)).not.toContain("wrong-secret-value-123");
    expect(cloud.requestsTo("token")).toHaveLength(1);
  });

  it("a failed fetch is not cached: the next call tries again", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "token", status: 500, times: 3 });
    executor = hostedFor(cloud);
    const error = await rejection(executor.execute("customers", "list"));
    expect(HTTPStatusError.isInstance(error)).toBe(true);
    expect((await executor.execute("customers", "list")).success).toBe(true);
    expect(statuses(cloud, "token")).toEqual([500, 500, 500, 200]);
  });
});

describe("concurrency", () => {
  it("serves 50 concurrent calls without a MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      cloud = await startTestCloud();
      executor = hostedFor(cloud);
      const calls = Array.from({ length: 50 }, () => executor!.execute("customers", "list"));
      expect((await Promise.all(calls)).every((result) => result.success)).toBe(true);
      const withSignals = Array.from({ length: 50 }, () =>
        executor!.execute("customers", "list", { signal: new AbortController().signal }),
      );
      expect((await Promise.all(withSignals)).every((result) => result.success)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("connector lookup", () => {
  const lookupOptions = {
    connectorId: undefined,
    workspaceName: "acme",
    connectorDefinitionId: CONNECTOR.definitionId,
  };

  it("happens once for the executor's life", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, lookupOptions);
    for (let i = 0; i < 5; i++) await executor.execute("customers", "list");
    expect(cloud.requestsTo("lookup")).toHaveLength(1);
    expect(cloud.requestsTo("execute")).toHaveLength(5);
  });

  it("finding none is a ConnectorNotFoundError, and is not cached", async () => {
    cloud = await startTestCloud({ connectors: [] });
    executor = hostedFor(cloud, lookupOptions);
    const error = await rejection(executor.execute("customers", "list"));
    expect(ConnectorNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ workspaceName: "acme", connectorDefinitionId: CONNECTOR.definitionId });
    expect(error.message).toContain(
      `No connector found for workspace_name 'acme' and connector definition '${CONNECTOR.definitionId}'.`,
    );
    cloud.addConnector(CONNECTOR);
    expect((await executor.execute("customers", "list")).success).toBe(true);
    expect(cloud.requestsTo("lookup")).toHaveLength(2);
  });

  it("finding two is a ConnectorAmbiguityError naming both ids", async () => {
    cloud = await startTestCloud();
    cloud.addConnector({ ...CONNECTOR, id: "conn-twin" });
    executor = hostedFor(cloud, lookupOptions);
    const error = await rejection(executor.execute("customers", "list"));
    expect(ConnectorAmbiguityError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ connectorIds: ["conn-1", "conn-twin"] });
    expect(error.message).toContain("Expected exactly 1, found 2.");
    expect(cloud.requestsTo("execute")).toHaveLength(0);
  });
});

describe("fault matrix", () => {
  it("429 with Retry-After on a read waits as asked, then succeeds", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", status: 429, retryAfter: "0.3", body: { message: "slow down" } });
    executor = hostedFor(cloud);
    const started = Date.now();
    expect((await executor.execute("customers", "list")).success).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(statuses(cloud, "execute")).toEqual([429, 200]);
  });

  it("429 asking for longer than maxDelaySeconds is a RateLimitError at once, with retryAfterMs", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", status: 429, retryAfter: 12, body: { message: "slow down" } });
    executor = hostedFor(cloud, { retryConfig: { maxDelaySeconds: 10 } });
    const error = await rejection(executor.execute("customers", "list"));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 12_000, retryAfter: 12 });
    expect(error.message).toBe(
      `HTTP 429 error for POST ${cloud.url}/api/v1/integrations/connectors/${CONNECTOR.id}/execute: slow down`,
    );
    expect(cloud.requestsTo("execute")).toHaveLength(1);
  });

  it("503 then ok: a read is retried", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", status: 503, times: 2 });
    executor = hostedFor(cloud);
    expect((await executor.execute("customers", "get", { params: { id: "x" } })).success).toBe(true);
    expect(statuses(cloud, "execute")).toEqual([503, 503, 200]);
  });

  it("503 on create/update/delete is not retried unless retryNonIdempotent", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    for (const action of ["create", "update", "delete"]) {
      cloud.inject({
        endpoint: "execute",
        status: 503,
        body: { errors: [{ message: "busy" }, { error: "later" }] },
      });
      const error = await rejection(executor.execute("customers", action));
      expect(HTTPStatusError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(/: busy, later$/);
    }
    expect(statuses(cloud, "execute")).toEqual([503, 503, 503]);
    await executor.close();

    executor = hostedFor(cloud, {
      retryConfig: { retryNonIdempotent: true, initialDelaySeconds: 0.01, jitter: false },
    });
    cloud.clearRequests();
    cloud.inject({ endpoint: "execute", status: 503 });
    await executor.execute("customers", "create", { params: { name: "x" } });
    expect(statuses(cloud, "execute")).toEqual([503, 200]);
  });

  it("5xx exhausting retries throws the last HTTPStatusError", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", status: 502, times: 3 });
    executor = hostedFor(cloud);
    const error = await rejection(executor.execute("customers", "list"));
    expect(error).toMatchObject({ status: 502 });
    expect(cloud.requestsTo("execute")).toHaveLength(3);
  });

  it("a reset connection is a NetworkError, retried for reads", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", reset: true });
    executor = hostedFor(cloud);
    expect((await executor.execute("customers", "list")).success).toBe(true);
    expect(cloud.requestsTo("execute")).toHaveLength(2);

    cloud.inject({ endpoint: "execute", reset: true });
    const error = await rejection(executor.execute("customers", "create"));
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ requestSent: true, method: "POST" });
    expect(error.message).toContain("outcome is unknown");
    expect(cloud.requestsTo("execute")).toHaveLength(3);
  });

  it("a connection cut mid-body is a NetworkError, never a raw undici error", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { retryConfig: NO_RETRIES });
    await executor.execute("customers", "list");
    cloud.inject({ endpoint: "execute", resetMidBody: true });
    const error = await rejection(executor.execute("customers", "list"));
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ requestSent: true, code: "NETWORK_ERROR" });
    expect(error.constructor.name).toBe("NetworkError");
  });

  it("a refused connection is a NetworkError saying nothing was sent", async () => {
    const dead = await startFakeCloud();
    const url = dead.url;
    await dead.close();
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { apiUrl: url, retryConfig: NO_RETRIES });
    const error = await rejection(executor.execute("customers", "list"));
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ requestSent: false });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("a malformed body is a ResponseFormatError with a bounded excerpt", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "execute", malformedBody: true });
    executor = hostedFor(cloud);
    const error = await rejection(executor.execute("customers", "list"));
    expect(ResponseFormatError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 200, bodyExcerpt: '{"result":[{"id":"c1"},{"id":"c2"}],"co' });

    cloud.inject({ endpoint: "execute", status: 200, body: `{"data": "${"x".repeat(5_000)}"}` });
    const long = (await rejection(executor.execute("customers", "list"))) as ResponseFormatError;
    expect(ResponseFormatError.isInstance(long)).toBe(true);
    expect(long.message).toContain('without a "result" key');
    expect(long.bodyExcerpt!.length).toBeLessThan(1_100);
  });

  it("a token answer without access_token is a ResponseFormatError", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "token", json: { token: "sekret-token-value" } });
    executor = hostedFor(cloud);
    const error = await rejection(executor.execute("customers", "list"));
    expect(ResponseFormatError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain("sekret-token-value");
  });

  it("an execution error (400 with success:false) comes back as success:false, as from LocalExecutor", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    expect(await executor.execute("invoices", "list")).toEqual({
      success: false,
      data: null,
      error: "Entity 'invoices' not found",
      meta: null,
    });
    expect(cloud.requestsTo("execute")).toHaveLength(1);
  });

  it("a 200 whose body says success:false is a failed result, not a success", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    cloud.inject({ endpoint: "execute", json: { success: false, error: "Missing required parameter: id" } });
    expect(await executor.execute("customers", "get")).toEqual({
      success: false,
      data: {},
      error: "Missing required parameter: id",
      meta: null,
    });
  });

  it("any other 400/422 is a ConnectorValidationError with the reference's message", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    for (const status of [400, 422]) {
      cloud.inject({ endpoint: "execute", status, body: { message: "limit must be <= 100" } });
      const error = await rejection(executor.execute("customers", "list", { params: { limit: 1000 } }));
      expect(ConnectorValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status });
      expect(error.message).toBe(
        `HTTP ${status} error for POST ${cloud.url}/api/v1/integrations/connectors/${CONNECTOR.id}/execute: limit must be <= 100`,
      );
    }
  });

  it("abort: a delayed call stops at once with RequestAbortedError, and is not retried", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    cloud.inject({ endpoint: "execute", delayMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = rejection(executor.execute("customers", "list", { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "ABORTED",
      method: "POST",
      url: expect.stringContaining("/execute"),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(cloud.requestsTo("execute")).toHaveLength(2);
  });

  it("abort before the call sends nothing", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    const error = await rejection(executor.execute("customers", "list", { signal: AbortSignal.abort() }));
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(cloud.requests).toHaveLength(0);
  });

  it("abort while waiting for the shared token leaves the other callers alone", async () => {
    cloud = await startTestCloud();
    cloud.inject({ endpoint: "token", delayMs: 200 });
    executor = hostedFor(cloud);
    const controller = new AbortController();
    const aborted = rejection(executor.execute("customers", "list", { signal: controller.signal }));
    const other = executor.execute("customers", "list");
    setTimeout(() => controller.abort(), 20);
    expect(RequestAbortedError.isInstance(await aborted)).toBe(true);
    expect((await other).success).toBe(true);
    expect(cloud.requestsTo("token")).toHaveLength(1);
    expect(cloud.requestsTo("execute")).toHaveLength(1);
  });

  it("timeout: a slow answer is a RequestTimeoutError after timeoutMs, retried for reads", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { timeoutMs: 200 });
    await executor.execute("customers", "list");
    cloud.inject({ endpoint: "execute", delayMs: 10_000, times: 3 });
    const started = Date.now();
    const error = await rejection(executor.execute("customers", "list"));
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(cloud.requestsTo("execute")).toHaveLength(4);
  });

  it("close() cancels calls in flight and refuses new ones", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    cloud.inject({ endpoint: "execute", delayMs: 10_000 });
    const pending = rejection(executor.execute("customers", "list"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await executor.close();
    const error = await pending;
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(error.message).toContain("closed");
    expect(RequestAbortedError.isInstance(await rejection(executor.execute("customers", "list")))).toBe(true);
  });

  it("Symbol.asyncDispose closes the executor", async () => {
    cloud = await startTestCloud();
    const disposable = hostedFor(cloud);
    await disposable[Symbol.asyncDispose]();
    expect(RequestAbortedError.isInstance(await rejection(disposable.execute("customers", "list")))).toBe(
      true,
    );
  });
});

describe("downloads", () => {
  it("come back as a byte stream with the exact bytes the cloud sent", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    const result = await executor.execute("customers", "download", { params: { id: "f1" } });
    expect(result.success).toBe(true);
    expect(isDownloadResult(result)).toBe(true);
    const chunks: Uint8Array[] = [];
    for await (const chunk of result.data as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(DOWNLOAD_BYTES));
    expect(cloud.requestsTo("execute")[0]!.body).toBe(
      '{"entity":"customers","action":"download","params":{"id":"f1"}}',
    );
  });

  it("a JSON answer to a download is read as JSON", async () => {
    cloud = await startTestCloud();
    cloud.inject({
      endpoint: "execute",
      json: { result: { url: "https://files.test/1" }, connector_metadata: null },
    });
    executor = hostedFor(cloud);
    expect(await executor.execute("customers", "download")).toEqual({
      success: true,
      data: { url: "https://files.test/1" },
      error: null,
      meta: null,
    });
  });
});

describe("secrets", () => {
  it("neither the client secret nor the bearer token appears in any error or toJSON", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { retryConfig: NO_RETRIES });
    await executor.execute("customers", "list");
    const token = cloud.issuedTokens[0]!;
    const echo = `client_secret=${CLIENT_SECRET} token ${token} Authorization: Bearer ${token}`;
    for (const status of [400, 401, 429, 500]) {
      cloud.inject({
        endpoint: "execute",
        status,
        body: { message: echo },
        headers: { "x-echo": token },
        times: 2,
      });
      const error = await rejection(executor.execute("customers", "list"));
      const everything = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
      expect(everything).not.toContain(CLIENT_SECRET);
      expect(everything).not.toContain(token);
      expect(everything).toContain("[REDACTED]");
    }
  });

  it("a malformed body quoting the token is redacted in the excerpt", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    const token = cloud.issuedTokens[0]!;
    cloud.inject({ endpoint: "execute", status: 200, body: `not json ${token} ${CLIENT_SECRET}` });
    const error = await rejection(executor.execute("customers", "list"));
    expect(JSON.stringify(error)).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(CLIENT_SECRET);
  });
});

describe("execute() input", () => {
  it("a malformed config is success:false and sends nothing; a mixed call form is a TypeError", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    const result = await executor.execute({ entity: "", action: "list" });
    expect(result).toMatchObject({ success: false, data: {}, meta: null });
    expect(result.error).toMatch(/^Invalid execution config: /);
    const bad = executor as unknown as { execute(...args: unknown[]): Promise<unknown> };
    await expect(bad.execute({ entity: "customers", action: "list" }, "list")).rejects.toThrow(TypeError);
    await expect(bad.execute("customers")).rejects.toThrow(TypeError);
    expect(cloud.requests).toHaveLength(0);
  });
});

describe("check()", () => {
  it("without a model fetches a token and reports healthy", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    expect(await executor.check()).toEqual({
      success: true,
      data: { status: "healthy" },
      error: null,
      meta: null,
    });
    expect(cloud.requests.map((record) => record.endpoint)).toEqual(["token"]);
  });

  it("never throws: refused credentials are reported unhealthy", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { airbyteClientSecret: "bad-secret-999" });
    const result = await executor.check();
    expect(result.success).toBe(false);
    expect(result.data.status).toBe("unhealthy");
    expect(result.error).toContain("HTTP 401 error for POST");
    expect(JSON.stringify(result)).not.toContain("bad-secret-999");
  });

  it("with a model runs its check operation through execute", async () => {
    cloud = await startTestCloud();
    const model = {
      entities: [
        {
          name: "customers",
          operations: [{ entity: "customers", action: "list", preferredForCheck: true, parameters: [] }],
        },
      ],
    } as unknown as ConnectorModel;
    executor = hostedFor(cloud, { model });
    expect(await executor.check()).toEqual({
      success: true,
      data: { status: "healthy", checked_entity: "customers", checked_action: "list" },
      error: null,
      meta: null,
    });
    expect(JSON.parse(cloud.requestsTo("execute")[0]!.body)).toEqual({
      entity: "customers",
      action: "list",
      params: {},
    });

    cloud.inject({ endpoint: "execute", status: 500, body: { message: "down" }, times: 3 });
    const failed = await executor.check();
    expect(failed).toMatchObject({
      success: false,
      data: { status: "unhealthy", checked_entity: "customers", checked_action: "list" },
    });
    expect(failed.error).toContain(": down");
  });

  it("never throws on a closed executor or an aborted signal", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    expect((await executor.check({ signal: AbortSignal.abort() })).data.status).toBe("unhealthy");
    await executor.close();
    expect((await executor.check()).data.status).toBe("unhealthy");
  });
});

it("uses the secret only in the token body", async () => {
  cloud = await startTestCloud();
  executor = hostedFor(cloud);
  await executor.execute("customers", "list");
  const carrying = cloud.requests.filter((record) => JSON.stringify(record).includes(CLIENT_SECRET));
  expect(carrying.map((record) => record.endpoint)).toEqual(["token"]);
});

describe("downloads, streamed", () => {
  /** A cloud whose download sends `chunks` one by one, each only once `release(i)` was called for it. */
  async function gatedCloud(chunks: string[], options: { failAfter?: number; gapMs?: number } = {}) {
    const gates = chunks.map(() => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      return { promise, resolve };
    });
    const fake = await startTestCloud({
      createExecutor: () => ({
        ...recordsExecutor(),
        async execute() {
          return {
            success: true,
            data: {
              async *[Symbol.asyncIterator]() {
                for (const [index, chunk] of chunks.entries()) {
                  if (options.gapMs === undefined) await gates[index]!.promise;
                  else if (index > 0) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
                  if (index === options.failAfter) throw new Error("the file store went away");
                  yield Buffer.from(chunk);
                }
              },
            },
            meta: null,
          };
        },
      }),
    });
    return { fake, release: (index: number) => gates[index]!.resolve() };
  }

  it("hands the bytes over as they arrive, before the cloud has sent the rest", async () => {
    const { fake, release } = await gatedCloud(["first-", "second"]);
    cloud = fake;
    executor = hostedFor(cloud);
    release(0);
    const result = await executor.execute("customers", "download", { params: { id: "f1" } });
    expect(isDownloadResult(result)).toBe(true);
    const reader = (result.data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    // The second chunk is still held back by the cloud, so this can only pass if the body is streamed.
    const first = await reader.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe("first-");
    release(1);
    const rest: Uint8Array[] = [];
    for (let next = await reader.next(); !next.done; next = await reader.next()) rest.push(next.value);
    expect(Buffer.concat(rest).toString()).toBe("second");
  });

  it("is not cut off for taking longer in total than timeoutMs while bytes keep coming", async () => {
    const chunks = Array.from({ length: 6 }, (_, index) => `chunk-${index};`);
    const { fake } = await gatedCloud(chunks, { gapMs: 250 });
    cloud = fake;
    executor = hostedFor(cloud, { timeoutMs: 1_000, retryConfig: NO_RETRIES });
    const started = Date.now();
    const result = await executor.execute("customers", "download");
    const parts: Uint8Array[] = [];
    for await (const chunk of result.data as AsyncIterable<Uint8Array>) parts.push(chunk);
    expect(Buffer.concat(parts).toString()).toBe(chunks.join(""));
    expect(Date.now() - started).toBeGreaterThan(1_000);
  });

  it("a body the cloud breaks off is a NetworkError from the stream", async () => {
    const { fake, release } = await gatedCloud(["partial", "never"], { failAfter: 1 });
    cloud = fake;
    executor = hostedFor(cloud, { retryConfig: NO_RETRIES });
    release(0);
    const result = await executor.execute("customers", "download");
    const reader = (result.data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    expect(Buffer.from((await reader.next()).value as Uint8Array).toString()).toBe("partial");
    release(1);
    const error = await rejection(reader.next());
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(error.message).toContain("broke off");
    expect(error.message).not.toContain(CLIENT_SECRET);
  });

  it("the caller's signal and close() cancel a download being read", async () => {
    for (const cancel of ["signal", "close"] as const) {
      const { fake, release } = await gatedCloud(["first", "held back"]);
      cloud = fake;
      executor = hostedFor(cloud, { retryConfig: NO_RETRIES });
      release(0);
      const controller = new AbortController();
      const result = await executor.execute("customers", "download", { signal: controller.signal });
      const reader = (result.data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      expect((await reader.next()).done).toBe(false);
      const pending = rejection(reader.next());
      if (cancel === "signal") controller.abort();
      else await executor.close();
      const error = await pending;
      expect(RequestAbortedError.isInstance(error), `${cancel}: ${error.message}`).toBe(true);
      await executor.close();
      await cloud.close();
    }
  });
});
