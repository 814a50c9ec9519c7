// biome-ignore-all lint/suspicious/noTemplateCurlyInString: auth_mapping templates are literal `${var}` text.
import { type ConnectorModel, loadConnectorModel } from "@execkit/core";

/** Which security scheme the test connector declares. */
export type AcmeAuth =
  | { type: "bearer" }
  | {
      type: "oauth2";
      refreshUrl: string;
      authStyle?: "body" | "basic" | "none";
      bodyFormat?: "form" | "json";
      tokenExtract?: string[];
    }
  | { type: "apiKey"; in: "header" | "query" | "cookie"; name: string }
  | { type: "multi" }
  | { type: "clientCredentials"; tokenUrl: string };

const itemSchema = {
  type: "object",
  properties: { id: { type: "string" }, name: { type: "string" }, private: { type: "boolean" } },
};

function securitySchemes(auth: AcmeAuth): Record<string, unknown> {
  const bearer = {
    type: "http",
    scheme: "bearer",
    "x-airbyte-auth-config": {
      type: "object",
      required: ["api_key"],
      properties: { api_key: { type: "string" } },
      auth_mapping: { token: "${api_key}" },
    },
  };
  switch (auth.type) {
    case "bearer":
      return { bearerAuth: bearer };
    case "apiKey":
      return {
        keyAuth: {
          type: "apiKey",
          in: auth.in,
          name: auth.name,
          "x-airbyte-auth-config": {
            type: "object",
            required: ["api_key"],
            properties: { api_key: { type: "string" } },
            auth_mapping: { api_key: "${api_key}" },
          },
        },
      };
    case "multi":
      return {
        bearerAuth: bearer,
        basicAuth: {
          type: "http",
          scheme: "basic",
          "x-airbyte-auth-config": {
            type: "object",
            required: ["email", "api_token"],
            properties: { email: { type: "string" }, api_token: { type: "string" } },
            auth_mapping: { username: "${email}/token", password: "${api_token}" },
          },
        },
      };
    case "clientCredentials":
      return {
        oauthApp: {
          type: "oauth2",
          flows: { clientCredentials: { tokenUrl: auth.tokenUrl, scopes: { "items:read": "Read items" } } },
          "x-airbyte-auth-config": {
            type: "object",
            required: ["client_id", "client_secret"],
            properties: { client_id: { type: "string" }, client_secret: { type: "string" } },
            auth_mapping: { client_id: "${client_id}", client_secret: "${client_secret}" },
          },
        },
      };
    case "oauth2":
      return {
        oauth: {
          type: "oauth2",
          flows: {
            authorizationCode: {
              authorizationUrl: "https://acme.test/authorize",
              tokenUrl: auth.refreshUrl,
              refreshUrl: auth.refreshUrl,
              scopes: {},
            },
          },
          ...(auth.authStyle || auth.bodyFormat
            ? {
                "x-airbyte-token-refresh": {
                  auth_style: auth.authStyle ?? "body",
                  body_format: auth.bodyFormat ?? "form",
                },
              }
            : {}),
          ...(auth.tokenExtract ? { "x-airbyte-token-extract": auth.tokenExtract } : {}),
          "x-airbyte-auth-config": {
            type: "object",
            required: ["refresh_token"],
            properties: {
              access_token: { type: "string" },
              refresh_token: { type: "string" },
              client_id: { type: "string" },
              client_secret: { type: "string" },
            },
            auth_mapping: {
              access_token: "${access_token}",
              refresh_token: "${refresh_token}",
              client_id: "${client_id}",
              client_secret: "${client_secret}",
            },
          },
        },
      };
  }
}

/**
 * A small connector whose server is the given origin: items (list with cursor pagination, get, create, update,
 * delete), files (one-step download), attachments (two-step download), notes (form-data create), and a
 * private-filtered list.
 */
