// biome-ignore-all lint/suspicious/noTemplateCurlyInString: specs spell auth_mapping templates as ${field}
// biome-ignore-all lint/suspicious/noExplicitAny: tests reach into spec objects built on the fly
import { readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { ConnectorSpecError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findCheckOperation, hasRequiredParams } from "./check-operation";
import { describeEntities } from "./describe-entities";
import { loadConnectorModel } from "./load-connector-model";
import { getEntity, getOperation, listEntityNames, requireOperation } from "./lookup";
import type { ConnectorModel } from "./model";
import { HAS_SHARED_SPECS, minimalSpec, SKIP_REASON, SPECS_DIR, specPath } from "./test-fixtures";

/** reference/airbyte.md §8, for the 41 specs in ../shared (zendesk-support: 47 declared, 46 kept). */
const EXPECTED: Record<string, { entities: number; operations: number; actions: Record<string, number> }> = {
  airtable: { entities: 3, operations: 4, actions: { list: 3, get: 1 } },
  "amazon-ads": { entities: 11, operations: 14, actions: { list: 11, get: 3 } },
  "amazon-seller-partner": { entities: 6, operations: 9, actions: { list: 6, get: 3 } },
  amplitude: { entities: 5, operations: 7, actions: { list: 5, get: 2 } },
  asana: {
    entities: 27,
    operations: 47,
    actions: { list: 21, get: 8, create: 8, update: 4, delete: 5, download: 1 },
  },
  ashby: { entities: 12, operations: 19, actions: { list: 12, get: 7 } },
  chargebee: { entities: 11, operations: 22, actions: { list: 11, get: 11 } },
  "clickup-api": {
    entities: 13,
    operations: 25,
    actions: { list: 12, get: 10, create: 1, update: 1, api_search: 1 },
  },
  confluence: { entities: 5, operations: 8, actions: { list: 5, get: 3 } },
  "facebook-marketing": { entities: 13, operations: 24, actions: { list: 12, get: 6, create: 3, update: 3 } },
  freshdesk: { entities: 10, operations: 16, actions: { list: 10, get: 6 } },
  github: {
    entities: 24,
    operations: 49,
    actions: { list: 22, get: 18, create: 3, update: 1, api_search: 5 },
  },
  gitlab: { entities: 14, operations: 28, actions: { list: 14, get: 14 } },
  gmail: { entities: 8, operations: 20, actions: { list: 4, get: 5, create: 6, update: 3, delete: 2 } },
  gong: { entities: 16, operations: 18, actions: { list: 14, get: 2, download: 2 } },
  "google-ads": { entities: 9, operations: 13, actions: { list: 8, create: 3, update: 2 } },
  "google-analytics-data-api": { entities: 8, operations: 8, actions: { list: 8 } },
  "google-drive": {
    entities: 11,
    operations: 21,
    actions: { list: 7, get: 8, create: 2, update: 1, delete: 1, download: 2 },
  },
  "google-search-console": { entities: 8, operations: 10, actions: { list: 8, get: 2 } },
  granola: { entities: 1, operations: 2, actions: { list: 1, get: 1 } },
  hubspot: { entities: 6, operations: 16, actions: { list: 6, get: 6, api_search: 4 } },
  "incident-io": { entities: 12, operations: 23, actions: { list: 12, get: 11 } },
  intercom: { entities: 9, operations: 21, actions: { list: 7, get: 7, create: 5, update: 2 } },
  jira: {
    entities: 9,
    operations: 24,
    actions: { list: 5, get: 5, create: 5, update: 3, delete: 2, api_search: 4 },
  },
  klaviyo: { entities: 7, operations: 13, actions: { list: 7, get: 6 } },
  linear: { entities: 6, operations: 17, actions: { list: 6, get: 5, create: 3, update: 3 } },
  "linkedin-ads": { entities: 8, operations: 13, actions: { list: 8, get: 5 } },
  mailchimp: { entities: 12, operations: 19, actions: { list: 12, get: 7 } },
  notion: { entities: 5, operations: 9, actions: { list: 5, get: 4 } },
  orb: { entities: 4, operations: 8, actions: { list: 4, get: 4 } },
  "paypal-transaction": { entities: 7, operations: 7, actions: { list: 6, get: 1 } },
  pylon: { entities: 21, operations: 43, actions: { list: 10, get: 8, create: 13, update: 11, delete: 1 } },
  salesforce: { entities: 16, operations: 41, actions: { list: 16, get: 14, api_search: 9, download: 2 } },
  sendgrid: { entities: 14, operations: 20, actions: { list: 14, get: 6 } },
  shopify: { entities: 32, operations: 52, actions: { list: 31, get: 21 } },
  slack: { entities: 15, operations: 22, actions: { list: 4, get: 2, create: 12, update: 2, delete: 2 } },
  "snapchat-marketing": { entities: 8, operations: 16, actions: { list: 8, get: 8 } },
  stripe: {
    entities: 18,
    operations: 47,
    actions: { list: 10, get: 11, create: 13, update: 4, delete: 3, api_search: 6 },
  },
  "tiktok-marketing": { entities: 11, operations: 11, actions: { list: 11 } },
  "zendesk-chat": { entities: 12, operations: 20, actions: { list: 10, get: 10 } },
  // 47 declared; ticket_audits.list is declared twice and the later declaration replaces the earlier one.
  "zendesk-support": {
    entities: 24,
    operations: 46,
    actions: { list: 22, get: 16, create: 4, update: 2, download: 2 },
  },
};

const MULTI_AUTH = [
  "asana",
  "facebook-marketing",
  "github",
  "gitlab",
  "gong",
  "hubspot",
  "notion",
  "slack",
  "zendesk-support",
];

const cache = new Map<string, ConnectorModel>();
function load(name: string): ConnectorModel {
  let model = cache.get(name);
  if (!model) {
    model = loadConnectorModel(specPath(name));
    cache.set(name, model);
  }
  return model;
}

if (!HAS_SHARED_SPECS) console.warn(`Skipping the real-spec tests: ${SKIP_REASON}`);

describe.skipIf(!HAS_SHARED_SPECS)(
  `real connector specs${HAS_SHARED_SPECS ? "" : ` (skipped: ${SKIP_REASON})`}`,
  () => {
    const present = HAS_SHARED_SPECS
      ? readdirSync(SPECS_DIR, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
          .sort()
      : [];

    it("has an expectation for every shared spec and a shared spec for every expectation", () => {
      expect(present).toEqual(Object.keys(EXPECTED).sort());
    });

    it.each(present)("%s loads with the entity, operation and per-action counts of §8", (name) => {
      const model = load(name);
      const expected = EXPECTED[name]!;
      expect(model.entities).toHaveLength(expected.entities);
      expect(model.operations).toHaveLength(expected.operations);
      const perAction: Record<string, number> = {};
      for (const operation of model.operations)
        perAction[operation.action] = (perAction[operation.action] ?? 0) + 1;
      expect(perAction).toEqual(expected.actions);
      // Entities hold exactly the surviving operations, each reachable by lookup.
      expect(model.entities.reduce((sum, entity) => sum + entity.operations.length, 0)).toBe(
        expected.operations,
      );
      for (const operation of model.operations)
        expect(getOperation(model, operation.entity, operation.action)).toBe(operation);
      expect(model.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(model.file).toBe(specPath(name));
      expect(Object.isFrozen(model)).toBe(true);
      expect(model.multiAuth).toBe(MULTI_AUTH.includes(name));
      expect(model.warnings.filter((warning) => warning.code !== "DUPLICATE_OPERATION")).toEqual([]);
      // The material for tool descriptions must survive JSON.
      expect(() => JSON.stringify(describeEntities(model))).not.toThrow();
    });

    it("resolves zendesk-support's duplicate ticket_audits.list as the reference does, and says so", () => {
      const model = load("zendesk-support");
      const operation = getOperation(model, "ticket_audits", "list")!;
      expect(operation.path).toBe("/tickets/{ticket_id}/audits.json");
      expect(model.operations.filter((op) => op.entity === "ticket_audits" && op.action === "list")).toEqual([
        operation,
      ]);
      const duplicates = model.warnings.filter((warning) => warning.code === "DUPLICATE_OPERATION");
      expect(duplicates).toEqual([
        {
          code: "DUPLICATE_OPERATION",
          message: expect.stringContaining("ticket_audits.list"),
          pointer: "/paths/~1tickets~1{ticket_id}~1audits.json/get",
          relatedPointers: ["/paths/~1ticket_audits.json/get"],
        },
      ]);
      // The pair keeps the place of its first declaration.
      const entity = getEntity(model, "ticket_audits")!;
      expect(entity.actions[0]).toBe("list");
      expect(entity.operations[0]).toBe(operation);
    });

    it("finds the health-check operation as §7 describes", () => {
      const pick = (name: string) => {
        const check = findCheckOperation(load(name));
        return check && `${check.entity}.${check.action}`;
      };
      expect(findCheckOperation(load("google-analytics-data-api"))).toBeUndefined();
      expect(pick("clickup-api")).toBe("user.get");
      expect(pick("facebook-marketing")).toBe("current_user.get");
      expect(pick("gmail")).toBe("profile.get");
      expect(pick("airtable")).toBe("bases.list");
      expect(pick("klaviyo")).toBe("profiles.list");
      expect(pick("orb")).toBe("customers.list");
      // Preferred ops that need params from elsewhere are still chosen (scoping fills them at run time).
      expect(pick("github")).toBe("repositories.list");
      expect(pick("tiktok-marketing")).toBe("advertisers.list");
      // The fallbacks have no required params; every other spec has exactly one preferred op.
      for (const name of ["airtable", "klaviyo", "orb"]) {
        const model = load(name);
        expect(model.operations.some((operation) => operation.preferredForCheck)).toBe(false);
        expect(hasRequiredParams(findCheckOperation(model)!.operation)).toBe(false);
      }
      for (const name of present.filter(
        (n) => !["airtable", "klaviyo", "orb", "google-analytics-data-api"].includes(n),
      )) {
        expect(
          load(name).operations.filter((operation) => operation.preferredForCheck),
          name,
        ).toHaveLength(1);
      }
    });

    it("sends limit: 1 only to list checks that declare limit", () => {
      const stripe = findCheckOperation(load("stripe"))!;
      expect(stripe.params).toEqual({ limit: 1 });
      // zendesk-support's tickets.list declares no limit, so none is sent (reference §7, verified).
      const zendesk = findCheckOperation(load("zendesk-support"))!;
      expect(`${zendesk.entity}.${zendesk.action}`).toBe("tickets.list");
      expect(zendesk.params).toEqual({});
      expect(findCheckOperation(load("clickup-api"))!.params).toEqual({});
    });

    it("reads auth: multi-auth, token refresh and extract, mapping templates, additional headers", () => {
      const salesforce = load("salesforce");
      expect(salesforce.securitySchemes).toHaveLength(1);
      const oauth = salesforce.securitySchemes[0]!;
      expect(oauth).toMatchObject({
        type: "oauth2",
        authType: "oauth2",
        flow: "authorizationCode",
        tokenExtract: ["instance_url"],
      });
      expect(oauth.refreshUrl).toMatch(/^https:\/\//);
      expect(oauth.tokenRefresh).toEqual({ authStyle: "body", bodyFormat: "form" });
      expect(salesforce.baseUrl).toContain("{instance_url}");

      const zendesk = load("zendesk-support");
      expect(zendesk.securitySchemes.map((scheme) => scheme.authType).sort()).toEqual(["basic", "oauth2"]);
      const basic = zendesk.securitySchemes.find((scheme) => scheme.authType === "basic")!;
      expect(basic.authConfig?.authMapping.username).toBe("${email}/token");
      expect(zendesk.serverVariableDefaults.subdomain).toBeDefined();

      const klaviyo = load("klaviyo").securitySchemes[0]!;
      expect(klaviyo).toMatchObject({
        type: "apiKey",
        authType: "api_key",
        in: "header",
        parameterName: "Authorization",
      });
      expect(klaviyo.authConfig?.authMapping.api_key).toBe("Klaviyo-API-Key ${api_key}");

      expect(load("google-ads").securitySchemes[0]!.authConfig?.additionalHeaders).toHaveProperty(
        "developer-token",
      );
      expect(load("notion").securitySchemes.find((s) => s.authType === "oauth2")!.tokenRefresh).toEqual({
        authStyle: "basic",
        bodyFormat: "json",
      });
    });

    it("reads operation extensions the executors rely on", () => {
      const stripe = load("stripe");
      const deepObject = stripe.operations
        .flatMap((op) => op.parameters)
        .filter((p) => p.style === "deepObject");
      expect(deepObject).toHaveLength(14);
      const formBodies = stripe.operations.filter(
        (op) => op.requestBody?.contentType === "application/x-www-form-urlencoded",
      );
      expect(formBodies).toHaveLength(17);

      const github = load("github");
      expect(github.operations.filter((op) => op.requestBody?.graphql)).toHaveLength(45);
      expect(github.scoping.length).toBeGreaterThan(0);
      const linear = load("linear");
      expect(linear.operations.filter((op) => op.requestBody?.graphql)).toHaveLength(17);
      expect(getOperation(linear, "issues", "update")!.requestBody!.graphql!.nullableVariables).toContain(
        "assigneeId",
      );
      for (const op of linear.operations) expect(op.requestPath).toBe("/graphql");

      expect(load("slack").responseErrorCheck).toEqual({
        field: "ok",
        onValue: false,
        messageField: "error",
      });
      expect(load("gong").operations.filter((op) => op.recordFilter)).toHaveLength(3);
      expect(load("google-ads").operations.some((op) => op.recordTransform)).toBe(true);
      expect(load("google-drive").operations.filter((op) => op.uploadFileParam)).toHaveLength(1);
      const audio = getOperation(load("gong"), "call_audio", "download")!;
      expect(audio).toMatchObject({
        fileUrl: "calls[0].media.audioUrl",
        pathOverride: "/v2/calls/extensive",
        requestPath: "/v2/calls/extensive",
      });
      const inject = load("amazon-seller-partner")
        .operations.flatMap((op) => op.parameters)
        .filter((p) => p.configInject);
      expect(inject).toHaveLength(4);
      expect(inject[0]!.configInject!.source).toBe("region");

      const relationships = load("zendesk-support").relationships;
      expect(relationships.length).toBeGreaterThan(0);
      const audits = getEntity(load("zendesk-support"), "ticket_audits")!;
      expect(audits.relationships.every((rel) => rel.sourceEntity === "ticket_audits")).toBe(true);
      expect(audits.schemaName).toBeDefined();
      expect(audits.streamName).toBe("ticket_audits");
    });

    it("gives equal models from a path, a file URL, YAML text and a parsed object", () => {
      const path = specPath("granola");
      const text = readFileSync(path, "utf8");
      const fromPath = loadConnectorModel(path);
      expect(loadConnectorModel(pathToFileURL(path))).toEqual(fromPath);
      expect(loadConnectorModel(text, { file: path })).toEqual(fromPath);
      expect(loadConnectorModel(parse(text), { file: path })).toEqual(fromPath);
      const { file: _file, ...withoutFile } = fromPath;
      expect(loadConnectorModel(text)).toEqual(withoutFile);
    });

    it("resolves $refs in parameter, body and response schemas and links entity schemas", () => {
      const granola = load("granola");
      const list = getOperation(granola, "notes", "list")!;
      expect(JSON.stringify(list.responseSchema)).not.toContain('"$ref"');
      expect(granola.entities[0]!.schema).toBeDefined();
      const stripe = load("stripe");
      const create = getOperation(stripe, "customers", "create")!;
      expect(create.requestBody!.fields.length).toBeGreaterThan(3);
      expect(JSON.stringify(describeEntities(stripe))).toContain('"in":"body"');
    });

    it("describes entities with parameters, required flags, hints and relationships", () => {
      const described = describeEntities(load("github"));
      expect(described.map((entity) => entity.name)).toEqual(listEntityNames(load("github")));
      const repositories = described.find((entity) => entity.name === "repositories")!;
      const list = repositories.actions.find((action) => action.action === "list")!;
      const username = list.parameters.find((parameter) => parameter.name === "username")!;
      // Filled from config through x-airbyte-scoping, so an LLM need not pass it.
      expect(username.configKey).toBeDefined();
      expect(username.required).toBe(false);
      const zendesk = describeEntities(load("zendesk-support"));
      expect(zendesk.some((entity) => entity.relationships.length > 0)).toBe(true);
      expect(zendesk.some((entity) => entity.aiHints?.when_to_use)).toBe(true);
    });

    it("never lets a raw error escape when any node of a real spec has the wrong type", () => {
      const document = parse(readFileSync(specPath("granola"), "utf8"));
      const nodes: string[][] = [];
      const walk = (node: unknown, path: string[]) => {
        if (node === null || typeof node !== "object") return;
        for (const key of Object.keys(node)) {
          nodes.push([...path, key]);
          walk((node as Record<string, unknown>)[key], [...path, key]);
        }
      };
      walk(document, []);
      let rejected = 0;
      // Every third node keeps the run short while still covering info, paths, parameters, schemas and auth.
      for (const [index, path] of nodes.entries()) {
        if (index % 3 !== 0) continue;
        for (const value of [7, [], null, { $ref: "#/nowhere" }]) {
          const copy = structuredClone(document);
          let node: any = copy;
          for (const key of path.slice(0, -1)) node = node[key];
          node[path[path.length - 1]!] = value;
          try {
            loadConnectorModel(copy);
          } catch (error) {
            if (!ConnectorSpecError.isInstance(error) || /unexpectedly/.test(error.message)) {
              throw new Error(`/${path.join("/")} = ${JSON.stringify(value)}: ${String(error)}`);
            }
            rejected++;
          }
        }
      }
      expect(rejected).toBeGreaterThan(100);
    });

    it("throws the executor errors for an unknown entity or action", () => {
      const model = load("granola");
      expect(() => requireOperation(model, "nope", "list")).toThrow(/Available entities: notes/);
      expect(() => requireOperation(model, "notes", "delete")).toThrow(/Supported actions: list, get/);
      expect(requireOperation(model, "notes", "get").method).toBe("GET");
    });
  },
);

describe("model shape (inline spec)", () => {
  it("builds the whole model from a minimal spec", () => {
    const model = loadConnectorModel(minimalSpec());
    expect(model).toMatchObject({
      name: "acme",
      id: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
      title: "Acme API",
      version: "1.2.3",
      baseUrl: "https://{region}.acme.test/api",
      serverVariables: { region: { default: "eu" } },
      serverVariableDefaults: { region: "eu" },
      multiAuth: false,
      scoping: [],
      relationships: [],
      warnings: [],
    });
    expect(listEntityNames(model)).toEqual(["customers"]);
    expect(model.entities[0]!.actions).toEqual(["list", "create", "get"]);
    const get = getOperation(model, "customers", "get")!;
    expect(get.parameters[0]).toEqual({
      name: "customer_id",
      in: "path",
      required: true,
      schema: { type: "string" },
      pointer: "/paths/~1v1~1customers~1{customer_id}/get/parameters/0",
    });
    const create = getOperation(model, "customers", "create")!;
    expect(create.requestBody).toMatchObject({
      contentType: "application/json",
      contentTypes: ["application/json"],
      required: false,
      fields: ["email", "plan"],
      requiredFields: ["email"],
      defaults: { plan: "free" },
    });
    expect(create.responseStatuses).toEqual(["201"]);
    expect(create.responseSchema).toBeUndefined();
    const list = getOperation(model, "customers", "list")!;
    expect(list.responseSchema).toEqual({
      type: "object",
      properties: { data: { type: "array", items: create.requestBody!.schema } },
    });
    // The same component resolves to the same object wherever it is used.
    expect((list.responseSchema as any).properties.data.items).toBe(create.requestBody!.schema);
    expect(model.entities[0]!.schemaName).toBeUndefined();
    expect(model.securitySchemes[0]).toMatchObject({
      name: "bearerAuth",
      authType: "bearer",
      pointer: "/components/securitySchemes/bearerAuth",
    });
    expect(findCheckOperation(model)).toMatchObject({
      entity: "customers",
      action: "list",
      params: { limit: 1 },
    });
  });

  it("is deeply frozen, the document included", () => {
    const model = loadConnectorModel(minimalSpec());
    const operation = getOperation(model, "customers", "create")!;
    for (const node of [
      model,
      model.entities,
      model.entities[0],
      model.operations,
      operation,
      operation.parameters,
      operation.requestBody,
      operation.requestBody!.schema,
      operation.requestBody!.defaults,
      model.securitySchemes[0]!.authConfig!.authMapping,
      model.serverVariables.region,
      model.warnings,
      model.document,
      (model.document as any).paths["/v1/customers"].get.parameters[0],
    ]) {
      expect(Object.isFrozen(node)).toBe(true);
    }
    expect(() => {
      (model as any).name = "changed";
    }).toThrow(TypeError);
    expect(() => (model.operations as any).push(operation)).toThrow(TypeError);
  });

  it("does not freeze or keep the caller's object", () => {
    const spec = minimalSpec();
    const model = loadConnectorModel(spec);
    expect(Object.isFrozen(spec.paths)).toBe(false);
    spec.info.title = "Changed";
    expect(model.title).toBe("Acme API");
    expect((model.document as any).info.title).toBe("Acme API");
  });

  it("keeps unknown x-airbyte keys (and other x- keys) instead of rejecting them", () => {
    const spec = minimalSpec();
    spec.info["x-airbyte-brand-new"] = { enabled: true };
    spec.info["x-vendor"] = 1;
    spec.paths["/v1/customers"].get["x-airbyte-future-flag"] = ["a", "b"];
    spec.paths["/v1/customers"].get["x-airbyte-record-extractor"] = "$.data";
    spec.components.securitySchemes.bearerAuth["x-airbyte-new-auth-thing"] = "yes";
    spec.paths["/v1/customers"].get.unknownStandardKey = "tolerated";
    const model = loadConnectorModel(spec);
    expect(model.infoExtensions).toMatchObject({ "x-airbyte-brand-new": { enabled: true }, "x-vendor": 1 });
    expect(model.infoExtensions["x-airbyte-connector-name"]).toBe("acme");
    const list = getOperation(model, "customers", "list")!;
    expect(list.extensions).toEqual({
      "x-airbyte-entity": "customers",
      "x-airbyte-action": "list",
      "x-airbyte-future-flag": ["a", "b"],
      "x-airbyte-record-extractor": "$.data",
    });
    expect(list.recordExtractor).toBe("$.data");
    expect(model.securitySchemes[0]!.extensions).toEqual({
      "x-airbyte-auth-config": spec.components.securitySchemes.bearerAuth["x-airbyte-auth-config"],
      "x-airbyte-new-auth-thing": "yes",
    });
  });

  it("names the connector after the title when x-airbyte-connector-name is absent, and canonicalises the id", () => {
    const spec = minimalSpec();
    delete spec.info["x-airbyte-connector-name"];
    spec.info.title = "Acme Big API";
    spec.info["x-airbyte-connector-definition-id"] = "{0B1C2D3E4F5061728394A5B6C7D8E9F0}";
    const model = loadConnectorModel(spec);
    expect(model.name).toBe("acme-big-api");
    expect(model.id).toBe("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
  });

  it("assumes one default bearer scheme when the spec has none", () => {
    const spec = minimalSpec();
    delete spec.components.securitySchemes;
    const model = loadConnectorModel(spec);
    expect(model.securitySchemes).toHaveLength(1);
    expect(model.securitySchemes[0]).toMatchObject({
      name: "default",
      authType: "bearer",
      authConfig: { required: ["token"], authMapping: { token: "${token}" } },
    });
    expect(model.multiAuth).toBe(false);
  });

  it("maps scheme types to auth types and fills default auth configs (§4.1)", () => {
    const spec = minimalSpec();
    spec.servers[0].variables.instance = { default: "" };
    spec.components.securitySchemes = {
      bearer: { type: "http", scheme: "Bearer" },
      basic: { type: "http", scheme: "basic" },
      digest: { type: "http", scheme: "digest" },
      key: { type: "apiKey", name: "X-Key", in: "query" },
      oidc: { type: "openIdConnect", openIdConnectUrl: "https://id.test/.well-known" },
      oauth: {
        type: "oauth2",
        flows: {
          implicit: { authorizationUrl: "https://a.test/auth", scopes: {} },
          clientCredentials: {
            tokenUrl: "https://a.test/token",
            refreshUrl: "https://a.test/refresh",
            scopes: { read: "Read" },
          },
        },
        "x-airbyte-token-extract": ["instance"],
      },
    };
    const model = loadConnectorModel(spec);
    expect(model.multiAuth).toBe(true);
    expect(model.securitySchemes.map((s) => [s.name, s.authType])).toEqual([
      ["bearer", "bearer"],
      ["basic", "basic"],
      ["digest", "api_key"],
      ["key", "api_key"],
      ["oidc", "api_key"],
      ["oauth", "oauth2"],
    ]);
    const oauth = model.securitySchemes[5]!;
    expect(oauth).toMatchObject({
      flow: "clientCredentials",
      tokenUrl: "https://a.test/token",
      refreshUrl: "https://a.test/refresh",
      scopes: { read: "Read" },
      tokenRefresh: { authStyle: "body", bodyFormat: "form" },
      tokenExtract: ["instance"],
    });
    expect(oauth.authConfig!.required).toEqual([]);
    expect(Object.keys(oauth.authConfig!.authMapping)).toEqual([
      "access_token",
      "refresh_token",
      "client_id",
      "client_secret",
    ]);
    expect(model.securitySchemes[3]!.authConfig!.authMapping).toEqual({ api_key: "${api_key}" });
    expect(model.securitySchemes[1]!.authConfig!.required).toEqual(["username", "password"]);
  });

  it("skips a multi-auth scheme with a mapping key its type does not understand, with a warning", () => {
    const spec = minimalSpec();
    spec.components.securitySchemes.basic = {
      type: "http",
      scheme: "basic",
      "x-airbyte-auth-config": {
        type: "object",
        properties: { key: { type: "string" } },
        auth_mapping: { token: "${key}" },
      },
    };
    const model = loadConnectorModel(spec);
    expect(model.securitySchemes.map((s) => s.name)).toEqual(["bearerAuth"]);
    expect(model.warnings).toEqual([
      expect.objectContaining({
        code: "SKIPPED_SECURITY_SCHEME",
        pointer: "/components/securitySchemes/basic/x-airbyte-auth-config/auth_mapping/token",
      }),
    ]);
  });

  it("reads info-level extensions and maps the retry config onto RetryConfig", () => {
    const spec = minimalSpec();
    Object.assign(spec.info, {
      "x-airbyte-retry-config": {
        max_attempts: 5,
        initial_delay_seconds: 2,
        retry_after_header: "X-RateLimit-Reset",
        retry_after_format: "unix_timestamp",
      },
      "x-airbyte-scoping": [{ param: "org" }, { param: "account_id", config_key: "account" }],
      "x-airbyte-response-error-check": { field: "ok", on_value: false, message_field: "error" },
      "x-airbyte-entity-relationships": [
        {
          source_entity: "customers",
          target_entity: "customers",
          foreign_key: "parent_id",
          cardinality: "many_to_one",
        },
      ],
      "x-airbyte-replication-config": { replication_config_constants: { start: "2024-01-01" } },
    });
    const model = loadConnectorModel(spec);
    expect(model.retryConfig).toEqual({
      maxAttempts: 5,
      initialDelaySeconds: 2,
      maxDelaySeconds: 60,
      exponentialBase: 2,
      jitter: true,
      retryOnStatusCodes: [429, 500, 502, 503, 504],
      retryOnTimeout: true,
      retryOnNetworkError: true,
      retryAfterHeader: "X-RateLimit-Reset",
      retryAfterFormat: "unix_timestamp",
      retryNonIdempotent: false,
    });
    expect(model.scoping).toEqual([
      { param: "org", configKey: "org" },
      { param: "account_id", configKey: "account" },
    ]);
    expect(model.responseErrorCheck).toEqual({ field: "ok", onValue: false, messageField: "error" });
    const relationship = {
      sourceEntity: "customers",
      targetEntity: "customers",
      foreignKey: "parent_id",
      targetKey: "id",
      cardinality: "many_to_one",
    };
    expect(model.relationships).toEqual([relationship]);
    expect(model.entities[0]!.relationships).toEqual([relationship]);
    expect(model.replicationConfigConstants).toEqual({ start: "2024-01-01" });
  });

  it("reads GraphQL bodies, content-type priority, path overrides and operation flags", () => {
    const spec = minimalSpec();
    spec.paths["/graphql:issues"] = {
      post: {
        "x-airbyte-entity": "issues",
        "x-airbyte-action": "list",
        "x-airbyte-path-override": { path: "/graphql" },
        "x-airbyte-preferred-for-check": true,
        "x-airbyte-untested": true,
        "x-airbyte-no-pagination": "single page",
        "x-airbyte-meta-extractor": { next: "@link.next" },
        "x-airbyte-ai-hints": { summary: "Issues", trigger_phrases: ["bugs"], freshness: null },
        parameters: [{ name: "first", in: "query", schema: { type: "integer", default: 10 } }],
        requestBody: {
          content: { "application/json": { schema: { type: "object" } } },
          "x-airbyte-body-type": {
            type: "graphql",
            query: "query($first: Int) { issues(first: $first) { {{ fields }} } }",
            variables: { first: "{{ limit }}", assignee: "{{ assignee }}" },
            default_fields: ["id", "title"],
            "x-airbyte-nullable-variables": ["assignee"],
          },
        },
        responses: {},
      },
    };
    spec.paths["/v1/uploads"] = {
      post: {
        "x-airbyte-entity": "uploads",
        "x-airbyte-action": "create",
        "x-airbyte-upload-file-param": "file_content",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { type: "object", properties: { a: { type: "string" } } } },
            "multipart/related": { schema: { type: "object", properties: { name: { type: "string" } } } },
            "application/x-www-form-urlencoded": {
              schema: { type: "object", properties: { b: { type: "string" } } },
            },
          },
        },
      },
    };
    const model = loadConnectorModel(spec);
    const issues = getOperation(model, "issues", "list")!;
    expect(issues).toMatchObject({
      method: "POST",
      path: "/graphql:issues",
      requestPath: "/graphql",
      pathOverride: "/graphql",
      preferredForCheck: true,
      untested: true,
      noPagination: "single page",
      metaExtractor: { next: "@link.next" },
      aiHints: { summary: "Issues", trigger_phrases: ["bugs"] },
    });
    expect(issues.aiHints).not.toHaveProperty("freshness");
    expect(issues.parameters[0]!.default).toBe(10);
    expect(issues.requestBody).toEqual({
      contentType: "application/json",
      contentTypes: ["application/json"],
      required: false,
      fields: [],
      requiredFields: [],
      defaults: {},
      graphql: {
        type: "graphql",
        query: "query($first: Int) { issues(first: $first) { {{ fields }} } }",
        variables: { first: "{{ limit }}", assignee: "{{ assignee }}" },
        defaultFields: ["id", "title"],
        nullableVariables: ["assignee"],
      },
    });
    // The preferred op wins over earlier entities; limit reaches it through a GraphQL variable.
    expect(findCheckOperation(model)).toMatchObject({
      entity: "issues",
      action: "list",
      params: { limit: 1 },
    });
    const upload = getOperation(model, "uploads", "create")!;
    expect(upload.uploadFileParam).toBe("file_content");
    expect(upload.requestBody).toMatchObject({
      contentType: "application/x-www-form-urlencoded",
      required: true,
      // The last declared media type supplies the schema, as in the reference.
      fields: ["b"],
    });
  });

  it("reads the newer action name search as api_search, with a warning", () => {
    const spec = minimalSpec();
    spec.paths["/v1/customers/search"] = {
      post: { "x-airbyte-entity": "customers", "x-airbyte-action": "search" },
    };
    const model = loadConnectorModel(spec);
    const search = getOperation(model, "customers", "api_search")!;
    expect(search.extensions["x-airbyte-action"]).toBe("search");
    expect(model.warnings).toEqual([
      expect.objectContaining({
        code: "ACTION_ALIAS",
        pointer: "/paths/~1v1~1customers~1search/post/x-airbyte-action",
      }),
    ]);
  });

  it("applies path-item parameters, operation entries overriding them", () => {
    const spec = minimalSpec();
    const item = spec.paths["/v1/customers/{customer_id}"];
    item.parameters = [
      { name: "customer_id", in: "path", required: true, schema: { type: "integer" } },
      { name: "expand", in: "query", schema: { type: "string" } },
    ];
    item.get.parameters = [{ name: "customer_id", in: "path", required: true, description: "override" }];
    const get = getOperation(loadConnectorModel(spec), "customers", "get")!;
    expect(get.parameters.map((p) => [p.name, p.pointer])).toEqual([
      ["expand", "/paths/~1v1~1customers~1{customer_id}/parameters/1"],
      ["customer_id", "/paths/~1v1~1customers~1{customer_id}/get/parameters/0"],
    ]);
    expect(get.parameters[1]!.description).toBe("override");
  });

  it("resolves $ref parameters, request bodies and responses from components", () => {
    const spec = minimalSpec();
    spec.components.parameters = {
      Limit: { name: "limit", in: "query", schema: { type: "integer", default: 25 } },
    };
    spec.components.requestBodies = {
      NewCustomer: { content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } } },
    };
    spec.components.responses = {
      Customers: {
        description: "ok",
        content: { "application/json": { schema: { $ref: "#/components/schemas/CustomerList" } } },
      },
    };
    const list = spec.paths["/v1/customers"].get;
    list.parameters = [{ $ref: "#/components/parameters/Limit" }];
    list.responses = { "200": { $ref: "#/components/responses/Customers" } };
    spec.paths["/v1/customers"].post.requestBody = { $ref: "#/components/requestBodies/NewCustomer" };
    const model = loadConnectorModel(spec);
    const op = getOperation(model, "customers", "list")!;
    expect(op.parameters[0]).toMatchObject({
      name: "limit",
      default: 25,
      pointer: "/paths/~1v1~1customers/get/parameters/0",
    });
    expect(op.responseSchema).toMatchObject({ type: "object" });
    expect(getOperation(model, "customers", "create")!.requestBody!.fields).toEqual(["email", "plan"]);
  });

  it("warns about constructs it ignores", () => {
    const spec = minimalSpec();
    spec.paths["/v1/customers"].head = { "x-airbyte-entity": "customers", "x-airbyte-action": "get" };
    spec.paths["/v1/customers"].get.servers = [{ url: "https://other.test" }];
    spec.paths["/v1/orders/{order_id}"] = {
      get: { "x-airbyte-entity": "orders", "x-airbyte-action": "get" },
    };
    spec.info["x-airbyte-entity-relationships"] = [
      { source_entity: "customers", target_entity: "ghosts", foreign_key: "ghost_id" },
    ];
    const model = loadConnectorModel(spec);
    expect(model.warnings.map((w) => [w.code, w.pointer])).toEqual([
      ["IGNORED_OPERATION_SERVERS", "/paths/~1v1~1customers/get/servers"],
      ["IGNORED_METHOD", "/paths/~1v1~1customers/head"],
      ["UNDECLARED_PATH_PARAMETER", "/paths/~1v1~1orders~1{order_id}/get"],
      ["UNKNOWN_RELATIONSHIP_ENTITY", "/info/x-airbyte-entity-relationships/0"],
    ]);
  });

  it("loads YAML with a duplicated key (the last wins, as in PyYAML) and warns", () => {
    const yaml = [
      "openapi: 3.1.0",
      "info: {title: T, version: '1', x-airbyte-connector-definition-id: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0}",
      "servers: [{url: 'https://a.test'}]",
      "paths:",
      "  /a:",
      "    get: {x-airbyte-entity: a, x-airbyte-action: list}",
      "  /a:",
      "    get: {x-airbyte-entity: b, x-airbyte-action: list}",
    ].join("\n");
    const model = loadConnectorModel(yaml);
    expect(listEntityNames(model)).toEqual(["b"]);
    expect(model.warnings[0]).toMatchObject({
      code: "DUPLICATE_YAML_KEY",
      message: expect.stringContaining("line 7"),
    });
  });

  it("wraps a missing file in a ConnectorSpecError naming it", () => {
    const error = catchError(() => loadConnectorModel("/nonexistent/dir/connector.yaml"));
    expect(ConnectorSpecError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: "/nonexistent/dir/connector.yaml", pointer: "" });
    expect((error as Error).message).toContain("does not exist");
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}
