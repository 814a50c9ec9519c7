import { describe, expect, it } from "vitest";
import { findCheckOperation, hasRequiredParams } from "./check-operation";
import { loadConnectorModel } from "./load-connector-model";
import { getOperation } from "./lookup";
import { minimalSpec } from "./test-fixtures";

function listWith(parameters: unknown[]) {
  const spec = minimalSpec();
  spec.paths["/v1/customers"].get.parameters = parameters;
  return getOperation(loadConnectorModel(spec), "customers", "list")!;
}

describe("hasRequiredParams", () => {
  it("counts path params and required query params without a default or config inject", () => {
    expect(hasRequiredParams(listWith([]))).toBe(false);
    expect(hasRequiredParams(listWith([{ name: "q", in: "query", required: true }]))).toBe(true);
    expect(hasRequiredParams(listWith([{ name: "q", in: "query", required: false }]))).toBe(false);
    expect(
      hasRequiredParams(listWith([{ name: "q", in: "query", required: true, schema: { default: "x" } }])),
    ).toBe(false);
    expect(
      hasRequiredParams(
        listWith([
          { name: "q", in: "query", required: true, "x-airbyte-param-config-inject": { source: "region" } },
        ]),
      ),
    ).toBe(false);
    // Headers never count (the reference checks path and query only).
    expect(hasRequiredParams(listWith([{ name: "X-Version", in: "header", required: true }]))).toBe(false);
  });
});

describe("findCheckOperation", () => {
  it("prefers the flagged operation, whatever its action and however late its entity", () => {
    const spec = minimalSpec();
    spec.paths["/v1/me"] = {
      get: { "x-airbyte-entity": "me", "x-airbyte-action": "get", "x-airbyte-preferred-for-check": true },
    };
    expect(findCheckOperation(loadConnectorModel(spec))).toMatchObject({
      entity: "me",
      action: "get",
      params: {},
    });
  });

  it("falls back to the first list without required params, skipping those with", () => {
    const spec = minimalSpec();
    spec.paths["/v1/customers"].get.parameters = [{ name: "account", in: "query", required: true }];
    spec.paths["/v1/orders"] = { get: { "x-airbyte-entity": "orders", "x-airbyte-action": "list" } };
    const check = findCheckOperation(loadConnectorModel(spec))!;
    expect(check).toMatchObject({ entity: "orders", action: "list", params: {} });
    expect(check.operation.path).toBe("/v1/orders");
  });

  it("finds nothing when every list needs input", () => {
    const spec = minimalSpec();
    spec.paths = {
      "/v1/{account}/customers": {
        get: {
          "x-airbyte-entity": "customers",
          "x-airbyte-action": "list",
          parameters: [{ name: "account", in: "path", required: true }],
        },
      },
    };
    expect(findCheckOperation(loadConnectorModel(spec))).toBeUndefined();
  });
});
