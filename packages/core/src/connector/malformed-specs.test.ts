// biome-ignore-all lint/suspicious/noTemplateCurlyInString: specs spell auth_mapping templates as ${field}
// biome-ignore-all lint/suspicious/noExplicitAny: tests reach into spec objects built on the fly
import { tmpdir } from "node:os";
import { ConnectorSpecError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConnectorModel } from "./load-connector-model";
import { minimalSpec } from "./test-fixtures";

type Spec = Record<string, any>;

const LIST = "/paths/~1v1~1customers/get";
const GET = "/paths/~1v1~1customers~1{customer_id}/get";
const AUTH = "/components/securitySchemes/bearerAuth/x-airbyte-auth-config";

/** Loads `spec` and returns the ConnectorSpecError it must throw. */
function specError(spec: unknown, options?: { file?: string }): ConnectorSpecError {
  try {
    loadConnectorModel(spec as Spec, options);
  } catch (error) {
    if (ConnectorSpecError.isInstance(error)) return error;
    throw new Error(`expected a ConnectorSpecError, got ${String(error)}`);
  }
  throw new Error("expected the spec to be rejected");
}

function broken(mutate: (spec: Spec) => void): Spec {
  const spec = minimalSpec();
  mutate(spec);
  return spec;
}

const CASES: [name: string, spec: Spec, pointer: string, message: RegExp][] = [
  ["no servers", broken((s) => delete s.servers), "/servers", /"servers" is required/],
  ["an empty servers list", broken((s) => (s.servers = [])), "/servers", /at least 1 item/],
  ["a relative server URL", broken((s) => (s.servers[0].url = "/api")), "/servers/0/url", /absolute http/],
  [
    "a server variable default that is a number",
    broken((s) => (s.servers[0].variables.region.default = 7)),
    "/servers/0/variables/region/default",
    /must be a string, not a number/,
  ],
  [
    "a dangling $ref",
    broken(
      (s) =>
        (s.paths["/v1/customers"].get.responses["200"].content["application/json"].schema.$ref =
          "#/components/schemas/Nope"),
    ),
    `${LIST}/responses/200/content/application~1json/schema/$ref`,
    /points to nothing/,
  ],
  [
    "a dangling $ref deep inside a component schema",
    broken((s) => (s.components.schemas.Customer.properties.owner = { $ref: "#/components/schemas/Owner" })),
    "/components/schemas/Customer/properties/owner/$ref",
    /"#\/components\/schemas\/Owner" points to nothing/,
  ],
  [
    "an external $ref",
    broken(
      (s) =>
        (s.paths["/v1/customers"].post.requestBody.content["application/json"].schema.$ref =
          "other.yaml#/Customer"),
    ),
    "/paths/~1v1~1customers/post/requestBody/content/application~1json/schema/$ref",
    /not a local reference/,
  ],
  [
    "an unknown action",
    broken((s) => (s.paths["/v1/customers"].get["x-airbyte-action"] = "fetch")),
    `${LIST}/x-airbyte-action`,
    /must be one of "get", "list", "create", "update", "delete", "api_search", "download"; got "fetch"/,
  ],
  [
    "a missing x-airbyte-entity",
    broken((s) => delete s.paths["/v1/customers/{customer_id}"].get["x-airbyte-entity"]),
    `${GET}/x-airbyte-entity`,
    /"x-airbyte-entity" is required/,
  ],
  [
    "parameters given as an object",
    broken((s) => (s.paths["/v1/customers"].get.parameters = { name: "limit" })),
    `${LIST}/parameters`,
    /must be an array, not an object/,
  ],
  [
    "a numeric title",
    broken((s) => (s.info.title = 42)),
    "/info/title",
    /"title" must be a string, not a number/,
  ],
  [
    "a missing definition id",
    broken((s) => delete s.info["x-airbyte-connector-definition-id"]),
    "/info/x-airbyte-connector-definition-id",
    /is required/,
  ],
  [
    "a definition id that is not a UUID",
    broken((s) => (s.info["x-airbyte-connector-definition-id"] = "stripe")),
    "/info/x-airbyte-connector-definition-id",
    /must be a UUID/,
  ],
  [
    "an auth config of the wrong type",
    broken((s) => (s.components.securitySchemes.bearerAuth["x-airbyte-auth-config"].type = "array")),
    `${AUTH}/type`,
    /must be one of "object"/,
  ],
  [
    "an auth config without auth_mapping",
    broken((s) => delete s.components.securitySchemes.bearerAuth["x-airbyte-auth-config"].auth_mapping),
    `${AUTH}/auth_mapping`,
    /is required/,
  ],
  [
    "an auth config property nothing uses",
    broken(
      (s) =>
        (s.components.securitySchemes.bearerAuth["x-airbyte-auth-config"].properties.extra = {
          type: "string",
        }),
    ),
    `${AUTH}/properties/extra`,
    /used neither by auth_mapping/,
  ],
  [
    "an auth_mapping key the scheme does not understand",
    broken(
      (s) =>
        (s.components.securitySchemes.bearerAuth["x-airbyte-auth-config"].auth_mapping = {
          api_key: "${api_key}",
        }),
    ),
    `${AUTH}/auth_mapping/api_key`,
    /not understood by bearer auth \(expected: token\)/,
  ],
  [
    "a replication mapping to an unknown property",
    broken(
      (s) =>
        (s.components.securitySchemes.bearerAuth["x-airbyte-auth-config"].replication_auth_key_mapping = {
          "credentials.key": "nope",
        }),
    ),
    `${AUTH}/replication_auth_key_mapping/credentials.key`,
    /not one of the properties/,
  ],
  [
    "a multi-auth spec whose every scheme maps keys its type does not understand",
    broken((s) => {
      const config = s.components.securitySchemes.bearerAuth["x-airbyte-auth-config"];
      config.auth_mapping = { password: "${api_key}" };
      s.components.securitySchemes.other = {
        type: "http",
        scheme: "bearer",
        "x-airbyte-auth-config": config,
      };
    }),
    "/components/securitySchemes",
    /No usable security scheme is left\. Security scheme "bearerAuth" is skipped: .*Security scheme "other" is skipped/,
  ],
  [
    "a token-extract name that is no server variable",
    broken((s) => {
      s.components.securitySchemes.bearerAuth = {
        type: "oauth2",
        flows: {
          authorizationCode: { authorizationUrl: "https://a.test", tokenUrl: "https://a.test/t", scopes: {} },
        },
        "x-airbyte-token-extract": ["instance_url"],
      };
    }),
    "/components/securitySchemes/bearerAuth/x-airbyte-token-extract/0",
    /"instance_url", which is not a server variable \(declared: region\)/,
  ],
  [
    "an apiKey scheme without a name",
    broken((s) => (s.components.securitySchemes.bearerAuth = { type: "apiKey", in: "header" })),
    "/components/securitySchemes/bearerAuth/name",
    /apiKey security scheme needs "name"/,
  ],
  [
    "an unknown scheme type",
    broken((s) => (s.components.securitySchemes.bearerAuth.type = "mutualTLS")),
    "/components/securitySchemes/bearerAuth/type",
    /must be one of "apiKey", "http", "oauth2", "openIdConnect"/,
  ],
  ["OpenAPI 3.0", broken((s) => (s.openapi = "3.0.3")), "/openapi", /Only OpenAPI 3\.1\.x .* got "3\.0\.3"/],
  ["a missing openapi version", broken((s) => delete s.openapi), "/openapi", /"openapi" is required/],
  ["empty paths", broken((s) => (s.paths = {})), "/paths", /"paths" must not be empty/],
  [
    "a path key without a leading slash",
    broken((s) => (s.paths["v1/x"] = {})),
    "/paths/v1~1x",
    /must start with "\/"/,
  ],
  [
    "an unknown retry setting",
    broken((s) => (s.info["x-airbyte-retry-config"] = { max_retries: 3 })),
    "/info/x-airbyte-retry-config/max_retries",
    /Unknown retry setting "max_retries"/,
  ],
  [
    "an invalid retry value",
    broken((s) => (s.info["x-airbyte-retry-config"] = { max_attempts: 0 })),
    "/info/x-airbyte-retry-config/max_attempts",
    /Invalid retry setting "max_attempts" \(0\)/,
  ],
  [
    "a bad retry-after format",
    broken((s) => (s.info["x-airbyte-retry-config"] = { retry_after_format: "minutes" })),
    "/info/x-airbyte-retry-config/retry_after_format",
    /Invalid retry setting "retry_after_format"/,
  ],
  [
    "a parameter in the body",
    broken((s) => (s.paths["/v1/customers"].get.parameters[0].in = "body")),
    `${LIST}/parameters/0/in`,
    /must be one of "path", "query", "header", "cookie"; got "body"/,
  ],
  [
    "a file URL on a list operation",
    broken((s) => (s.paths["/v1/customers"].get["x-airbyte-file-url"] = "data.url")),
    `${LIST}/x-airbyte-file-url`,
    /only applies to download operations/,
  ],
  [
    "a meta extractor with a non-string expression",
    broken((s) => (s.paths["/v1/customers"].get["x-airbyte-meta-extractor"] = { cursor: 5 })),
    `${LIST}/x-airbyte-meta-extractor/cursor`,
    /"cursor" must be a string, not a number/,
  ],
  [
    "a GraphQL body without a query",
    broken((s) => (s.paths["/v1/customers"].post.requestBody["x-airbyte-body-type"] = { type: "graphql" })),
    "/paths/~1v1~1customers/post/requestBody/x-airbyte-body-type/query",
    /"query" is required/,
  ],
  [
    "a response error check without on_value",
    broken((s) => (s.info["x-airbyte-response-error-check"] = { field: "ok" })),
    "/info/x-airbyte-response-error-check/on_value",
    /"on_value" is required/,
  ],
  [
    "a path override that is not a path",
    broken((s) => (s.paths["/v1/customers"].get["x-airbyte-path-override"] = { path: "graphql" })),
    `${LIST}/x-airbyte-path-override/path`,
    /must start with \//,
  ],
  [
    "an operation that is a string",
    broken((s) => (s.paths["/v1/customers"].get = "list customers")),
    LIST,
    /must be an object, not a string/,
  ],
  [
    "a relationship without a foreign key",
    broken(
      (s) =>
        (s.info["x-airbyte-entity-relationships"] = [
          { source_entity: "customers", target_entity: "customers" },
        ]),
    ),
    "/info/x-airbyte-entity-relationships/0/foreign_key",
    /is required/,
  ],
  [
    "a path key with ~ and / escaped in the pointer",
    broken((s) => (s.paths["/v1/a~b"] = { get: { "x-airbyte-entity": "a", "x-airbyte-action": "nope" } })),
    "/paths/~1v1~1a~0b/get/x-airbyte-action",
    /got "nope"/,
  ],
];

