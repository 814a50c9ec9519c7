import type { OperationModel } from "@execkit/core";
import { Redactor, ResponseFormatError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { extractMeta, parseLinkHeader } from "./meta";
import { extractRecords, queryJsonPath } from "./records";

const redactor = new Redactor();
const op = (action: string, extra: Partial<OperationModel> = {}) =>
  ({ entity: "e", action, ...extra }) as unknown as OperationModel;

describe("record extraction", () => {
  it("follows the reference's list and get rules", () => {
    const body = { data: [{ id: 1 }, { id: 2 }], one: { id: 3 }, tags: ["a", "b"], n: 5 };
    expect(extractRecords(body, op("list", { recordExtractor: "$.data" }), {}, redactor)).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
    expect(extractRecords(body, op("list", { recordExtractor: "$.data[*].id" }), {}, redactor)).toEqual([
      { value: 1 },
      { value: 2 },
    ]);
    expect(extractRecords(body, op("list", { recordExtractor: "$.one" }), {}, redactor)).toEqual({ id: 3 });
    expect(
      extractRecords({ data: [{ id: 9 }] }, op("list", { recordExtractor: "$.data[*]" }), {}, redactor),
    ).toEqual([{ id: 9 }]);
    expect(extractRecords(body, op("list", { recordExtractor: "$.missing" }), {}, redactor)).toEqual([]);
    expect(extractRecords(body, op("get", { recordExtractor: "$.missing" }), {}, redactor)).toBeNull();
    expect(extractRecords(body, op("get", { recordExtractor: "$.n" }), {}, redactor)).toEqual({ value: 5 });
    expect(extractRecords(body, op("list", { recordExtractor: "$.tags" }), {}, redactor)).toEqual([
      { value: "a" },
      { value: "b" },
    ]);
    expect(extractRecords([1, 2], op("list"), {}, redactor)).toEqual([{ value: 1 }, { value: 2 }]);
  });

  it("treats [*] over an object as a one-item list, as jsonpath-ng does", () => {
    const body = { ip_address: [{ id: 1 }], visitor: [] };
    expect(queryJsonPath("$[*][*]", body)).toEqual([body]);
    expect(extractRecords(body, op("list", { recordExtractor: "$[*][*]" }), {}, redactor)).toEqual(body);
    expect(queryJsonPath("$['ip_address'][0].id", body)).toEqual([1]);
    expect(queryJsonPath("$..id", body)).toEqual([1]);
    expect(
      queryJsonPath("$.items[?(@.active)].id", {
        items: [
          { id: 1, active: true },
          { id: 2, active: false },
        ],
      }),
    ).toEqual([1]);
  });

  it("transforms records into strings and filters fail-closed", () => {
    const transform = op("list", {
      recordExtractor: "$.resourceNames",
      recordTransform: {
        customer_id: "{{ record.value | replace('customers/', '') }}",
        label: "{{ config.region }}",
      },
    });
    expect(
      extractRecords(
        { resourceNames: ["customers/1", "customers/2"] },
        transform,
        { region: "eu" },
        redactor,
      ),
    ).toEqual([
      { customer_id: "1", label: "eu" },
      { customer_id: "2", label: "eu" },
    ]);
    const filter = op("list", { recordExtractor: "$.calls", recordFilter: "{{ not record.isPrivate }}" });
    expect(
      extractRecords({ calls: [{ isPrivate: true }, { isPrivate: false }] }, filter, {}, redactor),
    ).toEqual([{ isPrivate: false }]);
    expect(() => extractRecords({ calls: [{ id: 1 }] }, filter, {}, redactor)).toThrow(ResponseFormatError);
    expect(extractRecords({ calls: { isPrivate: true } }, filter, {}, redactor)).toEqual([]);
  });
});

describe("meta extraction", () => {
  it("reads JSONPath, @link and @header", () => {
    const meta = extractMeta(
      { paging: { next: "c2" }, total: 10 },
      { link: '<https://x/api?page=2>; rel="next", <https://x/api?page=9>; rel=last', "x-total": "10" },
      op("list", {
        metaExtractor: {
          cursor: "$.paging.next",
          next: "@link.next",
          last: "@link.last",
          total: "@header.X-Total",
          none: "$.nope",
          prev: "@link.prev",
        },
      }),
    );
    expect(meta).toEqual({
      cursor: "c2",
      next: "https://x/api?page=2",
      last: "https://x/api?page=9",
      total: "10",
      none: null,
      prev: null,
    });
    expect(extractMeta({}, {}, op("list"))).toBeNull();
    expect(parseLinkHeader('<a>; rel="next prev"')).toEqual({ next: "a", prev: "a" });
  });
});
