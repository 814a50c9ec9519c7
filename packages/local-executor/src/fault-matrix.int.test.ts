import type { ServerResponse } from "node:http";
import {
  AuthenticationError,
  HTTPStatusError,
  NetworkError,
  RateLimitError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseFormatError,
  TokenRefreshError,
} from "@execkit/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { acmeModel } from "../test/acme-spec";
import {
  sendJson as json,
  type LoopbackServer,
  type ReceivedRequest,
  startLoopbackServer,
  useLoopbackServer,
} from "../test/loopback";
import { LocalExecutor, type LocalExecutorOptions } from "./index";

const FAST_RETRY = { maxAttempts: 3, initialDelaySeconds: 0.005, maxDelaySeconds: 5, jitter: false };

const apiRequests = (server: LoopbackServer) => server.requests.filter((r) => r.url.startsWith("/api/"));
const tokenRequests = (server: LoopbackServer) =>
  server.requests.filter((r) => r.url.startsWith("/oauth/token"));

describe("fault matrix on a loopback server", () => {
  const loopback = useLoopbackServer<LocalExecutor>();
  const executors = loopback.executors;
  let server: LoopbackServer;
  beforeAll(() => {
    server = loopback.server;
  });

  function bearerExecutor(options: Partial<LocalExecutorOptions> = {}): LocalExecutor {
    const executor = new LocalExecutor({
      model: acmeModel(server.origin),
      authConfig: { api_key: "bearer-secret-1234" },
      retryConfig: FAST_RETRY,
      timeoutMs: 5_000,
      ...options,
    });
    executors.push(executor);
    return executor;
  }

  function oauthExecutor(
    options: Partial<LocalExecutorOptions> = {},
    authConfig: Record<string, string> = {},
  ): LocalExecutor {
    const executor = new LocalExecutor({
      model: acmeModel(server.origin, { type: "oauth2", refreshUrl: `${server.origin}/oauth/token` }),
      authConfig: {
        access_token: "old-access-token",
        refresh_token: "refresh-secret-1",
        client_id: "client-1",
        client_secret: "client-secret-1",
        ...authConfig,
      },
      retryConfig: FAST_RETRY,
      timeoutMs: 5_000,
      ...options,
    });
    executors.push(executor);
    return executor;
  }

  it("honours Retry-After on 429 (fix 1)", { timeout: 10_000 }, async () => {
    let calls = 0;
    server.handler = (_req, res) =>
      ++calls === 1
        ? json(res, 429, { message: "slow down" }, { "retry-after": "1" })
        : json(res, 200, { data: [] });
    const started = Date.now();
    const result = await bearerExecutor().execute("items", "list");
    expect(result.success).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toBe(2);
  });

  for (const status of [500, 502, 503, 504]) {
    it(`retries ${status} then succeeds`, { timeout: 10_000 }, async () => {
      let calls = 0;
      server.handler = (_req, res) =>
        ++calls === 1 ? json(res, status, { message: "boom" }) : json(res, 200, { data: [{ id: "1" }] });
      const result = await bearerExecutor().execute("items", "list");
      expect(result).toMatchObject({ success: true, data: [{ id: "1" }] });
      expect(calls).toBe(2);
    });
  }

  it("gives up after maxAttempts with the last status error", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => json(res, 503, { message: "down for maintenance" });
    const error = await bearerExecutor()
      .execute("items", "list")
      .catch((e: unknown) => e);
    expect(HTTPStatusError.isInstance(error)).toBe(true);
    expect((error as HTTPStatusError).status).toBe(503);
    expect((error as Error).message).toContain("down for maintenance");
    expect(apiRequests(server)).toHaveLength(3);
  });

  it("a 429 that exhausts retries is a RateLimitError with retryAfterMs", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => json(res, 429, { message: "no" }, { "retry-after": "0" });
    const error = await bearerExecutor()
      .execute("items", "list")
      .catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(0);
  });

  it("retries a GET whose connection is reset mid-body", { timeout: 10_000 }, async () => {
    let calls = 0;
    server.handler = (_req, res) => {
      if (++calls === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"data": [');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      json(res, 200, { data: [{ id: "ok" }] });
    };
    const result = await bearerExecutor().execute("items", "list");
    expect(result.data).toEqual([{ id: "ok" }]);
    expect(calls).toBe(2);
  });

  it("a reset mid-body that persists ends in a NetworkError", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"data": [');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const error = await bearerExecutor({ retryConfig: { ...FAST_RETRY, maxAttempts: 2 } })
      .execute("items", "list")
      .catch((e: unknown) => e);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it("slow headers end in a RequestTimeoutError", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => {
      setTimeout(() => json(res, 200, { data: [] }), 3_000).unref();
    };
    const started = Date.now();
    const error = await bearerExecutor({ timeoutMs: 200, retryConfig: { ...FAST_RETRY, maxAttempts: 2 } })
      .execute("items", "list")
      .catch((e: unknown) => e);
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect((error as RequestTimeoutError).phase).toBe("headers");
    expect((error as RequestTimeoutError).timeoutMs).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it("malformed JSON is a ResponseFormatError and is not retried", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"data": [1, 2');
    };
    const error = await bearerExecutor()
      .execute("items", "list")
      .catch((e: unknown) => e);
    expect(ResponseFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Failed to parse JSON/);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it("aborts through the caller's signal", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => {
      setTimeout(() => json(res, 200, { data: [] }), 3_000).unref();
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await bearerExecutor()
      .execute("items", "list", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", { timeout: 5_000 }, async () => {
    const error = await bearerExecutor()
      .execute("items", "list", { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("aborting during a Retry-After wait stops at once", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => json(res, 429, {}, { "retry-after": "30" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await bearerExecutor({ retryConfig: { ...FAST_RETRY, maxDelaySeconds: 60 } })
      .execute("items", "list", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("does not retry a POST after the request was sent; the error says the outcome is unknown", {
    timeout: 10_000,
  }, async () => {
    server.handler = (_req, res) => {
      res.socket?.destroy();
    };
    const error = await bearerExecutor()
      .execute("items", "create", { params: { name: "a", owner: "b" } })
      .catch((e: unknown) => e);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).requestSent).toBe(true);
    expect((error as Error).message).toMatch(/outcome is unknown/);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it("does not retry a POST on 503, but does on 429", { timeout: 10_000 }, async () => {
    server.handler = (_req, res) => json(res, 503, { message: "maybe" });
    const error = await bearerExecutor()
      .execute("items", "create", { params: { name: "a", owner: "b" } })
      .catch((e: unknown) => e);
    expect((error as HTTPStatusError).status).toBe(503);
    expect(apiRequests(server)).toHaveLength(1);
    server.requests.length = 0;
    let calls = 0;
    server.handler = (_req, res) =>
      ++calls === 1 ? json(res, 429, {}, { "retry-after": "0" }) : json(res, 201, { id: "new" });
    const result = await bearerExecutor().execute("items", "create", { params: { name: "a", owner: "b" } });
    expect(result.data).toEqual({ id: "new" });
    expect(calls).toBe(2);
  });

  it("retries a POST whose connection was refused before sending", { timeout: 10_000 }, async () => {
    const closed = await startLoopbackServer();
    const origin = closed.origin;
    await closed.close();
    const executor = new LocalExecutor({
      model: acmeModel(origin),
      authConfig: { api_key: "bearer-secret-1234" },
      retryConfig: { ...FAST_RETRY, maxAttempts: 2 },
      enableLogging: true,
      logFile: `/tmp/execkit-le-refused-${process.pid}.jsonl`,
    });
    executors.push(executor);
    const error = await executor
      .execute("items", "create", { params: { name: "a", owner: "b" } })
      .catch((e: unknown) => e);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect((error as NetworkError).requestSent).toBe(false);
    expect(executor.logs).toHaveLength(2);
  });

  describe("OAuth2", () => {
    function tokenEndpoint(res: ServerResponse, counter: { n: number }, extra: Record<string, unknown> = {}) {
      counter.n++;
      json(res, 200, {
        access_token: `new-access-${counter.n}`,
        token_type: "Bearer",
        expires_in: 3600,
        ...extra,
      });
    }

    it("401 → refresh → retry succeeds, and onTokenRefresh gets the tokens", {
      timeout: 10_000,
    }, async () => {
      const refreshed: unknown[] = [];
      const counter = { n: 0 };
      server.handler = (req, res) => {
        if (req.url.startsWith("/oauth/token"))
          return tokenEndpoint(res, counter, { refresh_token: "rotated-refresh-1" });
        return req.headers.authorization === "Bearer old-access-token"
          ? json(res, 401, { message: "expired" })
          : json(res, 200, { data: [{ id: "1" }] });
      };
      const executor = oauthExecutor({ onTokenRefresh: (tokens) => void refreshed.push(tokens) });
      const result = await executor.execute("items", "list");
      expect(result.success).toBe(true);
      expect(server.requests.map((r) => r.url.split("?")[0])).toEqual([
        "/api/items",
        "/oauth/token",
        "/api/items",
      ]);
      expect(apiRequests(server)[1]!.headers.authorization).toBe("Bearer new-access-1");
      expect(refreshed).toEqual([
        {
          access_token: "new-access-1",
          token_type: "Bearer",
          refresh_token: "rotated-refresh-1",
          expires_in: 3600,
        },
      ]);
      const tokenBody = new URLSearchParams(tokenRequests(server)[0]!.body.toString());
      expect(Object.fromEntries(tokenBody)).toEqual({
        grant_type: "refresh_token",
        refresh_token: "refresh-secret-1",
        client_id: "client-1",
        client_secret: "client-secret-1",
      });
    });

    it("401 → refresh → 401 ends in AuthenticationError without hanging (fix 2)", {
      timeout: 10_000,
    }, async () => {
      const counter = { n: 0 };
      server.handler = (req, res) =>
        req.url.startsWith("/oauth/token")
          ? tokenEndpoint(res, counter)
          : json(res, 401, { message: "nope" });
      const error = await oauthExecutor()
        .execute("items", "list")
        .catch((e: unknown) => e);
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect((error as AuthenticationError).status).toBe(401);
      expect((error as Error).message).toMatch(/after a token refresh/);
      expect(counter.n).toBe(1);
      expect(apiRequests(server)).toHaveLength(2);
    });

    it("a failing token endpoint is a TokenRefreshError", { timeout: 10_000 }, async () => {
      server.handler = (req, res) =>
        req.url.startsWith("/oauth/token")
          ? json(res, 400, { error: "invalid_grant" })
          : json(res, 401, { message: "expired" });
      const error = await oauthExecutor()
        .execute("items", "list")
        .catch((e: unknown) => e);
      expect(TokenRefreshError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain("invalid_grant");
      expect((error as Error).message).not.toContain("refresh-secret-1");
    });

    it("50 concurrent 401s cause exactly one refresh (fix 3)", { timeout: 15_000 }, async () => {
      const counter = { n: 0 };
      server.handler = (req, res) => {
        if (req.url.startsWith("/oauth/token")) {
          setTimeout(() => tokenEndpoint(res, counter), 50);
          return;
        }
        if (req.headers.authorization === "Bearer old-access-token") setTimeout(() => json(res, 401, {}), 10);
        else json(res, 200, { data: [{ id: "1" }] });
      };
      const executor = oauthExecutor();
      const results = await Promise.all(Array.from({ length: 50 }, () => executor.execute("items", "list")));
      expect(results.every((r) => r.success)).toBe(true);
      expect(counter.n).toBe(1);
      expect(
        apiRequests(server).filter((r) => r.headers.authorization === "Bearer new-access-1"),
      ).toHaveLength(50);
    });

    it("starts from a refresh token alone, with basic client auth and a JSON body", {
      timeout: 10_000,
    }, async () => {
      const counter = { n: 0 };
      server.handler = (req, res) =>
        req.url.startsWith("/oauth/token") ? tokenEndpoint(res, counter) : json(res, 200, { data: [] });
      const executor = new LocalExecutor({
        model: acmeModel(server.origin, {
          type: "oauth2",
          refreshUrl: `${server.origin}/oauth/token`,
          authStyle: "basic",
          bodyFormat: "json",
        }),
        authConfig: { refresh_token: "refresh-secret-2", client_id: "cid", client_secret: "csecret" },
      });
      executors.push(executor);
      await executor.execute("items", "list");
      const [token] = tokenRequests(server) as [ReceivedRequest];
      expect(token.headers.authorization).toBe(`Basic ${Buffer.from("cid:csecret").toString("base64")}`);
      expect(token.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(token.body.toString())).toEqual({
        grant_type: "refresh_token",
        refresh_token: "refresh-secret-2",
      });
      expect(apiRequests(server)[0]!.headers.authorization).toBe("Bearer new-access-1");
    });

    it("refreshes before a known expiry instead of waiting for a 401 (fix 4)", {
      timeout: 10_000,
    }, async () => {
      const counter = { n: 0 };
      server.handler = (req, res) => {
        if (req.url.startsWith("/oauth/token")) return tokenEndpoint(res, counter, { expires_in: 1 });
        json(res, 200, { data: [] });
      };
      const executor = oauthExecutor({}, { access_token: "" });
      await executor.execute("items", "list");
      await new Promise((resolve) => setTimeout(resolve, 600));
      await executor.execute("items", "list");
      // A 1 s token is refreshed after half its life: the second call refreshes first, and no request gets a 401.
      expect(server.requests.map((r) => r.url.split("?")[0])).toEqual([
        "/oauth/token",
        "/api/items",
        "/oauth/token",
        "/api/items",
      ]);
      expect(apiRequests(server)[1]!.headers.authorization).toBe("Bearer new-access-2");
    });

    it("a clientCredentials flow obtains its token from tokenUrl, and again after a 401", {
      timeout: 10_000,
    }, async () => {
      const counter = { n: 0 };
      server.handler = (req, res) => {
        if (req.url.startsWith("/oauth/token")) return tokenEndpoint(res, counter);
        return req.headers.authorization === "Bearer new-access-1"
          ? json(res, 401, {})
          : json(res, 200, { data: [] });
      };
      const executor = new LocalExecutor({
        model: acmeModel(server.origin, {
          type: "clientCredentials",
          tokenUrl: `${server.origin}/oauth/token`,
        }),
        authConfig: { client_id: "app-1", client_secret: "app-secret-1" },
        retryConfig: FAST_RETRY,
      });
      executors.push(executor);
      expect((await executor.execute("items", "list")).success).toBe(true);
      expect(Object.fromEntries(new URLSearchParams(tokenRequests(server)[0]!.body.toString()))).toEqual({
        grant_type: "client_credentials",
        scope: "items:read",
        client_id: "app-1",
        client_secret: "app-secret-1",
      });
      expect(counter.n).toBe(2);
      expect(apiRequests(server).map((r) => r.headers.authorization)).toEqual([
        "Bearer new-access-1",
        "Bearer new-access-2",
      ]);
    });

    it("renders the base URL again from a token-extract field (salesforce's instance_url)", {
      timeout: 10_000,
    }, async () => {
      const counter = { n: 0 };
      server.handler = (req, res) => {
        if (req.url.startsWith("/oauth/token"))
          return tokenEndpoint(res, counter, { instance_url: server.origin });
        json(res, 200, { data: [] });
      };
      const executor = new LocalExecutor({
        model: acmeModel(
          server.origin,
          { type: "oauth2", refreshUrl: `${server.origin}/oauth/token`, tokenExtract: ["instance_url"] },
          { serverUrl: "{instance_url}/api" },
        ),
        authConfig: { refresh_token: "r-1234", client_id: "c", client_secret: "s" },
        configValues: { instance_url: "http://127.0.0.1:9" },
      });
      executors.push(executor);
      await executor.execute("items", "list");
      expect(executor.baseUrl).toBe(`${server.origin}/api`);
      expect(apiRequests(server)).toHaveLength(1);
    });
  });
});
