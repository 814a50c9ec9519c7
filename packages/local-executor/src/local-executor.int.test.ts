import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDownloadResult, Secret } from "@execkit/core";
import {
  HTTPStatusError,
  InvalidConfigurationError,
  MissingCredentialsError,
  PaginationLimitError,
  ResponseFormatError,
} from "@execkit/errors";
import { createRoutingDispatcher, ORIGINAL_ORIGIN_HEADER } from "@execkit/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { acmeModel } from "../test/acme-spec";
import {
  sendJson as json,
  type LoopbackServer,
  startLoopbackServer,
  useLoopbackServer,
} from "../test/loopback";
import { LocalExecutor, type LocalExecutorOptions } from "./index";

describe("LocalExecutor on a loopback server", () => {
  const loopback = useLoopbackServer<LocalExecutor>();
  const executors = loopback.executors;
  let server: LoopbackServer;
  beforeAll(() => {
    server = loopback.server;
  });

  function make(options: Partial<LocalExecutorOptions> = {}): LocalExecutor {
    const executor = new LocalExecutor({
      model: acmeModel(server.origin),
      authConfig: { api_key: new Secret("bearer-secret-5678") },
      retryConfig: { maxAttempts: 2, initialDelaySeconds: 0.001, jitter: false },
      timeoutMs: 5_000,
      ...options,
    });
    executors.push(executor);
    return executor;
  }

  describe("execution errors come back in the result and send nothing", () => {
    it("an invalid action (fix 22)", { timeout: 5_000 }, async () => {
      const result = await make().execute("items", "bogus");
      expect(result).toMatchObject({ success: false, data: {} });
      expect(result.error).toMatch(/'bogus' is not a valid action/);
      expect(server.requests).toHaveLength(0);
    });

    it("context_store_search, an unknown entity, an unsupported action", { timeout: 5_000 }, async () => {
      const executor = make();
      expect((await executor.execute("items", "context_store_search")).error).toMatch(/hosted/);
      expect((await executor.execute("nope", "list")).error).toMatch(
        /Entity 'nope' not found. Available entities: items/,
      );
      expect((await executor.execute("files", "list")).error).toMatch(/Supported actions: download/);
      expect(server.requests).toHaveLength(0);
    });

    it("every missing parameter is named at once", { timeout: 5_000 }, async () => {
      const result = await make().execute({ entity: "items", action: "create", params: {} });
      expect(result.success).toBe(false);
      expect(result.error).toBe("Missing required parameters for items.create: name, owner.");
    });

    it("an invalid value says which rule it broke", { timeout: 5_000 }, async () => {
      const executor = make();
      expect((await executor.execute("items", "list", { params: { status: "pending" } })).error).toBe(
        'Invalid value for parameter \'status\' of items.list: status must be one of ["open","closed"] (rule: enum); got "pending".',
      );
      expect((await executor.execute("items", "list", { params: { limit: 500 } })).error).toMatch(
        /limit must be <= 100 \(rule: maximum\)/,
      );
      expect((await executor.execute("items", "list", { params: { limit: "ten" } })).error).toMatch(
        /must be of type integer \(rule: type\)/,
      );
      expect((await executor.execute("items", "get", { params: { item_id: " " } })).error).toMatch(
        /non-empty/,
      );
      expect(server.requests).toHaveLength(0);
    });

    it("a download with a missing param fails before returning (fix 15)", { timeout: 5_000 }, async () => {
      const result = await make().execute("files", "download", { params: {} });
      expect(result).toMatchObject({
        success: false,
        error: "Missing required parameter for files.download: file_id.",
      });
    });
  });

  describe("requests", () => {
    it("builds path, query (deepObject, arrays), header defaults and JSON bodies with defaults", {
      timeout: 5_000,
    }, async () => {
      server.handler = (_req, res) => json(res, 200, { id: "x" });
      const executor = make();
      await executor.execute("items", "list", {
        params: { limit: 5, cursor: null, created: { gt: 7, lt: null }, ignored: "x" },
      });
      await executor.execute("items", "get", { params: { item_id: "a/b c" } });
      await executor.execute("items", "create", { params: { name: "n", owner: "o", tags: ["t1"] } });
      const [list, get, create] = server.requests;
      expect(list!.url).toBe("/api/items?limit=5&created%5Bgt%5D=7");
      expect(get!.url).toBe("/api/items/a%2Fb%20c");
      expect(get!.headers["x-api-version"]).toBe("2024-01-01");
      expect(create!.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(create!.body.toString())).toEqual({
        kind: "basic",
        name: "n",
        owner: "o",
        tags: ["t1"],
      });
    });

    it("sends multipart/form-data bodies (fix 9)", { timeout: 5_000 }, async () => {
      server.handler = (_req, res) => json(res, 201, { id: "note" });
      await make().execute("notes", "create", {
        params: { title: "hello", file: new Uint8Array([1, 2, 3]) },
      });
      const [request] = server.requests;
      const type = String(request!.headers["content-type"]);
      expect(type).toMatch(/^multipart\/form-data; boundary=/);
      const text = request!.body.toString("latin1");
      expect(text).toContain('Content-Disposition: form-data; name="title"\r\n\r\nhello\r\n');
      expect(text).toContain(
        'name="file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\x03\r\n',
      );
    });

    it("sends API keys in the query or a cookie when the scheme says so (fix 10)", {
      timeout: 5_000,
    }, async () => {
      server.handler = (_req, res) => json(res, 200, { data: [] });
      const query = make({
        model: acmeModel(server.origin, { type: "apiKey", in: "query", name: "api_key" }),
        authConfig: { api_key: "qkey-1234" },
      });
      await query.execute("items", "list", { params: { limit: 1 } });
      const cookie = make({
        model: acmeModel(server.origin, { type: "apiKey", in: "cookie", name: "session" }),
        authConfig: { api_key: "ckey-1234" },
      });
      await cookie.execute("items", "list");
      expect(server.requests[0]!.url).toBe("/api/items?limit=1&api_key=qkey-1234");
      expect(server.requests[0]!.headers.authorization).toBeUndefined();
      expect(server.requests[1]!.headers.cookie).toBe("session=ckey-1234");
    });

    it("missing credentials are a typed error before any request (fix 11)", () => {
      expect(() => make({ authConfig: undefined })).toThrow(MissingCredentialsError);
      try {
        make({ authConfig: {} });
      } catch (error) {
        expect((error as MissingCredentialsError).missing).toEqual(["api_key"]);
        expect((error as Error).message).toMatch(/needs 'api_key' in authConfig/);
      }
      expect(server.requests).toHaveLength(0);
    });

    it("selects a multi-auth scheme from the credentials, or by authScheme", { timeout: 5_000 }, async () => {
      server.handler = (_req, res) => json(res, 200, { data: [] });
      const model = acmeModel(server.origin, { type: "multi" });
      const basic = make({ model, authConfig: { email: "me@x.io", api_token: "tok-9876" } });
      expect(basic.authSchemeName).toBe("basicAuth");
      await basic.execute("items", "list");
      expect(server.requests[0]!.headers.authorization).toBe(
        `Basic ${Buffer.from("me@x.io/token:tok-9876").toString("base64")}`,
      );
      expect(() =>
        make({ model, authConfig: { api_key: "k-1234", email: "e", api_token: "t-1234" } }),
      ).toThrow(/Pass authScheme/);
      expect(
        make({
          model,
          authConfig: { api_key: "k-1234", email: "e", api_token: "t-1234" },
          authScheme: "bearerAuth",
        }).authSchemeName,
      ).toBe("bearerAuth");
      expect(() => make({ model, authScheme: "nope", authConfig: { api_key: "k-1234" } })).toThrow(
        InvalidConfigurationError,
      );
    });

    it("rejects bad options with InvalidConfigurationError", () => {
      expect(() => new LocalExecutor({} as LocalExecutorOptions)).toThrow(
        /exactly one of configPath and model/,
      );
      expect(() => make({ secrets: { api_key: "x-1234" } })).toThrow(/not both/);
      expect(() => make({ timeoutMs: -1 })).toThrow(/timeoutMs/);
      expect(() => make({ bogus: 1 } as unknown as LocalExecutorOptions)).toThrow(InvalidConfigurationError);
    });
  });

  describe("responses", () => {
    it("applies the record filter fail-closed", { timeout: 5_000 }, async () => {
      server.handler = (_req, res) =>
        json(res, 200, {
          data: [
            { id: "1", private: false },
            { id: "2", private: true },
          ],
        });
      const executor = make();
      expect((await executor.execute("public_items", "list")).data).toEqual([{ id: "1", private: false }]);
      server.handler = (_req, res) => json(res, 200, { data: [{ id: "1" }] });
      const error = await executor.execute("public_items", "list").catch((e: unknown) => e);
      expect(ResponseFormatError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/could not be evaluated/);
    });

    it("returns {} for an empty body and null for an empty get", { timeout: 5_000 }, async () => {
      server.handler = (_req, res) => {
        res.writeHead(204);
        res.end();
      };
      const executor = make();
      expect((await executor.execute("items", "delete", { params: { item_id: "1" } })).data).toEqual({});
      expect((await executor.execute("items", "list")).data).toEqual([]);
    });

    it("HTTP errors carry the status, a redacted body excerpt and the reference's message", {
      timeout: 5_000,
    }, async () => {
      server.handler = (_req, res) =>
        json(res, 404, { message: "no item, your token was bearer-secret-5678" });
      const error = await make()
        .execute("items", "get", { params: { item_id: "9" } })
        .catch((e: unknown) => e);
      expect(HTTPStatusError.isInstance(error)).toBe(true);
      expect((error as HTTPStatusError).status).toBe(404);
      expect((error as Error).message).toBe("no item, your token was [REDACTED]");
      expect(JSON.stringify(error)).not.toContain("bearer-secret-5678");
    });
  });

  describe("downloads", () => {
    it("streams a one-step download and throws for a failed status before returning (fix 15)", {
      timeout: 10_000,
    }, async () => {
      server.handler = (req, res) => {
        if (req.url.includes("missing")) return json(res, 404, { message: "gone" });
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(Buffer.from([0, 255, 1, 254]));
      };
      const executor = make();
      const result = await executor.execute("files", "download", { params: { file_id: "f1" } });
      expect(isDownloadResult(result)).toBe(true);
      const chunks: Uint8Array[] = [];
      if (isDownloadResult(result)) for await (const chunk of result.data) chunks.push(chunk);
      expect(Buffer.concat(chunks)).toEqual(Buffer.from([0, 255, 1, 254]));
      const error = await executor
        .execute("files", "download", { params: { file_id: "missing" } })
        .catch((e: unknown) => e);
      expect((error as HTTPStatusError).status).toBe(404);
    });

    it("two-step download: auth goes to the file URL only when it is under the base URL (#21 kept)", {
      timeout: 10_000,
    }, async () => {
      const other = await startLoopbackServer((_req, res) => {
        res.writeHead(200);
        res.end("external-bytes");
      });
      try {
        server.handler = (req, res) => {
          if (req.url.startsWith("/api/attachments/a1"))
            return json(res, 200, { attachment: { content_url: `${other.origin}/signed?sig=abc` } });
          if (req.url.startsWith("/api/attachments/a2"))
            return json(res, 200, { attachment: { content_url: `${server.origin}/api/blob/a2` } });
          res.writeHead(200);
          res.end("internal-bytes");
        };
        const executor = make();
        const read = async (id: string) => {
          const result = await executor.execute("attachments", "download", { params: { attachment_id: id } });
          let text = "";
          if (isDownloadResult(result))
            for await (const chunk of result.data) text += Buffer.from(chunk).toString();
          return text;
        };
        expect(await read("a1")).toBe("external-bytes");
        expect(other.requests[0]!.headers.authorization).toBeUndefined();
        expect(await read("a2")).toBe("internal-bytes");
        expect(server.requests.at(-1)!.headers.authorization).toBe("Bearer bearer-secret-5678");
      } finally {
        await other.close();
      }
    });

    it("two-step download: a look-alike host, another port or a sibling path gets no credentials", {
      timeout: 10_000,
    }, async () => {
      // Every host is routed to the loopback server, which sees the origin each request was meant for.
      const dispatcher = createRoutingDispatcher(server.origin);
      const fileUrls: Record<string, string> = {
        lookalike: "https://api.acme.test.evil.example/steal",
        port: "https://api.acme.test:8443/v1/blob",
        sibling: "https://api.acme.test/v10/blob",
        inside: "https://api.acme.test/v1/blob/inside",
      };
      try {
        server.handler = (req, res) => {
          const id = /\/attachments\/(\w+)/.exec(req.url)?.[1];
          if (id) return json(res, 200, { attachment: { content_url: fileUrls[id] } });
          res.writeHead(200);
          res.end("bytes");
        };
        const executor = make({
          model: acmeModel(server.origin, undefined, { serverUrl: "https://api.acme.test/v1" }),
          dispatcher,
        });
        const sentTo = async (id: string) => {
          const result = await executor.execute("attachments", "download", { params: { attachment_id: id } });
          if (isDownloadResult(result)) for await (const _chunk of result.data);
          const request = server.requests.at(-1)!;
          const origin = request.headers[ORIGINAL_ORIGIN_HEADER];
          return { url: `${origin}${request.url}`, authorization: request.headers.authorization };
        };
        for (const id of ["lookalike", "port", "sibling"]) {
          expect(await sentTo(id)).toEqual({ url: fileUrls[id], authorization: undefined });
        }
        expect(await sentTo("inside")).toEqual({
          url: fileUrls.inside,
          authorization: "Bearer bearer-secret-5678",
        });
      } finally {
        await dispatcher.close();
      }
    });

    it("streams a 256 MiB body in bounded memory (fix 14)", { timeout: 60_000 }, async () => {
      const chunk = Buffer.alloc(1 << 20, 7);
      const total = 256;
      server.handler = (_req, res) => {
        res.writeHead(200, {
          "content-type": "application/octet-stream",
          "content-length": String(total * chunk.length),
        });
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent++;
            if (!res.write(chunk)) {
              res.once("drain", pump);
              return;
            }
          }
          res.end();
        };
        pump();
      };
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      let length = 0;
      const result = await make().execute("files", "download", { params: { file_id: "big" } });
      if (isDownloadResult(result)) {
        for await (const part of result.data) {
          length += part.byteLength;
          peak = Math.max(peak, process.memoryUsage().rss);
        }
      }
      expect(length).toBe(total * chunk.length);
      expect((peak - before) / 2 ** 20).toBeLessThan(96);
    });
  });

  it("follows redirects, dropping credentials when the redirect leaves the origin", {
    timeout: 10_000,
  }, async () => {
    const other = await startLoopbackServer((_req, res) => json(res, 200, { data: [{ id: "elsewhere" }] }));
    try {
      server.handler = (req, res) => {
        if (req.url.startsWith("/api/items?limit=1")) {
          res.writeHead(302, { location: "/api/moved" });
          res.end();
          return;
        }
        if (req.url.startsWith("/api/moved")) {
          res.writeHead(307, { location: `${other.origin}/api/items` });
          res.end();
          return;
        }
        json(res, 404, {});
      };
      const result = await make().execute("items", "list", { params: { limit: 1 } });
      expect(result.data).toEqual([{ id: "elsewhere" }]);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([
        "Bearer bearer-secret-5678",
        "Bearer bearer-secret-5678",
      ]);
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it("logging keeps maxLogs entries in memory and streams the rest to the file, redacted (fix 16)", {
    timeout: 10_000,
  }, async () => {
    const logFile = join(tmpdir(), `execkit-le-log-${process.pid}-${Date.now()}.jsonl`);
    try {
      server.handler = (_req, res) => json(res, 200, { data: [{ id: "1" }], echo: "bearer-secret-5678" });
      const executor = make({ enableLogging: true, logFile, maxLogs: 3 });
      for (let i = 0; i < 10; i++) await executor.execute("items", "list", { params: { limit: i + 1 } });
      expect(executor.logs).toHaveLength(3);
      expect(executor.logs.map((entry) => entry.url)).toEqual(
        [8, 9, 10].map((n) => `${server.origin}/api/items?limit=${n}`),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readFileSync(logFile, "utf8").trim().split("\n")).toHaveLength(1 + 7);
      await executor.close();
      const lines = readFileSync(logFile, "utf8").trim().split("\n");
      expect(lines).toHaveLength(1 + 10);
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: "session", connector_name: "acme", max_logs: 3 });
      expect(JSON.parse(lines[1]!)).toMatchObject({
        kind: "api",
        method: "GET",
        status: 200,
        requestHeaders: { Authorization: "[REDACTED]" },
      });
      expect(lines.join("\n")).not.toContain("bearer-secret-5678");
    } finally {
      rmSync(logFile, { force: true });
    }
  });

  it("executeBatch bounds concurrency, keeps input order and isolates failures", {
    timeout: 10_000,
  }, async () => {
    let inFlight = 0;
    let peak = 0;
    server.handler = (req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        if (req.url.includes("/items/boom")) return json(res, 500, { message: "boom" });
        json(res, 200, { id: req.url.split("/").pop() });
      }, 20);
    };
    const executor = make({ retryConfig: { maxAttempts: 1 } });
    const ids = Array.from({ length: 20 }, (_, i) => (i === 5 ? "boom" : `id${i}`));
    const results = await executor.executeBatch(
      [...ids.map((id) => ["items", "get", { item_id: id }] as const), { entity: "nope", action: "list" }],
      { concurrency: 4 },
    );
    expect(peak).toBeLessThanOrEqual(4);
    expect(results).toHaveLength(21);
    results.slice(0, 20).forEach((item, index) => {
      expect(item.index).toBe(index);
      if (index === 5) expect(item).toMatchObject({ status: "rejected", error: { status: 500 } });
      else
        expect(item).toMatchObject({
          status: "fulfilled",
          result: { success: true, data: { id: `id${index}` } },
        });
    });
    expect(results[20]).toMatchObject({ status: "fulfilled", result: { success: false } });
  });

  it("paginate follows the cursor until the last page, and stops at maxPages", {
    timeout: 10_000,
  }, async () => {
    server.handler = (req, res) => {
      const cursor = new URL(req.url, "http://x").searchParams.get("cursor");
      const page = cursor ? Number(cursor.replace("c", "")) : 1;
      json(res, 200, {
        data: [{ id: `${page}a` }, { id: `${page}b` }],
        next_cursor: page < 3 ? `c${page + 1}` : null,
        has_more: page < 3,
      });
    };
    const executor = make();
    const ids: string[] = [];
    for await (const record of executor.paginate("items", "list", { params: { limit: 2 } }))
      ids.push((record as { id: string }).id);
    expect(ids).toEqual(["1a", "1b", "2a", "2b", "3a", "3b"]);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/api/items?limit=2",
      "/api/items?limit=2&cursor=c2",
      "/api/items?limit=2&cursor=c3",
    ]);
    const capped: unknown[] = [];
    const error = await (async () => {
      for await (const record of executor.paginate("items", "list", { maxPages: 2 })) capped.push(record);
    })().catch((e: unknown) => e);
    expect(PaginationLimitError.isInstance(error)).toBe(true);
    expect(capped).toHaveLength(4);
  });

  it("paginate follows @link next URLs", { timeout: 10_000 }, async () => {
    const model = acmeModel(server.origin);
    const operation = model.operations.find((o) => o.entity === "items" && o.action === "list")!;
    // The spec's items list reads a cursor; this check drives the Link-header strategy through nextPage().
    const { nextPage } = await import("./paginate");
    expect(nextPage(operation, {}, { next_page_url: `${server.origin}/api/items?page=2` }, [{}])).toEqual({
      kind: "url",
      url: `${server.origin}/api/items?page=2`,
    });
    expect(nextPage(operation, {}, { next_page_url: null, has_more: false }, [{}])).toBeUndefined();
  });

  it("check() reports healthy and unhealthy without throwing; checkEntities probes each entity", {
    timeout: 10_000,
  }, async () => {
    server.handler = (_req, res) => json(res, 200, { data: [{ id: "p1" }] });
    const executor = make();
    expect(await executor.check()).toEqual({
      success: true,
      data: { status: "healthy", checked_entity: "items", checked_action: "list" },
      error: null,
      meta: null,
    });
    expect(server.requests[0]!.url).toBe("/api/items?limit=1");
    server.handler = (_req, res) => json(res, 401, { message: "bad key" });
    const unhealthy = await executor.check();
    expect(unhealthy).toMatchObject({
      success: false,
      data: { status: "unhealthy", checked_entity: "items" },
    });
    expect(unhealthy.error).toMatch(/Authentication failed: bad key \(HTTP 401\)/);
    server.handler = (_req, res) => json(res, 200, { data: [{ id: "p1" }] });
    const entities = await executor.checkEntities(["items", "files", "nope"]);
    expect(entities.data.entity_results).toEqual([
      { entity: "items", status: "healthy", error: null, status_code: null, checked_action: "list" },
      {
        entity: "files",
        status: "skipped",
        error: "Entity has no list or get operation",
        status_code: null,
        checked_action: null,
      },
      {
        entity: "nope",
        status: "failed",
        error: "Entity 'nope' not found",
        status_code: null,
        checked_action: null,
      },
    ]);
    expect(entities.success).toBe(false);
  });

  it("close() is idempotent, works with await using, and later calls fail clearly", {
    timeout: 5_000,
  }, async () => {
    const executor = make();
    {
      await using scoped = make();
      expect(scoped.baseUrl).toBe(`${server.origin}/api`);
    }
    await executor.close();
    await executor.close();
    await expect(executor.execute("items", "list")).rejects.toThrow(/was closed/);
  });
});
