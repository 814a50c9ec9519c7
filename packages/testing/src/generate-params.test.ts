import { loadConnectorModel } from "@execkit/core";
import { describe, expect, it } from "vitest";
import { WIDGETS_SPEC } from "./fixtures/widgets-spec";
import {
  applyAuthMapping,
  generateConfigValues,
  generateCredentials,
  primaryScheme,
} from "./generate-credentials";
import { generateParams, valueFor } from "./generate-params";

const model = loadConnectorModel(WIDGETS_SPEC);
const op = (entity: string, action: string) =>
  model.operations.find((o) => o.entity === entity && o.action === action)!;

describe("generateParams", () => {
  it("gives required path params and required body properties, and nothing optional", () => {
    expect(generateParams(op("widgets", "get"), model)).toEqual({ widget_id: "widget_id-abc123" });
    expect(generateParams(op("widgets", "create"), model)).toEqual({ name: "name-abc123", size: 7 });
    expect(generateParams(op("widgets", "list"), model)).toEqual({});
  });

  it("adds optional query params on request, with enums first and bounds respected", () => {
    expect(generateParams(op("widgets", "list"), model, { includeOptionalQuery: true })).toEqual({
      limit: 7,
      cursor: "cursor-abc123",
      status: "active",
    });
  });

  it("gives GraphQL operations every param their variables read", () => {
    expect(generateParams(op("parts", "list"), model)).toEqual({ first: 7, after: "after-abc123" });
    expect(generateParams(op("parts", "get"), model)).toEqual({ part_id: "part_id-abc123" });
  });

  it("follows formats, patterns and min/max", () => {
    expect(valueFor({ type: "string", format: "date" }, "d")).toBe("2024-01-15");
    expect(valueFor({ type: "string", format: "date-time" }, "d")).toBe("2024-01-15T10:30:00Z");
    expect(valueFor({ type: "string", pattern: "^\\d{10}$" }, "customer_id")).toBe("1234567890");
    expect(valueFor({ type: "integer", minimum: 10 }, "n")).toBe(10);
    expect(valueFor({ type: "number", maximum: 1 }, "n")).toBe(1);
    expect(valueFor({ type: "array", items: { type: "boolean" } }, "flags")).toEqual([true]);
    expect(
      valueFor({ type: "object", required: ["a"], properties: { a: { type: "integer" }, b: {} } }, "o"),
    ).toEqual({ a: 7 });
    expect(valueFor({ type: ["null", "string"], enum: [null, "x"] }, "e")).toBe("x");
  });

  it("is deterministic", () => {
    expect(generateParams(op("widgets", "create"), model)).toEqual(
      generateParams(op("widgets", "create"), model),
    );
  });
});

describe("generateCredentials", () => {
  it("gives every auth-config property a unique, recognisable value that changes with the salt", () => {
    const oauth = generateCredentials(model, "oauth");
    expect(Object.keys(oauth).sort()).toEqual([
      "access_token",
      "client_id",
      "client_secret",
      "refresh_token",
    ]);
    expect(new Set(Object.values(oauth)).size).toBe(4);
    for (const [name, value] of Object.entries(oauth))
      expect(value).toMatch(new RegExp(`^ek_oauth_${name}_[0-9a-f]{8}$`));
    expect(generateCredentials(model, "oauth", { salt: "other" }).client_id).not.toBe(oauth.client_id);
    expect(generateCredentials(model, "oauth")).toEqual(oauth);
  });

  it("applies auth_mapping templates and names an unknown scheme", () => {
    const basic = model.securitySchemes.find((s) => s.name === "basicAuth")!;
    expect(applyAuthMapping(basic, { email: "e@x", password: "p" })).toEqual({
      username: "e@x/token",
      password: "p",
    });
    expect(() => generateCredentials(model, "nope")).toThrow(/bearerAuth, basicAuth/);
  });

  it("fills placeholder server variables with acme and picks the first non-OAuth scheme", () => {
    expect(generateConfigValues(model)).toEqual({ tenant: "acme" });
    expect(primaryScheme(model).name).toBe("bearerAuth");
  });
});