describe("malformed specs", () => {
  it.each(CASES)("rejects %s", (_name, spec, pointer, message) => {
    const error = specError(spec, { file: "acme.yaml" });
    expect(error.pointer).toBe(pointer);
    expect(error.file).toBe("acme.yaml");
    expect(error.detail).toMatch(message);
    expect(error.message).toBe(`Invalid connector spec at acme.yaml#${pointer}: ${error.detail}`);
    expect(error.code).toBe("INVALID_CONNECTOR_SPEC");
  });

  it("loads a path parameter missing from the path template, with a warning (the reference accepts it)", () => {
    const model = loadConnectorModel(
      broken((s) =>
        s.paths["/v1/customers/{customer_id}"].get.parameters.push({
          name: "account_id",
          in: "path",
          required: true,
        }),
      ),
    );
    const warning = model.warnings.find((w) => w.code === "UNUSED_PATH_PARAMETER");
    expect(warning?.pointer).toBe(`${GET}/parameters/1/name`);
    expect(warning?.message).toMatch(
      /Path parameter "account_id" does not appear in the request path "\/v1\/customers\/\{customer_id\}"/,
    );
  });

  it("reports YAML syntax errors with the line and column", () => {
    const yaml = "openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n";
    const error = specError(yaml, { file: "broken.yaml" });
    expect(error.pointer).toBe("");
    expect(error.file).toBe("broken.yaml");
    expect(error.message).toMatch(
      /^Invalid connector spec at broken\.yaml#: YAML syntax error at line \d+, column \d+: /,
    );
  });

  it("reports the line and column of an error deep in the file", () => {
    const yaml = "openapi: 3.1.0\ninfo:\n  title: A\n  version: a: b\n";
    expect(specError(yaml).message).toMatch(/YAML syntax error at line 4, column 12: /);
  });

  it("gives the line and column of the offending node when the spec is YAML text", () => {
    const yaml = [
      "openapi: 3.1.0",
      "info: {title: T, version: '1', x-airbyte-connector-definition-id: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0}",
      "servers: [{url: 'https://a.test'}]",
      "paths:",
      "  /a:",
      "    get:",
      "      x-airbyte-entity: a",
      "      x-airbyte-action: fetch",
    ].join("\n");
    const error = specError(yaml, { file: "a.yaml" });
    expect(error.pointer).toBe("/paths/~1a/get/x-airbyte-action");
    expect(error.detail).toMatch(/got "fetch"\. \(line 8, column 25\)$/);
    // A missing key is placed at its nearest ancestor, where it has to be added.
    const missing = specError(yaml.replace("      x-airbyte-entity: a\n", ""));
    expect(missing.pointer).toBe("/paths/~1a/get/x-airbyte-entity");
    expect(missing.detail).toMatch(/\(line 7, column 7\)$/);
  });

  it("rejects several YAML documents in one file", () => {
    expect(specError("openapi: 3.1.0\n---\nopenapi: 3.1.0\n").detail).toMatch(/YAML syntax error/);
  });

  it("rejects an empty document and non-object roots", () => {
    expect(specError("# nothing\n").pointer).toBe("");
    expect(specError("- a\n- b\n").detail).toMatch(/must be an object, not an array/);
    for (const value of [null, 42, [], true, undefined]) {
      const error = specError(value);
      expect(error.pointer).toBe("");
      expect(error.detail).toMatch(/path, YAML text or a parsed object/);
    }
  });

  it("rejects unreadable sources with a ConnectorSpecError", () => {
    expect(specError(new URL("https://example.test/connector.yaml")).detail).toMatch(/Only file: URLs/);
    expect(specError(tmpdir()).detail).toMatch(/could not be read \(EISDIR\)/);
    expect(specError("").detail).toMatch(/does not exist/);
  });

  it("rejects an object that is not data", () => {
    const spec = minimalSpec();
    spec.info.title = () => "x";
    expect(specError(spec).detail).toMatch(/not plain data/);
  });

  it("stops an alias bomb instead of expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
      );
    expect(specError(lines.join("\n")).detail).toMatch(/cannot be turned into data/);
  });
});

