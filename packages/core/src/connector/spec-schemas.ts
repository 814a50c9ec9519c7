import { z } from "zod";
import { SPEC_ACTIONS } from "../action";

/*
 * The zod schemas of the connector.yaml nodes the runtime reads. They check types and required keys only; rules
 * that span nodes (a path parameter must appear in the path, auth_mapping keys per scheme type, token-extract
 * names) live in the builders. Objects are loose: unknown keys are kept, never rejected, so a spec written for a
 * newer reference version still loads. Optional keys accept `null`, which YAML produces for `key:` with no value.
 */

const optionalString = z.string().nullish();
const optionalBoolean = z.boolean().nullish();
const stringRecord = z.record(z.string(), z.string());
const looseRecord = z.record(z.string(), z.unknown());

function nonEmptyRecord<T extends z.ZodType>(schema: T, what: string) {
  return schema.refine((value) => Object.keys(value as object).length > 0, {
    message: `${what} must not be empty.`,
  });
}

/** Canonical 8-4-4-4-12 form; Python's `UUID()` also accepts no hyphens, braces and a `urn:uuid:` prefix. */
export const UUID_PATTERN =
  /^(?:urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** One `servers[]` entry. */
export const ServerSchema = z.looseObject({
  url: z.string().min(1),
  description: optionalString,
  variables: z
    .record(
      z.string(),
      z.looseObject({
        default: z.string(),
        description: optionalString,
        enum: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

/** `components`: only the maps the loader reads are typed. */
export const ComponentsSchema = z.looseObject({
  schemas: looseRecord.nullish(),
  securitySchemes: looseRecord.nullish(),
  parameters: looseRecord.nullish(),
  requestBodies: looseRecord.nullish(),
  responses: looseRecord.nullish(),
});

/** The document root: OpenAPI 3.1, `info`, non-empty `paths`, at least one server. */
export const RootSchema = z.looseObject({
  openapi: z.union([z.string(), z.number()]).superRefine((value, context) => {
    if (typeof value !== "string" || !value.startsWith("3.1.")) {
      context.addIssue({
        code: "custom",
        message: `Only OpenAPI 3.1.x connector definitions are supported; got ${JSON.stringify(value)}. Set "openapi: 3.1.0" and port the spec.`,
      });
    }
  }),
  info: z.looseObject({}),
  paths: nonEmptyRecord(looseRecord, '"paths"'),
  servers: z.array(z.unknown()).min(1),
  components: ComponentsSchema.nullish(),
});

const RelationshipSchema = z.looseObject({
  source_entity: z.string().min(1),
  target_entity: z.string().min(1),
  foreign_key: z.string().min(1),
  target_key: optionalString,
  cardinality: z.enum(["one_to_one", "one_to_many", "many_to_one", "many_to_many"]).nullish(),
  description: optionalString,
  parent_record_filter: looseRecord.nullish(),
});

/** `info` with the runtime `x-airbyte-*` extensions (metadata-only extensions pass through untyped). */
export const InfoSchema = z.looseObject({
  title: z.string(),
  version: z.string(),
  description: optionalString,
  "x-airbyte-connector-name": optionalString,
  "x-airbyte-connector-definition-id": z.string().regex(UUID_PATTERN, { message: "must be a UUID" }),
  "x-airbyte-retry-config": looseRecord.nullish(),
  "x-airbyte-scoping": z
    .array(z.looseObject({ param: z.string().min(1), config_key: optionalString }))
    .nullish(),
  "x-airbyte-response-error-check": z
    .looseObject({ field: z.string().min(1), on_value: z.unknown(), message_field: optionalString })
    .superRefine((value, context) => {
      if (!Object.hasOwn(value, "on_value")) {
        context.addIssue({
          code: "custom",
          path: ["on_value"],
          message: '"on_value" is required: the value of "field" that marks an error response.',
        });
      }
    })
    .nullish(),
  "x-airbyte-entity-relationships": z.array(RelationshipSchema).nullish(),
  "x-airbyte-replication-config": z
    .looseObject({ replication_config_constants: looseRecord.nullish() })
    .nullish(),
});

/** `x-airbyte-ai-hints` on an operation or an entity schema. */
export const AiHintsSchema = z.looseObject({
  summary: optionalString,
  when_to_use: optionalString,
  trigger_phrases: z.array(z.string()).nullish(),
  freshness: optionalString,
  example_questions: z.array(z.string()).nullish(),
  search_strategy: optionalString,
});

/** A path item; its operations are validated one by one with {@link OperationSchema}. */
export const PathItemSchema = z.looseObject({ parameters: z.array(z.unknown()).nullish() });

/** An operation with its `x-airbyte-*` keys. `x-airbyte-entity` and `x-airbyte-action` are required. */
export const OperationSchema = z.looseObject({
  "x-airbyte-entity": z.string().min(1),
  "x-airbyte-action": z.enum(SPEC_ACTIONS as [string, ...string[]]),
  operationId: optionalString,
  summary: optionalString,
  description: optionalString,
  parameters: z.array(z.unknown()).nullish(),
  responses: looseRecord.nullish(),
  "x-airbyte-path-override": z
    .looseObject({ path: z.string().startsWith("/", { message: "must start with /" }) })
    .nullish(),
  "x-airbyte-record-extractor": optionalString,
  "x-airbyte-meta-extractor": stringRecord.nullish(),
  "x-airbyte-record-transform": stringRecord.nullish(),
  "x-airbyte-record-filter": optionalString,
  "x-airbyte-file-url": optionalString,
  "x-airbyte-upload-file-param": optionalString,
  "x-airbyte-preferred-for-check": optionalBoolean,
  "x-airbyte-untested": optionalBoolean,
  "x-airbyte-no-pagination": optionalString,
  "x-airbyte-ai-hints": AiHintsSchema.nullish(),
});

/** An operation or path-item parameter. */
export const ParameterSchema = z.looseObject({
  name: z.string().min(1),
  in: z.enum(["path", "query", "header", "cookie"]),
  required: optionalBoolean,
  description: optionalString,
  schema: looseRecord.nullish(),
  style: optionalString,
  explode: optionalBoolean,
  "x-airbyte-param-config-inject": z
    .looseObject({ source: z.string().min(1), map: z.record(z.string(), z.string()).nullish() })
    .nullish(),
});

const MediaTypeSchema = z.looseObject({ schema: looseRecord.nullish() }).nullish();

/** `x-airbyte-body-type` with `type: graphql`. */
export const GraphqlBodySchema = z.looseObject({
  type: z.literal("graphql"),
  query: z.string().min(1),
  variables: looseRecord.nullish(),
  operationName: optionalString,
  default_fields: z.union([z.string(), z.array(z.string())]).nullish(),
  "x-airbyte-nullable-variables": z.array(z.string()).nullish(),
});

/** `requestBody`, possibly with a GraphQL body type. */
export const RequestBodySchema = z.looseObject({
  description: optionalString,
  required: optionalBoolean,
  content: z.record(z.string(), MediaTypeSchema).nullish(),
  "x-airbyte-body-type": GraphqlBodySchema.nullish(),
});

/** One entry of `responses`. */
export const ResponseSchema = z.looseObject({
  description: optionalString,
  content: z.record(z.string(), MediaTypeSchema).nullish(),
});

const OAuthFlowSchema = z
  .looseObject({
    authorizationUrl: optionalString,
    tokenUrl: optionalString,
    refreshUrl: optionalString,
    scopes: stringRecord.nullish(),
  })
  .nullish();

const REQUIRED_BY_TYPE: Record<string, readonly [key: string, why: string][]> = {
  apiKey: [
    ["name", "the header, query or cookie name that carries the key"],
    ["in", "header, query or cookie"],
  ],
  http: [["scheme", "e.g. bearer or basic"]],
  oauth2: [["flows", "at least one OAuth2 flow"]],
  openIdConnect: [["openIdConnectUrl", "the OpenID Connect discovery URL"]],
};

/** A security scheme; the keys each type needs (`name`/`in`, `scheme`, `flows`…) are checked per type. */
export const SecuritySchemeSchema = z
  .looseObject({
    type: z.enum(["apiKey", "http", "oauth2", "openIdConnect"]),
    description: optionalString,
    name: optionalString,
    in: z.enum(["query", "header", "cookie"]).nullish(),
    scheme: optionalString,
    bearerFormat: optionalString,
    flows: z
      .looseObject({
        implicit: OAuthFlowSchema,
        password: OAuthFlowSchema,
        clientCredentials: OAuthFlowSchema,
        authorizationCode: OAuthFlowSchema,
      })
      .nullish(),
    openIdConnectUrl: optionalString,
    "x-airbyte-token-refresh": z
      .looseObject({
        auth_style: z.enum(["body", "basic", "none"]).nullish(),
        body_format: z.enum(["form", "json"]).nullish(),
      })
      .nullish(),
    "x-airbyte-token-extract": z.array(z.string().min(1)).nullish(),
    "x-airbyte-untested": optionalBoolean,
  })
  .superRefine((scheme, context) => {
    for (const [key, why] of REQUIRED_BY_TYPE[scheme.type] ?? []) {
      const value = (scheme as Record<string, unknown>)[key];
      if (value === undefined || value === null || value === "") {
        context.addIssue({
          code: "custom",
          path: [key],
          message: `A ${scheme.type} security scheme needs "${key}" (${why}).`,
        });
      }
    }
  });

/** `x-airbyte-auth-config`: `type: object`, non-empty `properties` and `auth_mapping`. */
export const AuthConfigSchema = z.looseObject({
  type: z.literal("object"),
  title: optionalString,
  description: optionalString,
  required: z.array(z.string()).nullish(),
  properties: nonEmptyRecord(
    z.record(
      z.string(),
      z.looseObject({
        type: z.enum(["string", "integer", "boolean", "number"]).nullish(),
        title: optionalString,
        description: optionalString,
        format: optionalString,
        pattern: optionalString,
      }),
    ),
    '"properties"',
  ),
  auth_mapping: nonEmptyRecord(stringRecord, '"auth_mapping"'),
  additional_headers: stringRecord.nullish(),
  replication_auth_key_mapping: stringRecord.nullish(),
  replication_auth_key_constants: looseRecord.nullish(),
});

/** `x-airbyte-retry-config` keys (snake_case, as in the spec) and the `RetryConfig` field each one sets. */
export const RETRY_CONFIG_KEYS: Readonly<Record<string, string>> = {
  max_attempts: "maxAttempts",
  initial_delay_seconds: "initialDelaySeconds",
  max_delay_seconds: "maxDelaySeconds",
  exponential_base: "exponentialBase",
  jitter: "jitter",
  retry_on_status_codes: "retryOnStatusCodes",
  retry_on_timeout: "retryOnTimeout",
  retry_on_network_error: "retryOnNetworkError",
  retry_after_header: "retryAfterHeader",
  retry_after_format: "retryAfterFormat",
  retry_non_idempotent: "retryNonIdempotent",
};
