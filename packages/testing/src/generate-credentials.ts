import { createHash } from "node:crypto";
import type { ConnectorModel, SecuritySchemeModel } from "@execkit/core";
import { GENERATED_SUFFIX } from "./generate-params";

/** Options of {@link generateCredentials}. */
export interface GenerateCredentialsOptions {
  /**
   * Mixed into every value, so two runs (or two executors) can be given credentials that differ. Default
   * `"execkit"`.
   */
  salt?: string;
}

/**
 * A value for every property of the scheme's `x-airbyte-auth-config`: unique, deterministic for the same salt,
 * and recognisable in any text (`ek_<scheme>_<property>_<8 hex>`), so a scan of logs and errors can look for
 * each one. An `email`-format property gets an address made from the same value.
 *
 * @example
 * ```ts
 * const scheme = model.securitySchemes[0]!;
 * const authConfig = generateCredentials(model, scheme); // { api_key: "ek_bearerAuth_api_key_1f0c…" }
 * ```
 */
export function generateCredentials(
  model: ConnectorModel,
  scheme: SecuritySchemeModel | string,
  options: GenerateCredentialsOptions = {},
): Record<string, string> {
  const resolved = typeof scheme === "string" ? findScheme(model, scheme) : scheme;
  const salt = options.salt ?? "execkit";
  const properties = resolved.authConfig?.properties ?? { token: {} };
  const out: Record<string, string> = {};
  for (const [property, schema] of Object.entries(properties)) {
    const digest = createHash("sha256")
      .update(`${model.name}\0${resolved.name}\0${property}\0${salt}`)
      .digest("hex")
      .slice(0, 8);
    const value = `ek_${resolved.name}_${property}_${digest}`;
    out[property] = schema.format === "email" ? `${value}@example.com` : value;
  }
  return out;
}

/** The scheme of a model by name; throws a `TypeError` naming the schemes there are. */
export function findScheme(model: ConnectorModel, name: string): SecuritySchemeModel {
  const scheme = model.securitySchemes.find((candidate) => candidate.name === name);
  if (scheme === undefined) {
    const names = model.securitySchemes.map((candidate) => candidate.name).join(", ");
    throw new TypeError(`Security scheme "${name}" is not in ${model.name}; it has: ${names}`);
  }
  return scheme;
}

/**
 * Applies `auth_mapping`: each `${property}` is replaced by the credential; an entry naming a missing property
 * is skipped, as the reference does for optional OAuth fields.
 */
export function applyAuthMapping(
  scheme: SecuritySchemeModel,
  credentials: Readonly<Record<string, string>>,
): Record<string, string> {
  const mapping = scheme.authConfig?.authMapping;
  if (mapping === undefined) return { ...credentials };
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(mapping)) {
    let missing = false;
    const value = template.replace(/\$\{(\w+)\}/g, (_whole, name: string) => {
      const found = credentials[name];
      if (found === undefined) missing = true;
      return found ?? "";
    });
    if (!missing) out[key] = value;
  }
  return out;
}

/** True when the scheme is OAuth2 and the credentials carry no access token, so the executor must refresh first. */
export function needsInitialRefresh(
  scheme: SecuritySchemeModel,
  credentials: Readonly<Record<string, string>>,
): boolean {
  if (scheme.authType !== "oauth2") return false;
  return applyAuthMapping(scheme, credentials).access_token === undefined;
}

/**
 * `config_values` for a model: every server variable (its default, or `acme` when the default is a placeholder
 * such as `{subdomain}`, `your-subdomain` or `my-store`) and every `x-airbyte-scoping` config key
 * (`<key>-abc123`), so scoped params such as github's `owner` are filled in.
 */
export function generateConfigValues(model: ConnectorModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, variable] of Object.entries(model.serverVariables)) {
    out[name] = isPlaceholder(variable.default) ? "acme" : variable.default!;
  }
  for (const rule of model.scoping) {
    if (!(rule.configKey in out)) out[rule.configKey] = `${rule.configKey}-${GENERATED_SUFFIX}`;
  }
  return out;
}

function isPlaceholder(value: string | undefined): boolean {
  if (value === undefined || value.trim() === "") return true;
  return /[{}]/.test(value) || /^(your|my)[-_]/i.test(value) || /^(example|placeholder)$/i.test(value);
}

/** The model's schemes in the order the conformance run uses them: the first that needs no refresh first. */
export function primaryScheme(model: ConnectorModel): SecuritySchemeModel {
  const plain = model.securitySchemes.find((scheme) => scheme.authType !== "oauth2");
  return plain ?? model.securitySchemes[0]!;
}