/** Every JSON pointer into `value`, the root excluded. */
function pointersOf(value: unknown, prefix = ""): string[][] {
  const out: string[][] = [];
  const walk = (node: unknown, path: string[]) => {
    if (node === null || typeof node !== "object") return;
    for (const key of Object.keys(node)) {
      out.push([...path, key]);
      walk((node as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(value, prefix ? [prefix] : []);
  return out;
}

function replaced(spec: Spec, path: readonly string[], value: unknown): Spec {
  const copy = structuredClone(spec);
  let node: any = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
  return copy;
}

describe("fuzzing: wrong types anywhere never escape as a raw error", () => {
  const base = minimalSpec();
  const paths = pointersOf(base);
  const values: unknown[] = [42, -1.5, [], [null], null, "x", "", true, {}, { $ref: 7 }, { $ref: "#/" }];

  it(`gives a model or a ConnectorSpecError for ${paths.length} nodes × ${values.length} values`, () => {
    let rejected = 0;
    for (const path of paths) {
      for (const value of values) {
        try {
          loadConnectorModel(replaced(base, path, value));
        } catch (error) {
          if (!ConnectorSpecError.isInstance(error)) {
            throw new Error(`/${path.join("/")} = ${JSON.stringify(value)} threw ${String(error)}`);
          }
          expect(error.pointer).toMatch(/^(\/.*)?$/);
          expect(error.message).not.toMatch(/loader failed unexpectedly/);
          rejected++;
        }
      }
    }
    // Most substitutions must be caught; a fuzz that rejects nothing tests nothing.
    expect(rejected).toBeGreaterThan(paths.length * 3);
  });

  it("also holds when parsing the fuzzed spec from YAML text", () => {
    const text = JSON.stringify(replaced(base, ["paths", "/v1/customers", "get", "parameters", "0"], [1, 2]));
    expect(parse(text)).toBeTruthy();
    expect(specError(text).pointer).toBe(`${LIST}/parameters/0`);
  });
});
