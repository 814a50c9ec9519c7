import { loadConnectorModel, Secret } from "@execkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { sendJson as json, type LoopbackServer, useLoopbackServer } from "../test/loopback";
import { LocalExecutor } from "./index";

/**
 * A connector under `/v1` with one list operation per paging style seen in real specs that the cursor-name
 * heuristics alone got wrong: a cursor read from a field named unlike any cursor (pinterest's `bookmark`), a
 * root-relative next URL that repeats the base path (salesforce's `nextRecordsUrl`, twilio's `next_page_uri`),
 * and a page number the response echoes next to a has-more flag or a page count (zoho's `info`, paypal's
 * `total_pages`).
 */
function pagingSpec(origin: string): string {
  return `
openapi: 3.1.0
info:
  title: Paging
  version: 1.0.0
  x-airbyte-connector-name: paging
  x-airbyte-connector-definition-id: 5d0c3a52-8f3e-4b7a-9d61-2c4e8f1a7b30
servers:
  - url: ${origin}/v1
security:
  - bearerAuth: []
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      x-airbyte-auth-config:
        type: object
        required: [token]
        properties:
          token: { type: string }
        auth_mapping:
          token: "\${token}"
paths:
  /boards:
    get:
      x-airbyte-entity: boards
      x-airbyte-action: list
      x-airbyte-record-extractor: $.items
      x-airbyte-meta-extractor:
        cursor: $.bookmark
      parameters:
        - { name: page_size, in: query, schema: { type: integer } }
        - { name: bookmark, in: query, schema: { type: string } }
      responses:
        "200": { description: ok }
  /calls:
    get:
      x-airbyte-entity: calls
      x-airbyte-action: list
      x-airbyte-record-extractor: $.calls
      x-airbyte-meta-extractor:
        next_page_url: $.next_page_uri
      responses:
        "200": { description: ok }
  /leads:
    get:
      x-airbyte-entity: leads
      x-airbyte-action: list
      x-airbyte-record-extractor: $.data
      x-airbyte-meta-extractor:
        more_records: $.info.more_records
        page: $.info.page
      parameters:
        - { name: page, in: query, schema: { type: integer } }
      responses:
        "200": { description: ok }
  /transactions:
    get:
      x-airbyte-entity: transactions
      x-airbyte-action: list
      x-airbyte-record-extractor: $.transaction_details
      x-airbyte-meta-extractor:
        total_pages: $.total_pages
        page: $.page
      parameters:
        - { name: page, in: query, schema: { type: integer } }
      responses:
        "200": { description: ok }
`;
}

describe("paginate follows paging styles the cursor-name heuristics missed", () => {
  const loopback = useLoopbackServer<LocalExecutor>();
  let server: LoopbackServer;
  beforeAll(() => {
    server = loopback.server;
  });

  function make(): LocalExecutor {
    const executor = new LocalExecutor({
      model: loadConnectorModel(pagingSpec(server.origin)),
      authConfig: { token: new Secret("paging-token") },
      retryConfig: { maxAttempts: 1 },
      timeoutMs: 5_000,
    });
    loopback.executors.push(executor);
    return executor;
  }

  async function collect(executor: LocalExecutor, entity: string): Promise<unknown[]> {
    const records: unknown[] = [];
    for await (const record of executor.paginate(entity, "list", { maxPages: 10 })) records.push(record);
    return records;
  }

  it("sends a cursor back in the field its meta extractor read it from (pinterest's bookmark)", {
    timeout: 5_000,
  }, async () => {
    server.handler = (req, res) => {
      const bookmark = new URL(req.url, "http://x").searchParams.get("bookmark");
      const page = bookmark ? Number(bookmark.replace("bm-", "")) : 1;
      json(res, 200, { items: [{ id: `b${page}` }], bookmark: page < 3 ? `bm-${page + 1}` : null });
    };
    expect(await collect(make(), "boards")).toEqual([{ id: "b1" }, { id: "b2" }, { id: "b3" }]);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/v1/boards",
      "/v1/boards?bookmark=bm-2",
      "/v1/boards?bookmark=bm-3",
    ]);
  });

  it("resolves a root-relative next URL against the API host, keeping the base path once (twilio, salesforce)", {
    timeout: 5_000,
  }, async () => {
    server.handler = (req, res) => {
      const page = Number(new URL(req.url, "http://x").searchParams.get("Page") ?? "0");
      json(res, 200, {
        calls: [{ sid: `c${page}` }],
        next_page_uri: page < 2 ? `/v1/calls?Page=${page + 1}&PageToken=PA${page + 1}` : null,
      });
    };
    expect(await collect(make(), "calls")).toEqual([{ sid: "c0" }, { sid: "c1" }, { sid: "c2" }]);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/v1/calls",
      "/v1/calls?Page=1&PageToken=PA1",
      "/v1/calls?Page=2&PageToken=PA2",
    ]);
    // The followed URL is under the base URL, so it still carries the credentials.
    expect(server.requests.every((r) => r.headers.authorization === "Bearer paging-token")).toBe(true);
  });

  it("an echoed page number is the current page: more_records and total_pages advance it, never repeat it", {
    timeout: 5_000,
  }, async () => {
    server.handler = (req, res) => {
      const url = new URL(req.url, "http://x");
      const page = Number(url.searchParams.get("page") ?? "1");
      if (url.pathname === "/v1/leads")
        json(res, 200, { data: [{ id: `l${page}` }], info: { page, more_records: page < 3 } });
      else json(res, 200, { transaction_details: [{ id: `t${page}` }], page, total_pages: 2 });
    };
    const executor = make();
    expect(await collect(executor, "leads")).toEqual([{ id: "l1" }, { id: "l2" }, { id: "l3" }]);
    expect(await collect(executor, "transactions")).toEqual([{ id: "t1" }, { id: "t2" }]);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/v1/leads",
      "/v1/leads?page=2",
      "/v1/leads?page=3",
      "/v1/transactions",
      "/v1/transactions?page=2",
    ]);
  });
});
