import { loadConnectorModel } from "@execkit/core";
import { describe, expect, it } from "vitest";
import { applyPagination, type CursorBook, cursorValue, pageFromRequest, planPagination } from "./pagination";

function specWith(path: string, operation: string): string {
  return `
openapi: 3.1.0
info:
  title: Paging
  version: 1.0.0
  x-airbyte-connector-name: paging
  x-airbyte-connector-definition-id: 0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b
  x-airbyte-external-documentation-urls: [{ url: "https://paging.example.com", type: api_reference }]
servers: [{ url: "https://api.paging.example.com" }]
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      x-airbyte-auth-config: { type: object, required: [token], properties: { token: { type: string } }, auth_mapping: { token: "\${token}" } }
paths:
  ${path}:
    get:
      x-airbyte-entity: things
      x-airbyte-action: list
${operation}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: { type: array, items: { type: object, properties: { id: { type: string } } } }
                  done: { type: boolean }
                  startAt: { type: integer }
                  next_page: { type: [object, "null"], properties: { offset: { type: string }, uri: { type: string } } }
`;
}

const op = (parameters: string, meta: string) =>
  loadConnectorModel(
    specWith(
      "/things",
      `      x-airbyte-record-extractor: $.items\n      x-airbyte-meta-extractor: ${meta}\n      parameters: ${parameters}`,
    ),
  ).operations[0]!;

describe("planPagination", () => {
  it("gives an integer page param page numbers in next-page Link headers", () => {
    const plan = planPagination(
      op("[{ name: page, in: query, schema: { type: integer } }]", '{ next: "@link.next" }'),
    );
    expect(plan).toMatchObject({ paginated: true, cursorParam: "page", cursorStyle: "page" });
    const headers: Record<string, string> = {};
    const book: CursorBook = new Map();
    applyPagination(
      plan,
      0,
      3,
      2,
      {},
      headers,
      (n) => `https://x/things?page=${cursorValue(plan, n, 2)}`,
      book,
      undefined,
    );
    expect(headers.link).toBe('<https://x/things?page=2>; rel="next"');
    expect(pageFromRequest("2", [], book)).toBe(1);
  });

  it("writes integer offsets where the meta extractor reads an integer, and reads them back", () => {
    const plan = planPagination(
      op("[{ name: startAt, in: query, schema: { type: integer } }]", "{ next_offset: $.startAt }"),
    );
    expect(plan).toMatchObject({ cursorParam: "startAt", cursorStyle: "offset" });
    const body: Record<string, unknown> = {};
    const book: CursorBook = new Map();
    applyPagination(plan, 1, 3, 2, body, {}, () => "", book, undefined);
    expect(body.startAt).toBe(4);
    expect(pageFromRequest(4, [], book)).toBe(2);
  });

  it("inverts done-style flags and clears object cursors on the last page", () => {
    const plan = planPagination(
      op(
        "[{ name: offset, in: query, schema: { type: string } }]",
        "{ done: $.done, next_page: $.next_page }",
      ),
    );
    expect(plan.markers.map((m) => m.kind).sort()).toEqual(["flag", "object"]);
    const first: Record<string, unknown> = {};
    applyPagination(
      plan,
      0,
      2,
      2,
      first,
      {},
      (n) => `https://x/things?offset=cursor-${n}`,
      new Map(),
      undefined,
    );
    expect(first).toEqual({
      done: false,
      next_page: { offset: "cursor-1", uri: "https://x/things?offset=cursor-1" },
    });
    const last: Record<string, unknown> = {};
    applyPagination(plan, 1, 2, 2, last, {}, () => "", new Map(), undefined);
    expect(last).toEqual({ done: true, next_page: null });
  });

  it("sends a cursor back in the param named like the field it is read from (pinterest's bookmark)", () => {
    const plan = planPagination(
      op(
        "[{ name: page_size, in: query, schema: { type: integer } }, { name: bookmark, in: query, schema: { type: string } }]",
        "{ cursor: $.bookmark }",
      ),
    );
    expect(plan).toMatchObject({ paginated: true, cursorParam: "bookmark", cursorStyle: "token" });
  });

  it("does not page operations whose meta carries no next-page signal", () => {
    expect(planPagination(op("[]", "{ total: $.total }")).paginated).toBe(false);
  });
});

describe("pageFromRequest", () => {
  it("reads mock cursors anywhere and unknown values as page 0", () => {
    expect(pageFromRequest(undefined, ["x", "cursor-2"], new Map())).toBe(2);
    expect(pageFromRequest("not-ours", [], new Map())).toBe(0);
  });
});
