import type { Action } from "../action";
import type { RetryConfig } from "../retry-config";

/** A JSON Schema as found in a spec, with local `$ref`s already resolved. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** HTTP methods an operation may use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Where a parameter goes. */
export type ParameterLocation = "path" | "query" | "header" | "cookie";

/** `x-airbyte-param-config-inject`: fill an omitted query parameter from a config value. */
export interface ParamConfigInject {
  /** The `config_values` key to read. */
  readonly source: string;
  /** Maps the config value (as is, then upper-cased) to the value sent; without it the raw value is sent. */
  readonly map?: Readonly<Record<string, string>>;
}

/** One declared parameter of an operation. */
export interface ParameterModel {
  readonly name: string;
  readonly in: ParameterLocation;
  /** Path parameters are always required. */
  readonly required: boolean;
  /** The parameter's JSON schema (`type` defaults to `string`). */
  readonly schema: JsonSchema;
  /** The schema's `default`, when it has one. */
  readonly default?: unknown;
  readonly description?: string;
  /** OpenAPI `style` (`form`, `deepObject`, `simple`…). */
  readonly style?: string;
  /** OpenAPI `explode`. */
  readonly explode?: boolean;
  readonly configInject?: ParamConfigInject;
  /** JSON pointer of the parameter in the spec. */
  readonly pointer: string;
}

/** `x-airbyte-body-type` with `type: graphql`. */
export interface GraphqlBodyModel {
  readonly type: "graphql";
  /** The query text; may contain `{{ fields }}`. */
  readonly query: string;
  /** Variable templates: `"{{ param }}"` values are replaced by params. */
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
  /** Used for `{{ fields }}` when the caller gives no `fields`. */
  readonly defaultFields?: string | readonly string[];
  /** Variables that are sent as `null` instead of being dropped when their param is null. */
  readonly nullableVariables: readonly string[];
}

/** An operation's request body. */
export interface RequestBodyModel {
  /**
   * The content type used to send it, chosen by the reference's priority:
   * form-urlencoded > multipart/form-data > multipart/related > JSON.
   */
  readonly contentType: string;
  /** Every content type the spec declares. */
  readonly contentTypes: readonly string[];
  readonly required: boolean;
  /** The body schema (of the last declared media type, as the reference does). */
  readonly schema?: JsonSchema;
  /** Top-level property names of the schema. */
  readonly fields: readonly string[];
  /** Names listed in the schema's top-level `required`. */
  readonly requiredFields: readonly string[];
  /** Top-level property defaults, merged under the caller's values. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Present for GraphQL operations. */
  readonly graphql?: GraphqlBodyModel;
}

/** `x-airbyte-ai-hints` on an operation or an entity schema. */
export interface AiHints {
  readonly summary?: string;
  readonly when_to_use?: string;
  readonly trigger_phrases?: readonly string[];
  readonly freshness?: string;
  readonly example_questions?: readonly string[];
  readonly search_strategy?: string;
  readonly [key: string]: unknown;
}

/** One `entity × action` operation, with everything the executor needs to send it. */
export interface OperationModel {
  readonly entity: string;
  readonly action: Action;
  readonly method: HttpMethod;
  /** The OpenAPI path key, e.g. `/graphql:issues`. */
  readonly path: string;
  /** The path actually requested: `x-airbyte-path-override.path` when present, else `path`. */
  readonly requestPath: string;
  /** `x-airbyte-path-override.path`, when present. */
  readonly pathOverride?: string;
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly parameters: readonly ParameterModel[];
  readonly requestBody?: RequestBodyModel;
  /** The `200` (else `201`) `application/json` response schema, when declared. */
  readonly responseSchema?: JsonSchema;
  /** Status codes the spec declares responses for. */
  readonly responseStatuses: readonly string[];
  /** `x-airbyte-record-extractor` (JSONPath). */
  readonly recordExtractor?: string;
  /** `x-airbyte-meta-extractor`: meta key → JSONPath, `@link.<rel>` or `@header.<name>`. */
  readonly metaExtractor?: Readonly<Record<string, string>>;
  /** `x-airbyte-record-transform`: output field → Jinja template. */
  readonly recordTransform?: Readonly<Record<string, string>>;
  /** `x-airbyte-record-filter`: Jinja expression; falsy records are dropped. */
  readonly recordFilter?: string;
  /** `x-airbyte-file-url`: dot path to the file URL in a two-step download's metadata response. */
  readonly fileUrl?: string;
  /** `x-airbyte-upload-file-param`: the base64 param holding an upload's bytes. */
  readonly uploadFileParam?: string;
  /** `x-airbyte-preferred-for-check`. */
  readonly preferredForCheck: boolean;
  /** `x-airbyte-untested`. */
  readonly untested: boolean;
  /** `x-airbyte-no-pagination`: why a list has no pagination. */
  readonly noPagination?: string;
  readonly aiHints?: AiHints;
  /** Every `x-*` key of the operation, known or not, as written. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** JSON pointer of the operation, e.g. `/paths/~1v1~1customers/get`. */
  readonly pointer: string;
}

