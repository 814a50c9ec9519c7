import type { ConnectorModel, SecretValue, SecuritySchemeModel } from "@execkit/core";
import { revealSecret } from "@execkit/core";
import { InvalidConfigurationError, MissingCredentialsError } from "@execkit/errors";
import { dollarTemplateVariables, jinjaTemplateVariables, renderDollarTemplate } from "../template";
import { usesClientCredentials } from "./auth-session";

/** Credentials as a caller gives them: plain strings or `Secret` wrappers, keyed by auth-config property. */
export type CredentialInput = Readonly<Record<string, SecretValue | undefined | null>>;

/** The credential keys each kind of scheme reads after `auth_mapping`. */
const SCHEME_KEYS: Record<SecuritySchemeModel["authType"], readonly string[]> = {
  bearer: ["token"],
  basic: ["username", "password"],
  api_key: ["api_key"],
  oauth2: ["access_token", "refresh_token", "client_id", "client_secret"],
};

/** Reveals every given credential into a plain map, dropping null and undefined values. */
export function revealCredentials(input: CredentialInput | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input) return out;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    out[key] = revealSecret(value);
  }
  return out;
}

/**
 * Picks the security scheme to use. With one scheme it is that one. With several, an explicit `authScheme` wins;
 * otherwise the schemes whose required auth-config properties are all given are candidates, and exactly one must
 * remain (the reference's `find_matching_auth_options`).
 */
export function selectSecurityScheme(
  model: ConnectorModel,
  provided: Readonly<Record<string, string>>,
  authScheme: string | undefined,
): SecuritySchemeModel {
  const schemes = model.securitySchemes;
  if (authScheme !== undefined) {
    const found = schemes.find((scheme) => scheme.name === authScheme);
    if (!found) {
      throw new InvalidConfigurationError(
        `Unknown authScheme '${authScheme}'. This connector's security schemes are: ${schemes.map((s) => s.name).join(", ")}.`,
        { option: "authScheme" },
      );
    }
    return found;
  }
  if (schemes.length === 0) {
    throw new InvalidConfigurationError(`Connector '${model.name}' declares no security scheme.`, {
      option: "model",
    });
  }
  if (schemes.length === 1) return schemes[0]!;
  const keys = new Set(Object.keys(provided));
  const matching = schemes.filter((scheme) =>
    (scheme.authConfig?.required ?? []).every((name) => keys.has(name)),
  );
  if (matching.length === 1) return matching[0]!;
  const describe = schemes
    .map((scheme) => `${scheme.name} (needs ${(scheme.authConfig?.required ?? []).join(", ") || "nothing"})`)
    .join("; ");
  if (matching.length === 0) {
    throw new MissingCredentialsError(
      `The credentials given (${[...keys].join(", ") || "none"}) satisfy none of the connector's auth schemes: ${describe}. Pass the credentials of one scheme in authConfig.`,
      { missing: [], option: "authConfig" },
    );
  }
  throw new InvalidConfigurationError(
    `The credentials given match several auth schemes (${matching.map((s) => s.name).join(", ")}). Pass authScheme to choose one.`,
    { option: "authScheme" },
  );
}

/**
 * Turns the caller's credentials into the values the scheme's strategy reads (`token`, `username`, `api_key`,
 * `access_token`…), through `x-airbyte-auth-config.auth_mapping`. A mapping entry whose `${var}` is missing is
 * skipped when the variable is optional (how OAuth's optional refresh fields work) and is an error when it is
 * required. Properties used only by `additional_headers` are kept; any other key is dropped, as in the reference.
 * Without an auth config the credentials are used as given.
 */
export function mapCredentials(
  scheme: SecuritySchemeModel,
  provided: Readonly<Record<string, string>>,
): Record<string, string> {
  const authConfig = scheme.authConfig;
  if (!authConfig) return { ...provided };
  const required = new Set(authConfig.required);
  const missingRequired = authConfig.required.filter((name) => provided[name] === undefined);
  if (missingRequired.length > 0) {
    throw new MissingCredentialsError(
      `Auth scheme '${scheme.name}' needs ${missingRequired.map((name) => `'${name}'`).join(", ")} in authConfig; it was not given.`,
      { scheme: scheme.name, missing: missingRequired, option: "authConfig" },
    );
  }
  const out: Record<string, string> = {};
  for (const [target, template] of Object.entries(authConfig.authMapping)) {
    const { value, missing } = renderDollarTemplate(template, provided);
    if (missing.length === 0) {
      out[target] = value;
      continue;
    }
    const missingRequiredVars = missing.filter((name) => required.has(name));
    if (missingRequiredVars.length > 0) {
      throw new MissingCredentialsError(
        `Auth scheme '${scheme.name}' needs ${missingRequiredVars.join(", ")} to build '${target}'.`,
        { scheme: scheme.name, missing: missingRequiredVars, option: "authConfig" },
      );
    }
  }
  const mapped = new Set(Object.values(authConfig.authMapping).flatMap(dollarTemplateVariables));
  for (const template of Object.values(authConfig.additionalHeaders ?? {})) {
    for (const name of jinjaTemplateVariables(template)) {
      if (!mapped.has(name) && provided[name] !== undefined && out[name] === undefined)
        out[name] = provided[name];
    }
  }
  return out;
}

/**
 * Checks, before any request, that the mapped credentials hold what the scheme needs. An OAuth2 scheme may start
 * with only a refresh token when it can refresh.
 */
export function assertCredentialsComplete(
  scheme: SecuritySchemeModel,
  secrets: Readonly<Record<string, string>>,
): void {
  const missing: string[] = [];
  switch (scheme.authType) {
    case "bearer":
      if (!secrets.token) missing.push("token");
      break;
    case "basic":
      if (secrets.username === undefined) missing.push("username");
      if (secrets.password === undefined) missing.push("password");
      break;
    case "api_key":
      if (!secrets.api_key) missing.push("api_key");
      break;
    case "oauth2":
      if (!secrets.access_token && !usesClientCredentials(scheme, secrets)) {
        if (!secrets.refresh_token) missing.push("access_token");
        else if (!scheme.refreshUrl)
          missing.push("access_token (the scheme has no refresh URL to obtain one)");
      }
      break;
  }
  if (missing.length === 0) return;
  const userNames = userFacingNames(scheme, missing);
  throw new MissingCredentialsError(
    `Auth scheme '${scheme.name}' is missing credentials: ${userNames.join(", ")}. Pass them in authConfig before executing.`,
    { scheme: scheme.name, missing: userNames, option: "authConfig" },
  );
}

/** Maps strategy keys back to the auth-config properties a user writes, for error messages. */
function userFacingNames(scheme: SecuritySchemeModel, keys: readonly string[]): string[] {
  const mapping = scheme.authConfig?.authMapping ?? {};
  return keys.map((key) => {
    const bare = key.split(" ")[0]!;
    const template = mapping[bare];
    const vars = template ? dollarTemplateVariables(template) : [];
    return vars.length > 0 ? vars.join(" + ") : key;
  });
}

/** The strategy keys a scheme reads; used to decide which values are credentials worth redacting. */
export function schemeKeys(scheme: SecuritySchemeModel): readonly string[] {
  return SCHEME_KEYS[scheme.authType];
}
