import { describe, expect, it } from "vitest";
import { describeEntities } from "./describe-entities";
import { loadConnectorModel } from "./load-connector-model";
import { minimalSpec } from "./test-fixtures";

describe("describeEntities", () => {
  it("lists entities, actions and every parameter a caller passes, with schemas and required flags", () => {
    const spec = minimalSpec();
    spec.info["x-airbyte-scoping"] = [{ param: "account", config_key: "account_id" }];
    spec.info["x-airbyte-entity-relationships"] = [
      {
        source_entity: "customers",
        target_entity: "customers",
        foreign_key: "parent_id",
        description: "Parent account",
      },
    ];
    spec.components.schemas.Customer["x-airbyte-entity-name"] = "customers";
    spec.components.schemas.Customer["x-airbyte-ai-hints"] = {
      summary: "People who pay",
      when_to_use: "billing questions",
    };
    spec.paths["/v1/customers"].get.summary = "List customers";
    spec.paths["/v1/customers"].get["x-airbyte-meta-extractor"] = { next_cursor: "$.next" };
    spec.paths["/v1/customers"].get.parameters.push(
      { name: "account", in: "query", required: true, description: "Account to read" },
      { name: "Api-Version", in: "header", required: true, schema: { type: "string", default: "2024-01" } },
      { name: "region", in: "query", required: true, "x-airbyte-param-config-inject": { source: "region" } },
    );
    const [customers, ...rest] = describeEntities(loadConnectorModel(spec));
    expect(rest).toEqual([]);
    expect(customers).toMatchObject({
      name: "customers",
      description: "People who pay",
      aiHints: { summary: "People who pay", when_to_use: "billing questions" },
      relationships: [
        {
          targetEntity: "customers",
          foreignKey: "parent_id",
          targetKey: "id",
          description: "Parent account",
        },
      ],
    });
    expect(customers!.actions.map((action) => action.action)).toEqual(["list", "create", "get"]);
    const [list, create, get] = customers!.actions;
    expect(list).toEqual({
      action: "list",
      method: "GET",
      summary: "List customers",
      metaFields: ["next_cursor"],
      parameters: [
        { name: "limit", in: "query", required: false, schema: { type: "integer" } },
        {
          name: "account",
          in: "query",
          required: false,
          description: "Account to read",
          schema: { type: "string" },
          configKey: "account_id",
        },
        {
          name: "Api-Version",
          in: "header",
          required: false,
          schema: { type: "string", default: "2024-01" },
          default: "2024-01",
        },
        { name: "region", in: "query", required: false, schema: { type: "string" }, configKey: "region" },
      ],
    });
    expect(create!.parameters).toEqual([
      { name: "email", in: "body", required: true, schema: { type: "string" } },
      {
        name: "plan",
        in: "body",
        required: false,
        schema: { type: "string", default: "free" },
        default: "free",
      },
    ]);
    expect(get!.parameters).toEqual([
      { name: "customer_id", in: "path", required: true, schema: { type: "string" } },
    ]);
  });

  it("returns plain JSON", () => {
    const described = describeEntities(loadConnectorModel(minimalSpec()));
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });
});
