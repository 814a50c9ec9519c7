import type { ConnectorModel, SecuritySchemeModel } from "@execkit/core";
import { applyAuthMapping } from "./generate-credentials";

/** An access token the mock's token endpoint issued. */
export interface IssuedToken {
  readonly scheme: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
}

/** What the auth checker knows: the credentials of each scheme it accepts and the tokens it issued. */
export interface AuthState {
  /** Scheme name → the user-facing credentials (`x-airbyte-auth-config` properties). */
  readonly credentials: Map<string, Record<string, string>>;
  /** Access token → who it was issued for. */
  readonly issued: Map<string, IssuedToken>;
  /** Schemes whose configured (not issued) access token is refused, to force a refresh. */
  readonly revokedConfiguredTokens: Set<string>;
}

/** The request parts auth depends on. */
export interface AuthRequestView {
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

/** The outcome of an auth check: the scheme that matched, or why none did (never quoting a value). */
export interface AuthVerdict {
  readonly scheme?: string;
  readonly problems: readonly string[];
}

/**
 * Checks the request against every scheme the mock has credentials for and reports the first that matches
 * completely: the scheme's own credential (bearer, basic, apiKey in header/query/cookie, OAuth2 bearer with a
 * configured or issued token) and every `additional_headers` entry rendered over the same secrets.
 */
export function checkAuth(
  model: ConnectorModel,
  state: AuthState,
  request: AuthRequestView,
  now = Date.now(),
): AuthVerdict {
  const problems: string[] = [];
  for (const scheme of model.securitySchemes) {
    const credentials = state.credentials.get(scheme.name);
    if (credentials === undefined) continue;
    const schemeProblems = checkScheme(scheme, credentials, state, request, now);
    if (schemeProblems.length === 0) return { scheme: scheme.name, problems: [] };
    problems.push(...schemeProblems.map((problem) => `${scheme.name}: ${problem}`));
  }
  if (problems.length === 0) problems.push("no credentials are configured for any scheme");
  return { problems };
}

function checkScheme(
  scheme: SecuritySchemeModel,
  credentials: Record<string, string>,
  state: AuthState,
  request: AuthRequestView,
  now: number,
): string[] {
  const secrets = applyAuthMapping(scheme, credentials);
  const candidates =
    scheme.authType === "oauth2" ? acceptableAccessTokens(scheme, secrets, state, now) : [undefined];
  if (candidates.length === 0) return ["no valid access token (none configured, none issued or all expired)"];
  let best: string[] | undefined;
  for (const accessToken of candidates) {
    const context: Record<string, string> = { ...credentials, ...secrets };
    if (accessToken !== undefined) context.access_token = accessToken;
    const problems = checkExpectedParts(scheme, context, request);
    if (problems.length === 0) return [];
    if (best === undefined || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

function acceptableAccessTokens(
  scheme: SecuritySchemeModel,
  secrets: Record<string, string>,
  state: AuthState,
  now: number,
): string[] {
  const tokens: string[] = [];
  const configured = secrets.access_token;
  if (configured !== undefined && !state.revokedConfiguredTokens.has(scheme.name)) tokens.push(configured);
  for (const [token, issued] of state.issued) {
    if (issued.scheme === scheme.name && issued.expiresAt > now) tokens.push(token);
  }
  return tokens;
}

function checkExpectedParts(
  scheme: SecuritySchemeModel,
  context: Record<string, string>,
  request: AuthRequestView,
): string[] {
  const expectedHeaders: Record<string, string> = {};
  const problems: string[] = [];
  switch (scheme.authType) {
    case "bearer":
      expectedHeaders.authorization = `Bearer ${context.token ?? ""}`;
      break;
    case "basic":
      expectedHeaders.authorization = `Basic ${Buffer.from(`${context.username ?? ""}:${context.password ?? ""}`).toString("base64")}`;
      break;
    case "oauth2":
      expectedHeaders.authorization = `Bearer ${context.access_token ?? ""}`;
      break;
    case "api_key": {
      const name = scheme.parameterName ?? "Authorization";
      const value = context.api_key ?? "";
      if (scheme.in === "query") {
        if (request.query.get(name) !== value)
          problems.push(`query parameter "${name}" does not carry the API key`);
      } else if (scheme.in === "cookie") {
        if (!cookieValues(request.headers.cookie).some(([key, v]) => key === name && v === value)) {
          problems.push(`cookie "${name}" does not carry the API key`);
        }
      } else {
        expectedHeaders[name.toLowerCase()] = value;
      }
      break;
    }
  }
  // additional_headers are applied after the scheme's own header and may replace it (zoho's Authorization).
  for (const [header, template] of Object.entries(scheme.authConfig?.additionalHeaders ?? {})) {
    expectedHeaders[header.toLowerCase()] = template.replace(
      /\{\{\s*(\w+)\s*\}\}/g,
      (_w, name: string) => context[name] ?? "",
    );
  }
  for (const [header, expected] of Object.entries(expectedHeaders)) {
    const actual = request.headers[header];
    if (actual === undefined) problems.push(`header "${header}" is missing`);
    else if (actual !== expected) problems.push(`header "${header}" does not carry the expected credential`);
  }
  return problems;
}

function cookieValues(header: string | undefined): [string, string][] {
  if (!header) return [];
  return header.split(";").map((pair) => {
    const at = pair.indexOf("=");
    return at < 0
      ? [pair.trim(), ""]
      : [pair.slice(0, at).trim(), decodeURIComponent(pair.slice(at + 1).trim())];
  });
}
