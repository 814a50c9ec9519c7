import type { z } from "zod";
import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { AuthConfigSpec, AuthType, JsonSchema, SecuritySchemeModel } from "./model";
import { extensionsOf, withoutNulls } from "./object-utils";
import type { RefResolver } from "./ref-resolver";
import { AuthConfigSchema, SecuritySchemeSchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** The `auth_mapping` keys each auth type understands (reference §4.1). */
export const AUTH_MAPPING_KEYS: Readonly<Record<AuthType, readonly string[]>> = {
  bearer: ["token"],
  basic: ["username", "password"],
  api_key: ["api_key"],
  oauth2: ["access_token", "refresh_token", "client_id", "client_secret"],
};

const SCHEMES_POINTER = "/components/securitySchemes";
/** OAuth2 flows in the order the reference prefers them. */
const FLOW_PRIORITY = ["authorizationCode", "clientCredentials", "password", "implicit"] as const;

type ParsedScheme = z.output<typeof SecuritySchemeSchema>;

/**
 * Builds the security schemes. A spec without any gets one default bearer scheme, as in the reference.
 *
 * With two or more schemes (multi-auth), a scheme whose `auth_mapping` uses a key its type does not understand is
 * skipped with a warning, as the reference does; with one scheme the same mistake is an error. Every other
 * problem is an error either way.
 */
export function buildSecuritySchemes(
  context: LoadContext,
  resolver: RefResolver,
  schemes: Record<string, unknown> | null | undefined,
  serverVariableNames: ReadonlySet<string>,
): SecuritySchemeModel[] {
  const entries = Object.entries(schemes ?? {});
  if (entries.length === 0) return [defaultBearerScheme()];
  const multiAuth = entries.length > 1;
  const built: SecuritySchemeModel[] = [];
  for (const [name, raw] of entries) {
    const pointer = joinPointer(SCHEMES_POINTER, name);
    const { node, pointer: nodePointer } = resolver.deref(raw, pointer);
    const scheme = validateNode(context, SecuritySchemeSchema, node, nodePointer);
    const model = buildScheme(
      context,
      name,
      scheme,
      node as Record<string, unknown>,
      nodePointer,
      serverVariableNames,
      multiAuth,
    );
    if (model) built.push(model);
  }
  if (built.length === 0) {
    const reasons = context.warnings
      .filter((warning) => warning.code === "SKIPPED_SECURITY_SCHEME")
      .map((warning) => warning.message);
    context.fail(`No usable security scheme is left. ${reasons.join(" ")}`, SCHEMES_POINTER);
  }
  return built;
}

function buildScheme(
  context: LoadContext,
  name: string,
  scheme: ParsedScheme,
  node: Record<string, unknown>,
  pointer: string,
  serverVariableNames: ReadonlySet<string>,
  multiAuth: boolean,
): SecuritySchemeModel | undefined {
  const authType = authTypeOf(scheme);
  const authConfig = buildAuthConfig(
    context,
    node["x-airbyte-auth-config"],
    authType,
    name,
    pointer,
    multiAuth,
  );
  if (authConfig === null) return undefined;
  const tokenExtract = checkTokenExtract(
    context,
    scheme["x-airbyte-token-extract"] ?? [],
    serverVariableNames,
    pointer,
  );
  const flow = scheme.type === "oauth2" ? selectFlow(scheme) : undefined;
  const refresh = scheme["x-airbyte-token-refresh"];
  return {
    name,
    type: scheme.type,
    authType,
    ...(scheme.scheme != null && { scheme: scheme.scheme }),
    ...(scheme.bearerFormat != null && { bearerFormat: scheme.bearerFormat }),
    ...(scheme.in != null && { in: scheme.in }),
    ...(scheme.name != null && { parameterName: scheme.name }),
    ...(scheme.openIdConnectUrl != null && { openIdConnectUrl: scheme.openIdConnectUrl }),
    ...(flow && {
      flow: flow.name,
      ...(flow.value.authorizationUrl != null && { authorizationUrl: flow.value.authorizationUrl }),
      ...(flow.value.tokenUrl != null && { tokenUrl: flow.value.tokenUrl }),
      ...(flow.value.refreshUrl && { refreshUrl: flow.value.refreshUrl }),
      ...(flow.value.scopes != null && { scopes: flow.value.scopes }),
    }),
    ...(scheme.type === "oauth2" && {
      tokenRefresh: { authStyle: refresh?.auth_style ?? "body", bodyFormat: refresh?.body_format ?? "form" },
    }),
    tokenExtract,
    authConfig,
    untested: scheme["x-airbyte-untested"] ?? false,
    ...(scheme.description != null && { description: scheme.description }),
    extensions: extensionsOf(node),
    pointer,
  };
}

/** The reference's mapping: only bearer and basic http schemes are special; any other http scheme is sent raw. */
function authTypeOf(scheme: ParsedScheme): AuthType {
  if (scheme.type === "oauth2") return "oauth2";
  if (scheme.type === "http") {
    const httpScheme = scheme.scheme?.toLowerCase();
    if (httpScheme === "bearer") return "bearer";
    if (httpScheme === "basic") return "basic";
  }
  return "api_key";
}

function selectFlow(scheme: ParsedScheme) {
  for (const name of FLOW_PRIORITY) {
    const value = scheme.flows?.[name];
    if (value) return { name, value };
  }
  return undefined;
}

function checkTokenExtract(
  context: LoadContext,
  names: readonly string[],
  serverVariableNames: ReadonlySet<string>,
  pointer: string,
): string[] {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    const at = joinPointer(pointer, "x-airbyte-token-extract", index);
    if (seen.has(name)) context.fail(`"${name}" is listed twice in x-airbyte-token-extract.`, at);
    seen.add(name);
    if (!serverVariableNames.has(name)) {
      const known = [...serverVariableNames].sort().join(", ") || "none";
      context.fail(
        `x-airbyte-token-extract names "${name}", which is not a server variable (declared: ${known}). Put {${name}} in the server URL and declare the variable.`,
        at,
      );
    }
  });
  return [...names];
}

