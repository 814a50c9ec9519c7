// biome-ignore-all lint/suspicious/noExplicitAny: tests reach into spec objects built on the fly
import { describe, expect, it } from "vitest";
import { loadConnectorModel } from "./load-connector-model";
import { getOperation } from "./lookup";
import { minimalSpec } from "./test-fixtures";

function withResponse(schemas: Record<string, unknown>, response: unknown) {
  const spec = minimalSpec();
  Object.assign(spec.components.schemas, schemas);
  spec.paths["/v1/customers"].get.responses["200"].content["application/json"].schema = response;
  return spec;
}

function responseOf(spec: Record<string, any>): any {
  return getOperation(loadConnectorModel(spec), "customers", "list")!.responseSchema;
}

describe("$ref resolution", () => {
  it("keeps a recursive schema finite: the back-reference stays a $ref", () => {
    const spec = withResponse(
      {
        Node: {
          type: "object",
          properties: {
            name: { type: "string" },
            children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
          },
        },
      },
      { $ref: "#/components/schemas/Node" },
    );
    const schema = responseOf(spec);
    expect(schema.properties.name).toEqual({ type: "string" });
    expect(schema.properties.children.items).toEqual({ $ref: "#/components/schemas/Node" });
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("terminates on mutual recursion and on a $ref chain that loops", () => {
    const spec = withResponse(
      {
        A: { type: "object", properties: { b: { $ref: "#/components/schemas/B" } } },
        B: { type: "object", properties: { a: { $ref: "#/components/schemas/A" } } },
        Loop1: { $ref: "#/components/schemas/Loop2" },
        Loop2: { $ref: "#/components/schemas/Loop1" },
      },
      {
        type: "object",
        properties: { a: { $ref: "#/components/schemas/A" }, loop: { $ref: "#/components/schemas/Loop1" } },
      },
    );
    const schema = responseOf(spec);
    expect(schema.properties.a.properties.b.properties.a).toEqual({ $ref: "#/components/schemas/A" });
    expect(JSON.stringify(schema)).toContain("Loop");
  });

  it("merges sibling keywords over the target, the local ones winning", () => {
    const spec = withResponse(
      {},
      { $ref: "#/components/schemas/Customer", description: "The customer", nullable: true },
    );
    expect(responseOf(spec)).toEqual({
      type: "object",
      required: ["email"],
      properties: { email: { type: "string" }, plan: { type: "string", default: "free" } },
      description: "The customer",
      nullable: true,
    });
  });

  it("leaves literal data alone and treats property names as names", () => {
    const example = { $ref: "#/not/a/real/target" };
    const spec = withResponse(
      {},
      {
        type: "object",
        example,
        properties: {
          $ref: { type: "string" },
          default: { $ref: "#/components/schemas/Customer" },
          enum: { type: "string", enum: [{ $ref: "literal" }] },
        },
      },
    );
    const schema = responseOf(spec);
    expect(schema.example).toEqual(example);
    expect(schema.properties.$ref).toEqual({ type: "string" });
    expect(schema.properties.default.properties.email).toEqual({ type: "string" });
    expect(schema.properties.enum.enum).toEqual([{ $ref: "literal" }]);
  });

  it("follows refs through arrays, allOf and percent-encoded or escaped keys", () => {
    const spec = withResponse(
      { "Odd/Name": { type: "integer" }, "With Space": { type: "boolean" } },
      {
        allOf: [{ $ref: "#/components/schemas/Odd~1Name" }, { $ref: "#/components/schemas/With%20Space" }],
      },
    );
    expect(responseOf(spec)).toEqual({ allOf: [{ type: "integer" }, { type: "boolean" }] });
  });

  it("returns sub-trees without $refs as they are and shares each resolved target", () => {
    const spec = minimalSpec();
    const model = loadConnectorModel(spec);
    const list = getOperation(model, "customers", "list")!.responseSchema as any;
    const create = getOperation(model, "customers", "create")!.requestBody!.schema;
    expect(list.properties.data.items).toBe(create);
    // The unchanged Customer schema is the document's own node: no copy was made.
    expect(create).toBe((model.document as any).components.schemas.Customer);
  });

  it("resolves YAML anchors and aliases, even self-referencing ones, without looping", () => {
    const yaml = `openapi: 3.1.0
info: {title: T, version: "1", x-airbyte-connector-definition-id: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0}
servers: [{url: "https://a.test"}]
paths:
  /a:
    get:
      x-airbyte-entity: a
      x-airbyte-action: list
      parameters:
        - &p {name: q, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: &s {type: object, properties: {self: *s}}
  /b:
    get:
      x-airbyte-entity: b
      x-airbyte-action: list
      parameters: [*p]
`;
    const model = loadConnectorModel(yaml);
    expect(getOperation(model, "b", "list")!.parameters[0]!.name).toBe("q");
    const schema = getOperation(model, "a", "list")!.responseSchema as any;
    expect(schema.properties.self.properties.self).toBe(schema.properties.self);
  });
});