/** `x-airbyte-entity-relationships` entry. */
export interface EntityRelationship {
  readonly sourceEntity: string;
  readonly targetEntity: string;
  readonly foreignKey: string;
  /** Defaults to `id`. */
  readonly targetKey: string;
  readonly cardinality?: string;
  readonly description?: string;
  readonly parentRecordFilter?: Readonly<Record<string, unknown>>;
}

/** An entity and its operations, in spec order. */
export interface EntityModel {
  readonly name: string;
  /** Actions in declaration order. */
  readonly actions: readonly Action[];
  readonly operations: readonly OperationModel[];
  /** The component schema linked by `x-airbyte-entity-name` (or a case-insensitive name match). */
  readonly schema?: JsonSchema;
  readonly schemaName?: string;
  /** `x-airbyte-stream-name` of that schema. */
  readonly streamName?: string;
  readonly aiHints?: AiHints;
  /** Relationships whose source is this entity. */
  readonly relationships: readonly EntityRelationship[];
}

/** `x-airbyte-auth-config`: the credentials a user gives, and how they map to the scheme's inputs. */
export interface AuthConfigSpec {
  readonly type: "object";
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
  /** Scheme input → template with `${property}` references (or a constant). */
  readonly authMapping: Readonly<Record<string, string>>;
  /** Header → Jinja template (`{{ property }}`), rendered over all current secrets. */
  readonly additionalHeaders?: Readonly<Record<string, string>>;
  readonly replicationAuthKeyMapping?: Readonly<Record<string, string>>;
  readonly replicationAuthKeyConstants?: Readonly<Record<string, unknown>>;
  readonly title?: string;
  readonly description?: string;
}

/** `x-airbyte-token-refresh` on an OAuth2 scheme. */
export interface TokenRefreshConfig {
  /** Where client credentials go: the form body (default), a Basic header, or nowhere. */
  readonly authStyle: "body" | "basic" | "none";
  /** How the refresh body is encoded. */
  readonly bodyFormat: "form" | "json";
}

/** How a scheme authenticates requests. */
export type AuthType = "bearer" | "basic" | "api_key" | "oauth2";

/** One security scheme with its auth config. */
export interface SecuritySchemeModel {
  /** The key under `components.securitySchemes`. */
  readonly name: string;
  /** OpenAPI `type`. */
  readonly type: "http" | "apiKey" | "oauth2" | "openIdConnect";
  /**
   * The strategy: `http`+`bearer` → bearer, `http`+`basic` → basic, `oauth2` → oauth2, anything else →
   * api_key (the reference's fallback; an unknown http scheme sends the raw value in `Authorization`).
   */
  readonly authType: AuthType;
  /** OpenAPI `scheme` for http schemes. */
  readonly scheme?: string;
  readonly bearerFormat?: string;
  /** apiKey: where the key goes. */
  readonly in?: "header" | "query" | "cookie";
  /** apiKey: the header, query or cookie name. */
  readonly parameterName?: string;
  /** OAuth2: the chosen flow (authorizationCode > clientCredentials > password > implicit). */
  readonly flow?: string;
  /** openIdConnect: the discovery URL. */
  readonly openIdConnectUrl?: string;
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  /** OAuth2: the refresh URL (a Jinja template over auth and config values). */
  readonly refreshUrl?: string;
  readonly scopes?: Readonly<Record<string, string>>;
  readonly tokenRefresh?: TokenRefreshConfig;
  /** `x-airbyte-token-extract`: token-response fields that become server variables. */
  readonly tokenExtract: readonly string[];
  /**
   * The scheme's `x-airbyte-auth-config`. When the spec has none, the loader fills in the reference's default for
   * the auth type (bearer: `token`; basic: `username` + `password`; api_key: `api_key`; oauth2: the four OAuth
   * fields, none required).
   */
  readonly authConfig?: AuthConfigSpec;
  readonly untested: boolean;
  readonly description?: string;
  /** Every `x-*` key of the scheme, as written. */
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly pointer: string;
}

