import { type ConnectorModel, loadConnectorModel } from "@execkit/core";
import { fetch, request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WIDGETS_SPEC } from "./fixtures/widgets-spec";
import { applyAuthMapping } from "./generate-credentials";
import { type MockApi, startMockApi } from "./mock-api";

const BASE = "https://acme.widgets.example.com/api/v1";
const TOKEN_URL = "https://auth.widgets.example.com/oauth/refresh";

let model: ConnectorModel;
let mock: MockApi;

beforeAll(async () => {
  model = loadConnectorModel(WIDGETS_SPEC);
  mock = await startMockApi(model, { configValues: { tenant: "acme" } });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => {
  mock.reset();
  mock.preferOperation(undefined);
});

function bearer(): Record<string, string> {
  return { authorization: `Bearer ${mock.credentials("bearerAuth").api_token}` };
}

async function call(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string>; text: string; json: () => unknown }> {
  const response = await request(url, {
    method: method as "GET",
    headers: options.headers,
    body: options.body,
    dispatcher: mock.dispatcher,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const text = await response.body.text();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
  return { status: response.statusCode, headers, text, json: () => JSON.parse(text) };
}

describe("routing dispatcher", () => {
  it("sends a request for any host to the mock and keeps the original host visible", async () => {
    const response = await call("GET", `${BASE}/widgets`, { headers: bearer() });
    expect(response.status).toBe(200);
    const recorded = mock.requests[0]!;
    expect(recorded.kind).toBe("api");
    expect(recorded.origin).toBe("https://acme.widgets.example.com");
    expect(recorded.headers.host).toBe("acme.widgets.example.com");
    expect(recorded.url).toBe(`${BASE}/widgets`);
    expect(recorded).toMatchObject({ entity: "widgets", action: "list", authScheme: "bearerAuth", page: 0 });
    expect(recorded.headers["x-execkit-original-origin"]).toBeUndefined();
  });

  it("routes undici fetch and flat-array headers too", async () => {
    const response = await fetch(`${BASE}/widgets/w9`, { headers: bearer(), dispatcher: mock.dispatcher });
    expect(response.status).toBe(200);
    const token = bearer().authorization!;
    const flat = await request("http://files.elsewhere.test:8443/api/v1/widgets/w8", {
      headers: ["authorization", token, "x-trace", "t1"],
      dispatcher: mock.dispatcher,
    });
    await flat.body.dump();
    expect(flat.statusCode).toBe(200);
    expect(mock.requests.map((r) => [r.origin, r.pathParams?.widget_id])).toEqual([
      ["https://acme.widgets.example.com", "w9"],
      ["http://files.elsewhere.test:8443", "w8"],
    ]);
    expect(mock.requests[1]!.headers["x-trace"]).toBe("t1");
  });

  it("answers 404 with a reason for a path no operation serves", async () => {
    const response = await call("GET", `${BASE}/nothing-here`, { headers: bearer() });
    expect(response.status).toBe(404);
    expect(mock.requests[0]!.kind).toBe("unmatched");
    expect(String((response.json() as { message: string }).message)).toContain("/api/v1/nothing-here");
  });
});

describe("auth checks", () => {
  it("refuses a request without credentials with 401 and says what is missing", async () => {
    const response = await call("GET", `${BASE}/widgets`);
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.json())).toContain('bearerAuth: header \\"authorization\\" is missing');
  });

  it("refuses a wrong bearer token without quoting any credential", async () => {
    const response = await call("GET", `${BASE}/widgets`, { headers: { authorization: "Bearer wrong" } });
    expect(response.status).toBe(401);
    for (const credentials of [mock.credentials("bearerAuth"), mock.credentials("basicAuth")]) {
      for (const value of Object.values(credentials)) expect(response.text).not.toContain(value);
    }
  });

  it("accepts basic auth built through auth_mapping (username = email/token)", async () => {
    const { email, password } = mock.credentials("basicAuth");
    const basic = Buffer.from(`${email}/token:${password}`).toString("base64");
    expect(
      (await call("GET", `${BASE}/widgets`, { headers: { authorization: `Basic ${basic}` } })).status,
    ).toBe(200);
    expect(mock.requests[0]!.authScheme).toBe("basicAuth");
    const wrong = Buffer.from(`${email}:${password}`).toString("base64");
    expect(
      (await call("GET", `${BASE}/widgets`, { headers: { authorization: `Basic ${wrong}` } })).status,
    ).toBe(401);
  });

  it("accepts an API key in the query string and in a cookie", async () => {
    const key = mock.credentials("queryKey").query_key!;
    expect((await call("GET", `${BASE}/widgets?key=${encodeURIComponent(key)}`)).status).toBe(200);
    expect(mock.requests[0]!.authScheme).toBe("queryKey");
    const cookie = mock.credentials("cookieKey").cookie_key!;
    expect(
      (await call("GET", `${BASE}/widgets`, { headers: { cookie: `a=b; session_key=${cookie}` } })).status,
    ).toBe(200);
    expect(mock.requests[1]!.authScheme).toBe("cookieKey");
    expect((await call("GET", `${BASE}/widgets`, { headers: { cookie: "session_key=nope" } })).status).toBe(
      401,
    );
  });

  it("accepts the configured OAuth2 access token until it is revoked", async () => {
    const token = mock.credentials("oauth").access_token!;
    const headers = { authorization: `Bearer ${token}` };
    expect((await call("GET", `${BASE}/widgets`, { headers })).status).toBe(200);
    expect(mock.requests[0]!.authScheme).toBe("oauth");
    mock.revokeConfiguredToken("oauth");
    expect((await call("GET", `${BASE}/widgets`, { headers })).status).toBe(401);
  });
});

describe("OAuth2 token endpoint", () => {
  const secrets = (): Record<string, string> =>
    applyAuthMapping(model.securitySchemes[4]!, mock.credentials("oauth"));
  const basicClient = (): string =>
    `Basic ${Buffer.from(`${secrets().client_id}:${secrets().client_secret}`).toString("base64")}`;

  it("issues a token with expires_in at the spec's refresh URL, and the token works until expired", async () => {
    const response = await call("POST", TOKEN_URL, {
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicClient() },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: secrets().refresh_token!,
      }).toString(),
    });
    expect(response.status).toBe(200);
    const token = response.json() as { access_token: string; expires_in: number; token_type: string };
    expect(token.expires_in).toBe(3600);
    expect(token.token_type).toBe("Bearer");
    expect(mock.requests[0]!.kind).toBe("token");
    expect(mock.issuedTokens).toContain(token.access_token);
    const headers = { authorization: `Bearer ${token.access_token}` };
    expect((await call("GET", `${BASE}/widgets`, { headers })).status).toBe(200);
    mock.expireTokens();
    expect((await call("GET", `${BASE}/widgets`, { headers })).status).toBe(401);
  });

  it("refuses an unknown refresh token and missing client credentials", async () => {
    const unknown = await call("POST", TOKEN_URL, {
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicClient() },
      body: "grant_type=refresh_token&refresh_token=not-ours",
    });
    expect(unknown.status).toBe(400);
    const noClient = await call("POST", TOKEN_URL, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: secrets().refresh_token!,
      }).toString(),
    });
    expect(noClient.status).toBe(401);
    expect(noClient.text).toContain("Basic header");
  });
});

