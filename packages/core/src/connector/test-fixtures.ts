// biome-ignore-all lint/suspicious/noTemplateCurlyInString: specs spell auth_mapping templates as ${field}
// biome-ignore-all lint/suspicious/noExplicitAny: tests reach into spec objects built on the fly
// Test support only: not exported from the package.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared` beside the repository, or `EXECKIT_SHARED_DIR`. */
export const SHARED_DIR =
  process.env.EXECKIT_SHARED_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../../../../shared");
/** The real connector specs used as test data. */
export const SPECS_DIR = join(SHARED_DIR, "airbyte-specs");
/** True when the shared specs are present; tests that need them skip otherwise. */
export const HAS_SHARED_SPECS = existsSync(SPECS_DIR);
/** Shown by skipped tests so nobody mistakes a skip for a pass. */
export const SKIP_REASON = `shared connector specs not found at ${SPECS_DIR} (set EXECKIT_SHARED_DIR to run these tests)`;

/** Recorded traffic of the reference executor, one JSON file per spec. */
export const GOLDEN_DIR = join(SHARED_DIR, "airbyte-golden");

/** The connector.yaml of one shared spec. */
export function specPath(name: string): string {
  return join(SPECS_DIR, name, "connector.yaml");
}

/** A small but complete connector definition; each test copies it and breaks one thing. */
export function minimalSpec(): Record<string, any> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Acme API",
      version: "1.2.3",
      "x-airbyte-connector-name": "acme",
      "x-airbyte-connector-definition-id": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    },
    servers: [{ url: "https://{region}.acme.test/api", variables: { region: { default: "eu" } } }],
    paths: {
      "/v1/customers": {
        get: {
          "x-airbyte-entity": "customers",
          "x-airbyte-action": "list",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer" } }],
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { $ref: "#/components/schemas/CustomerList" } } },
            },
          },
        },
        post: {
          "x-airbyte-entity": "customers",
          "x-airbyte-action": "create",
          requestBody: {
            content: { "application/json": { schema: { $ref: "#/components/schemas/Customer" } } },
          },
          responses: { "201": { description: "created" } },
        },
      },
      "/v1/customers/{customer_id}": {
        get: {
          "x-airbyte-entity": "customers",
          "x-airbyte-action": "get",
          parameters: [{ name: "customer_id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "ok" } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          "x-airbyte-auth-config": {
            type: "object",
            required: ["api_key"],
            properties: { api_key: { type: "string" } },
            auth_mapping: { token: "${api_key}" },
          },
        },
      },
      schemas: {
        Customer: {
          type: "object",
          required: ["email"],
          properties: { email: { type: "string" }, plan: { type: "string", default: "free" } },
        },
        CustomerList: {
          type: "object",
          properties: { data: { type: "array", items: { $ref: "#/components/schemas/Customer" } } },
        },
      },
    },
  };
}