/** A server variable of the first `servers[]` entry. */
export interface ServerVariable {
  readonly default?: string;
  readonly description?: string;
  readonly enum?: readonly string[];
}

/** `x-airbyte-scoping` entry: a param filled from a config value when the caller omits it. */
export interface ScopingRule {
  readonly param: string;
  /** Defaults to `param`. */
  readonly configKey: string;
}

/** `x-airbyte-response-error-check`: an API that reports errors with HTTP 200 (slack). */
export interface ResponseErrorCheck {
  readonly field: string;
  readonly onValue: unknown;
  readonly messageField?: string;
}

/** A non-fatal finding of the loader (a duplicate operation, an ignored construct). */
export interface ModelWarning {
  /** Stable identifier of the kind of finding, e.g. `DUPLICATE_OPERATION`. */
  readonly code: string;
  readonly message: string;
  /** JSON pointer of the node the finding is about. */
  readonly pointer: string;
  /** Other nodes involved, e.g. the earlier declaration a duplicate operation replaced. */
  readonly relatedPointers?: readonly string[];
}

/**
 * An immutable connector definition, built by `loadConnectorModel()` from a connector.yaml.
 * Every object in it is frozen.
 */
export interface ConnectorModel {
  /** `x-airbyte-connector-name`, else the title lower-cased with dashes. */
  readonly name: string;
  /** `info.x-airbyte-connector-definition-id` (a UUID). */
  readonly id: string;
  readonly title: string;
  /** `info.version`. */
  readonly version: string;
  readonly description?: string;
  /** The file it was loaded from, when it came from a file. */
  readonly file?: string;
  /** The first server's URL, `{var}` placeholders kept. */
  readonly baseUrl: string;
  readonly serverVariables: Readonly<Record<string, ServerVariable>>;
  /** Each server variable's default. */
  readonly serverVariableDefaults: Readonly<Record<string, string>>;
  /** Security schemes in declaration order; a spec without any gets one default bearer scheme. */
  readonly securitySchemes: readonly SecuritySchemeModel[];
  /** True with two or more schemes: the caller's credentials (or `authScheme`) select one. */
  readonly multiAuth: boolean;
  /** Entities in order of first appearance in `paths`. */
  readonly entities: readonly EntityModel[];
  /**
   * Every operation in spec order. A repeated entity × action keeps one operation: the later declaration, in
   * the earlier one's place (see `warnings`).
   */
  readonly operations: readonly OperationModel[];
  /** `info.x-airbyte-retry-config`, when set (defaults filled in). */
  readonly retryConfig?: RetryConfig;
  readonly scoping: readonly ScopingRule[];
  readonly responseErrorCheck?: ResponseErrorCheck;
  /** All `x-airbyte-entity-relationships`. */
  readonly relationships: readonly EntityRelationship[];
  /**
   * `info.x-airbyte-replication-config.replication_config_constants`: the `config` of Jinja query defaults in
   * health-check probes.
   */
  readonly replicationConfigConstants?: Readonly<Record<string, unknown>>;
  /** Every `x-*` key of `info`, known or not, as written. */
  readonly infoExtensions: Readonly<Record<string, unknown>>;
  /** Non-fatal findings of the loader: a duplicate operation, ignored constructs, YAML oddities. */
  readonly warnings: readonly ModelWarning[];
  /** The whole document after YAML parsing (not `$ref`-resolved); for tools that need more. */
  readonly document: Readonly<Record<string, unknown>>;
}