describe("request validation", () => {
  it("lists every problem of a bad JSON body with 400", async () => {
    const response = await call("POST", `${BASE}/widgets`, {
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({ name: 5, size: 0 }),
    });
    expect(response.status).toBe(400);
    const { problems } = response.json() as { problems: string[] };
    expect(problems).toEqual(expect.arrayContaining(["body.name must be a string", "body.size is below 1"]));
  });

  it("refuses a missing required body property, a bad enum and an out-of-range query value", async () => {
    const missing = await call("POST", `${BASE}/widgets`, {
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({ name: "a" }),
    });
    expect((missing.json() as { problems: string[] }).problems).toContain("body.size is required");
    const query = await call("GET", `${BASE}/widgets?status=deleted&limit=500`, { headers: bearer() });
    expect(query.status).toBe(400);
    const { problems } = query.json() as { problems: string[] };
    expect(problems.some((p) => p.includes('"status" must be one of active, archived'))).toBe(true);
    expect(problems.some((p) => p.includes('"limit" is above 100'))).toBe(true);
  });

  it("refuses a body sent with the wrong content type", async () => {
    const response = await call("POST", `${BASE}/widgets`, {
      headers: { ...bearer(), "content-type": "application/x-www-form-urlencoded" },
      body: "name=a&size=2",
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain("is not the declared");
  });

  it("answers a valid create with 201 and a delete declared 204 with an empty 204", async () => {
    const created = await call("POST", `${BASE}/widgets`, {
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({ name: "a", size: 2 }),
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ id: "id-0", size: 7 });
    const deleted = await call("DELETE", `${BASE}/widgets/w1`, { headers: bearer() });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
  });
});

describe("pagination", () => {
  it("follows a body cursor across pages, with different records on each, and ends with null", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await call("GET", `${BASE}/widgets${cursor ? `?cursor=${cursor}` : ""}`, {
        headers: bearer(),
      });
      const body = response.json() as { data: { id: string }[]; meta: { next_cursor: string | null } };
      seen.push(...body.data.map((record) => record.id));
      cursor = body.meta.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4", "id-5"]);
  });

  it("puts the next page in a Link header for @link.next, keeping the original origin", async () => {
    let url: string | undefined = `${BASE}/gadgets`;
    const ids: string[] = [];
    while (url !== undefined && ids.length < 20) {
      const response = await call("GET", url, { headers: bearer() });
      ids.push(...(response.json() as { id: string }[]).map((r) => r.id));
      url = /<([^>]+)>;\s*rel="next"/.exec(response.headers.link ?? "")?.[1];
      if (url !== undefined) expect(url.startsWith(`${BASE}/gadgets?page=`)).toBe(true);
    }
    expect(ids).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4", "id-5"]);
  });

  it("pages Stripe-style: has_more plus the last record's id as starting_after", async () => {
    const first = (await call("GET", `${BASE}/sprockets`, { headers: bearer() })).json() as {
      items: { id: string }[];
      has_more: boolean;
    };
    expect(first.has_more).toBe(true);
    const last = first.items.at(-1)!.id;
    const second = (
      await call("GET", `${BASE}/sprockets?starting_after=${last}`, { headers: bearer() })
    ).json() as {
      items: { id: string }[];
    };
    expect(second.items.map((r) => r.id)).toEqual(["id-2", "id-3"]);
  });

  it("pages GraphQL through pageInfo.endCursor read back from the variables", async () => {
    const query =
      "query Parts($first: Int, $after: String) { parts(first: $first, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } }";
    const ask = async (after?: string) =>
      (
        await call("POST", `${BASE}/graphql`, {
          headers: { ...bearer(), "content-type": "application/json" },
          body: JSON.stringify({ query, variables: after ? { first: 2, after } : { first: 2 } }),
        })
      ).json() as {
        data: {
          parts: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        };
      };
    const first = await ask();
    expect(mock.requests[0]).toMatchObject({ entity: "parts", action: "list" });
    expect(first.data.parts.pageInfo.hasNextPage).toBe(true);
    const second = await ask(first.data.parts.pageInfo.endCursor!);
    expect(second.data.parts.nodes.map((n) => n.id)).toEqual(["id-2", "id-3"]);
    const third = await ask(second.data.parts.pageInfo.endCursor!);
    expect(third.data.parts.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});

describe("GraphQL routing", () => {
  it("tells operations sharing /graphql apart by their query text", async () => {
    const response = await call("POST", `${BASE}/graphql`, {
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({
        query: "query Part($id: ID!) { part(id: $id) { id name } }",
        variables: { id: "p1" },
      }),
    });
    expect(response.status).toBe(200);
    expect(mock.requests[0]).toMatchObject({ entity: "parts", action: "get" });
    expect(response.json()).toMatchObject({ data: { part: { id: "id-0" } } });
  });

  it("refuses a GraphQL call that leaves a required variable null", async () => {
    const response = await call("POST", `${BASE}/graphql`, {
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({
        query: "query Part($id: ID!) { part(id: $id) { id } }",
        variables: { id: null },
      }),
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('GraphQL variable \\"id\\" (param \\"part_id\\") is required');
  });
});

describe("downloads", () => {
  it("serves deterministic bytes for a one-step download", async () => {
    const response = await request(`${BASE}/files/f1/content`, {
      headers: bearer(),
      dispatcher: mock.dispatcher,
    });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/octet-stream");
    expect(bytes.equals(mock.downloadBytes("files", "download"))).toBe(true);
    expect(bytes.toString("utf8")).not.toBe(bytes.toString("latin1"));
  });

  it("places the file URL at x-airbyte-file-url on another host, and serves it without auth", async () => {
    const metadata = (await call("GET", `${BASE}/attachments/a1`, { headers: bearer() })).json() as {
      attachment: { content_url: string };
    };
    const fileUrl = metadata.attachment.content_url;
    expect(new URL(fileUrl).host).not.toBe("acme.widgets.example.com");
    const file = await request(fileUrl, { dispatcher: mock.dispatcher });
    const bytes = Buffer.from(await file.body.arrayBuffer());
    expect(bytes.equals(mock.downloadBytes("attachments", "download"))).toBe(true);
    expect(mock.requests[1]!.kind).toBe("file");
  });
});

describe("fault injection", () => {
  it("answers an injected status with its headers the given number of times, then normally", async () => {
    const fault = mock.inject({
      match: { entity: "widgets", action: "list" },
      status: 503,
      headers: { "Retry-After": "2" },
      times: 2,
    });
    const first = await call("GET", `${BASE}/widgets`, { headers: bearer() });
    const second = await call("GET", `${BASE}/widgets`, { headers: bearer() });
    const third = await call("GET", `${BASE}/widgets`, { headers: bearer() });
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers["retry-after"]).toBe("2");
    expect(fault.hits).toBe(2);
    expect(mock.requests.map((r) => r.faulted)).toEqual([true, true, false]);
  });

  it("delays the response headers", async () => {
    mock.inject({ delayMs: 300 });
    const started = Date.now();
    expect((await call("GET", `${BASE}/widgets`, { headers: bearer() })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("resets the connection mid-body", async () => {
    mock.inject({ status: 200, resetMidBody: true });
    await expect(call("GET", `${BASE}/widgets`, { headers: bearer() })).rejects.toThrow();
    expect((await call("GET", `${BASE}/widgets`, { headers: bearer() })).status).toBe(200);
  });

  it("sends a malformed JSON body", async () => {
    mock.inject({ malformedBody: true });
    const response = await call("GET", `${BASE}/widgets`, { headers: bearer() });
    expect(response.headers["content-type"]).toBe("application/json");
    expect(() => response.json()).toThrow(SyntaxError);
  });

  it("matches faults by kind, so a token fault leaves API calls alone", async () => {
    mock.inject({ match: { kind: "token" }, status: 500, times: Number.POSITIVE_INFINITY });
    expect((await call("GET", `${BASE}/widgets`, { headers: bearer() })).status).toBe(200);
    const token = await call("POST", TOKEN_URL, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=refresh_token&refresh_token=x",
    });
    expect(token.status).toBe(500);
  });
});

describe("expected results", () => {
  it("computes records and meta from the response actually served", async () => {
    await call("GET", `${BASE}/widgets`, { headers: bearer() });
    const expected = mock.expectedResult("widgets", "list");
    expect((expected.data as { id: string }[]).map((r) => r.id)).toEqual(["id-0", "id-1"]);
    expect(expected.meta).toEqual({ next_cursor: "cursor-1", total: 7 });
    const get = mock.expectedResult("widgets", "get");
    expect(get.meta).toBeNull();
    expect(get.data).toMatchObject({
      id: "id-0",
      name: "name-0",
      status: "active",
      tags: ["tags-0", "tags-1"],
    });
  });

  it("reads @link meta from the Link header", async () => {
    await call("GET", `${BASE}/gadgets`, { headers: bearer() });
    expect(mock.expectedResult("gadgets", "list").meta).toEqual({
      next_page_url: `${BASE}/gadgets?page=cursor-1`,
    });
  });
});

/** Statements run by POST whose next partitions are fetched with GET (snowflake), and a lookup that answers a list. */
const ODD_SHAPES_SPEC = `
openapi: 3.1.0
info:
  title: Odd shapes
  version: 1.0.0
  x-airbyte-connector-name: odd-shapes
  x-airbyte-connector-definition-id: 7c2b9e41-3d5a-4f68-b0c1-8e9d2a4f6b13
servers: [{ url: "https://odd.example.com/api" }]
security: [{ bearerAuth: [] }]
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      x-airbyte-auth-config: { type: object, required: [token], properties: { token: { type: string } }, auth_mapping: { token: "\${token}" } }
paths:
  /statements:
    post:
      x-airbyte-entity: statements
      x-airbyte-action: list
      x-airbyte-record-extractor: $.data
      x-airbyte-meta-extractor: { next_page_url: "@link.next" }
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [statement], properties: { statement: { type: string } } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { data: { type: array, items: { type: object, properties: { id: { type: string } } } } } }
  /files:download:
    get:
      x-airbyte-entity: files
      x-airbyte-action: download
      x-airbyte-file-url: "[0].url"
      x-airbyte-path-override: { path: /files }
      parameters: [{ name: ids, in: query, required: true, schema: { type: string } }]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: array, items: { type: object, properties: { id: { type: string }, url: { type: string } } } }
`;

describe("specs shaped unlike REST listings", () => {
  let odd: MockApi;
  beforeAll(async () => {
    odd = await startMockApi(loadConnectorModel(ODD_SHAPES_SPEC));
  });
  afterAll(async () => {
    await odd.close();
  });

  async function send(method: string, url: string, body?: unknown) {
    const response = await request(url, {
      method: method as "GET",
      headers: {
        authorization: `Bearer ${odd.credentials("bearerAuth").token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: odd.dispatcher,
    });
    const text = await response.body.text();
    return { status: response.statusCode, link: String(response.headers.link ?? ""), text };
  }

  it("serves the next-page URL a POST list handed out to the GET that follows it (snowflake partitions)", async () => {
    expect((await send("GET", "https://odd.example.com/api/statements")).status).toBe(404);
    const ids: string[] = [];
    let next = /<([^>]+)>;\s*rel="next"/.exec(
      (await send("POST", "https://odd.example.com/api/statements", { statement: "select 1" })).link,
    )?.[1];
    while (next !== undefined && ids.length < 20) {
      const page = await send("GET", next);
      expect(page.status).toBe(200);
      ids.push(...(JSON.parse(page.text) as { data: { id: string }[] }).data.map((r) => r.id));
      next = /<([^>]+)>;\s*rel="next"/.exec(page.link)?.[1];
    }
    expect(ids).toEqual(["id-2", "id-3", "id-4", "id-5"]);
    expect(odd.requests.slice(-2).map((r) => [r.method, r.kind, r.entity, r.problems])).toEqual([
      ["GET", "api", "statements", []],
      ["GET", "api", "statements", []],
    ]);
  });

  it("places the file URL at a path that starts with an index when the metadata is a list (greenhouse)", async () => {
    const metadata = await send("GET", "https://odd.example.com/api/files?ids=7");
    const [first] = JSON.parse(metadata.text) as { url: string }[];
    const file = await request(first!.url, { dispatcher: odd.dispatcher });
    const bytes = Buffer.from(await file.body.arrayBuffer());
    expect(bytes.equals(odd.downloadBytes("files", "download"))).toBe(true);
  });
});