export function acmeSpec(
  origin: string,
  auth: AcmeAuth = { type: "bearer" },
  extra: { serverUrl?: string } = {},
): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Acme",
      version: "1.0.0",
      "x-airbyte-connector-name": "acme",
      "x-airbyte-connector-definition-id": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    },
    servers: [
      extra.serverUrl
        ? {
            url: extra.serverUrl,
            variables: Object.fromEntries(
              [...extra.serverUrl.matchAll(/\{(\w+)\}/g)].map((m) => [
                m[1],
                { default: "http://127.0.0.1:9" },
              ]),
            ),
          }
        : { url: `${origin}/api` },
    ],
    paths: {
      "/items": {
        get: {
          "x-airbyte-entity": "items",
          "x-airbyte-action": "list",
          "x-airbyte-preferred-for-check": true,
          "x-airbyte-record-extractor": "$.data",
          "x-airbyte-meta-extractor": { next_cursor: "$.next_cursor", has_more: "$.has_more" },
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } },
            { name: "cursor", in: "query", schema: { type: "string" } },
            { name: "status", in: "query", schema: { type: "string", enum: ["open", "closed"] } },
            { name: "created", in: "query", style: "deepObject", schema: { type: "object" } },
          ],
          responses: { "200": { description: "ok" } },
        },
        post: {
          "x-airbyte-entity": "items",
          "x-airbyte-action": "create",
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["name", "owner"],
                  properties: {
                    name: { type: "string" },
                    owner: { type: "string" },
                    tags: { type: "array", items: { type: "string" } },
                    kind: { type: "string", default: "basic" },
                  },
                },
              },
            },
          },
          responses: { "201": { description: "created" } },
        },
      },
      "/items/{item_id}": {
        get: {
          "x-airbyte-entity": "items",
          "x-airbyte-action": "get",
          parameters: [
            { name: "item_id", in: "path", required: true, schema: { type: "string" } },
            {
              name: "X-Api-Version",
              in: "header",
              required: true,
              schema: { type: "string", default: "2024-01-01" },
            },
          ],
          responses: {
            "200": { description: "ok", content: { "application/json": { schema: itemSchema } } },
          },
        },
        patch: {
          "x-airbyte-entity": "items",
          "x-airbyte-action": "update",
          parameters: [{ name: "item_id", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            content: {
              "application/json": { schema: { type: "object", properties: { name: { type: "string" } } } },
            },
          },
          responses: { "200": { description: "ok" } },
        },
        delete: {
          "x-airbyte-entity": "items",
          "x-airbyte-action": "delete",
          parameters: [{ name: "item_id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "gone" } },
        },
      },
      "/public-items": {
        get: {
          "x-airbyte-entity": "public_items",
          "x-airbyte-action": "list",
          "x-airbyte-record-extractor": "$.data",
          "x-airbyte-record-filter": "{{ not record.private }}",
          responses: { "200": { description: "ok" } },
        },
      },
      "/files/{file_id}/content": {
        get: {
          "x-airbyte-entity": "files",
          "x-airbyte-action": "download",
          parameters: [{ name: "file_id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "bytes" } },
        },
      },
      "/attachments/{attachment_id}": {
        get: {
          "x-airbyte-entity": "attachments",
          "x-airbyte-action": "download",
          "x-airbyte-file-url": "attachment.content_url",
          parameters: [{ name: "attachment_id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "metadata" } },
        },
      },
      "/notes": {
        post: {
          "x-airbyte-entity": "notes",
          "x-airbyte-action": "create",
          requestBody: {
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  properties: { title: { type: "string" }, file: { type: "string", format: "binary" } },
                },
              },
            },
          },
          responses: { "201": { description: "created" } },
        },
      },
    },
    components: { securitySchemes: securitySchemes(auth) },
  };
}

/** Loads {@link acmeSpec} into a model. */
export function acmeModel(origin: string, auth?: AcmeAuth, extra?: { serverUrl?: string }): ConnectorModel {
  return loadConnectorModel(acmeSpec(origin, auth, extra) as Record<string, unknown>);
}
