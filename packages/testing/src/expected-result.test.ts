import type { OperationModel } from "@execkit/core";
import { describe, expect, it } from "vitest";
import { extractExpected, linkRel } from "./expected-result";
import { synthesizeValue } from "./synthesize-response";

const op = (fields: Partial<OperationModel>): OperationModel =>
  ({ entity: "e", action: "list", ...fields }) as OperationModel;

describe("extractExpected", () => {
  it("follows the reference's list rules", () => {
    const body = {
      data: [{ id: 1 }, "x"],
      list: [{ c: { id: 2 } }, { c: { id: 3 } }],
      one: { c: { id: 4 } },
      single: [{ c: 5 }],
    };
    expect(extractExpected(op({ recordExtractor: "$.data" }), body).data).toEqual([
      { id: 1 },
      { value: "x" },
    ]);
    expect(extractExpected(op({ recordExtractor: "$.list[*].c" }), body).data).toEqual([
      { id: 2 },
      { id: 3 },
    ]);
    expect(extractExpected(op({ recordExtractor: "$.single[*].c" }), body).data).toEqual([{ value: 5 }]);
    expect(extractExpected(op({ recordExtractor: "$.one" }), body).data).toEqual({ c: { id: 4 } });
    expect(extractExpected(op({ recordExtractor: "$.missing" }), body).data).toEqual([]);
    expect(extractExpected(op({}), body).data).toEqual(body);
  });

  it("returns null for a get without a match, and the first match otherwise", () => {
    expect(extractExpected(op({ action: "get", recordExtractor: "$.none" }), {}).data).toBeNull();
    expect(
      extractExpected(op({ action: "get", recordExtractor: "$.a[*]" }), { a: [{ x: 1 }, { x: 2 }] }).data,
    ).toEqual({ x: 1 });
    expect(extractExpected(op({ action: "get" }), "").data).toEqual({});
  });

  it("reads meta from JSONPath, Link and headers, and leaves templated data to the caller", () => {
    const expected = extractExpected(
      op({
        metaExtractor: { next: "@link.next", rid: "@header.X-Request-Id", cursor: "$.c", none: "$.n" },
        recordFilter: "{{ x }}",
      }),
      { c: "abc" },
      { link: '<https://a/p?page=2>; rel="next", <https://a/p?page=1>; rel=prev', "x-request-id": "r1" },
    );
    expect(expected.meta).toEqual({ next: "https://a/p?page=2", rid: "r1", cursor: "abc", none: null });
    expect(expected.templated).toBe(true);
    expect(expected.data).toBeUndefined();
    expect(linkRel('<https://a>; rel="prev next"', "next")).toBe("https://a");
  });
});

describe("synthesizeValue", () => {
  const record = {
    type: "object",
    properties: {
      id: { type: "string" },
      n: { type: "integer", maximum: 7 },
      x: { type: "number" },
      ok: { type: "boolean" },
      at: { type: "string", format: "date-time" },
      kind: { type: "string", enum: ["a", "b"] },
      meta: { type: "object" },
      tags: { type: "array", items: { type: "string" } },
      pick: { anyOf: [{ type: "null" }, { type: "string" }] },
      both: {
        allOf: [
          { type: "object", properties: { a: { type: "string" } } },
          { properties: { b: { type: "integer" } } },
        ],
      },
    },
  };

  it("follows the golden rules and makes array items differ", () => {
    const value = synthesizeValue({ type: "array", items: record }, "things", {
      pageSize: 2,
      firstIndex: 2,
    }) as Record<string, unknown>[];
    expect(value).toHaveLength(2);
    expect(value[0]).toEqual({
      id: "id-2",
      n: 7,
      x: 9.5,
      ok: true,
      at: "2024-01-17T10:30:00Z",
      kind: "a",
      meta: { id: "meta-2" },
      tags: ["tags-0", "tags-1"],
      pick: "pick-2",
      both: { a: "a-2", b: 9 },
    });
    expect(value[1]!.id).toBe("id-3");
    expect(value[1]!.ok).toBe(false);
  });

  it("cuts recursion", () => {
    const cyclic: Record<string, unknown> = { type: "object", properties: {} };
    (cyclic.properties as Record<string, unknown>).child = cyclic;
    expect(JSON.stringify(synthesizeValue(cyclic, "c")).split("child").length - 1).toBeLessThanOrEqual(10);
  });
});