/**
 * Validates `x-airbyte-auth-config` (or builds the default for the auth type). Returns null when the scheme must
 * be skipped (multi-auth with a mapping key the type does not understand).
 */
function buildAuthConfig(
  context: LoadContext,
  raw: unknown,
  authType: AuthType,
  schemeName: string,
  schemePointer: string,
  multiAuth: boolean,
): AuthConfigSpec | null {
  if (raw === undefined || raw === null) return defaultAuthConfig(authType);
  const pointer = joinPointer(schemePointer, "x-airbyte-auth-config");
  const config = validateNode(context, AuthConfigSchema, raw, pointer);
  const propertyNames = new Set(Object.keys(config.properties));
  for (const [path, property] of Object.entries(config.replication_auth_key_mapping ?? {})) {
    if (!propertyNames.has(property)) {
      context.fail(
        `replication_auth_key_mapping maps "${path}" to "${property}", which is not one of the properties (${[...propertyNames].join(", ")}).`,
        joinPointer(pointer, "replication_auth_key_mapping", path),
      );
    }
  }
  const used = new Set<string>();
  for (const template of Object.values(config.auth_mapping))
    for (const m of template.matchAll(/\$\{(\w+)\}/g)) used.add(m[1]!);
  for (const template of Object.values(config.additional_headers ?? {})) {
    for (const m of template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) used.add(m[1]!);
  }
  for (const property of propertyNames) {
    if (!used.has(property)) {
      context.fail(
        `Property "${property}" is used neither by auth_mapping (as \${${property}}) nor by additional_headers (as {{ ${property} }}); use it or remove it.`,
        joinPointer(pointer, "properties", property),
      );
    }
  }
  const allowed = AUTH_MAPPING_KEYS[authType];
  for (const key of Object.keys(config.auth_mapping)) {
    if (allowed.includes(key)) continue;
    const detail = `auth_mapping key "${key}" is not understood by ${authType} auth (expected: ${allowed.join(", ")}). Keys name what the scheme needs; map your fields with templates, e.g. ${allowed[0]}: "${copyOf("your_field")}".`;
    const at = joinPointer(pointer, "auth_mapping", key);
    if (!multiAuth) context.fail(detail, at);
    context.warn("SKIPPED_SECURITY_SCHEME", `Security scheme "${schemeName}" is skipped: ${detail}`, at);
    return null;
  }
  for (const [index, name] of (config.required ?? []).entries()) {
    if (!propertyNames.has(name)) {
      context.warn(
        "UNKNOWN_REQUIRED_AUTH_FIELD",
        `"${name}" is required but is not one of the auth config properties, so no caller can satisfy it by name.`,
        joinPointer(pointer, "required", index),
      );
    }
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(config.properties)) {
    properties[name] = { type: "string", ...withoutNulls(property as Record<string, unknown>) };
  }
  return {
    type: "object",
    properties,
    required: config.required ?? [],
    authMapping: config.auth_mapping,
    ...(config.additional_headers != null && { additionalHeaders: config.additional_headers }),
    ...(config.replication_auth_key_mapping != null && {
      replicationAuthKeyMapping: config.replication_auth_key_mapping,
    }),
    ...(config.replication_auth_key_constants != null && {
      replicationAuthKeyConstants: config.replication_auth_key_constants,
    }),
    ...(config.title != null && { title: config.title }),
    ...(config.description != null && { description: config.description }),
  };
}

/** `${name}`: an auth_mapping template that copies the user's field of that name. */
function copyOf(name: string): string {
  return `\${${name}}`;
}

function field(title: string, description: string): JsonSchema {
  return { type: "string", title, description };
}

/** The reference's generated auth config for a scheme that declares none. */
export function defaultAuthConfig(authType: AuthType): AuthConfigSpec {
  switch (authType) {
    case "bearer":
      return {
        type: "object",
        properties: { token: field("Bearer Token", "Authentication bearer token") },
        required: ["token"],
        authMapping: { token: copyOf("token") },
      };
    case "basic":
      return {
        type: "object",
        properties: {
          username: field("Username", "Authentication username"),
          password: field("Password", "Authentication password"),
        },
        required: ["username", "password"],
        authMapping: { username: copyOf("username"), password: copyOf("password") },
      };
    case "api_key":
      return {
        type: "object",
        properties: { api_key: field("API Key", "API authentication key") },
        required: ["api_key"],
        authMapping: { api_key: copyOf("api_key") },
      };
    case "oauth2":
      // Nothing is required, so both full-token and refresh-token-only credentials are accepted.
      return {
        type: "object",
        properties: {
          access_token: field("Access Token", "OAuth2 access token"),
          refresh_token: field("Refresh Token", "OAuth2 refresh token (optional)"),
          client_id: field("Client ID", "OAuth2 client ID (optional)"),
          client_secret: field("Client Secret", "OAuth2 client secret (optional)"),
        },
        required: [],
        authMapping: {
          access_token: copyOf("access_token"),
          refresh_token: copyOf("refresh_token"),
          client_id: copyOf("client_id"),
          client_secret: copyOf("client_secret"),
        },
      };
  }
}

function defaultBearerScheme(): SecuritySchemeModel {
  return {
    name: "default",
    type: "http",
    authType: "bearer",
    scheme: "bearer",
    tokenExtract: [],
    authConfig: defaultAuthConfig("bearer"),
    untested: false,
    extensions: {},
    pointer: SCHEMES_POINTER,
  };
}
