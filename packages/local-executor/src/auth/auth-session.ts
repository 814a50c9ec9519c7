import type { SecuritySchemeModel } from "@execkit/core";
import { extractErrorDetail, type Redactor, TokenRefreshError } from "@execkit/errors";
import { renderLenient } from "../template";

/** The tokens an OAuth2 refresh produced, as passed to `onTokenRefresh`. */
export interface RefreshedTokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  /** Seconds until the new access token expires, when the token endpoint said. */
  expires_in?: number;
  /** Every `x-airbyte-token-extract` field of the token response (e.g. salesforce's `instance_url`). */
  [extracted: string]: unknown;
}

/** Called after every successful refresh, to persist the new tokens. Errors it throws are logged and ignored. */
export type TokenRefreshCallback = (tokens: RefreshedTokens) => void | Promise<void>;

/** What the session needs to send a token request (supplied by the transport, so it uses the same dispatcher). */
export type TokenRequestSender = (
  request: { url: string; headers: Record<string, string>; body: string },
  signal: AbortSignal | undefined,
) => Promise<{ status: number; headers: Record<string, string>; text: string }>;

/** Auth to apply to one request, plus the token it was built from (to tell later whether it went stale). */
export interface AuthMaterial {
  readonly headers: Record<string, string>;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly accessToken?: string;
}

/** Construction options of {@link AuthSession}. */
export interface AuthSessionOptions {
  scheme: SecuritySchemeModel;
  /** The mapped credentials; refreshed tokens are written back into this object. */
  secrets: Record<string, string>;
  /** Config values; token-extract fields are written back into this object. */
  configValues: Record<string, string>;
  redactor: Redactor;
  sendTokenRequest: TokenRequestSender;
  onTokenRefresh?: TokenRefreshCallback;
  /** Told when token extraction changed a config value, so the base URL can be rendered again. */
  onConfigValuesChanged?: () => void;
  /** Told when the callback failed; the failure never reaches the caller. */
  onCallbackError?: (error: unknown) => void;
  /** Refresh this long before the known expiry (default 60 s, at most half the token's lifetime). */
  expirySkewMs?: number;
  now?: () => number;
}

/**
 * Holds the credentials of the selected scheme and builds the auth of each request. For OAuth2 it owns the
 * access token: it obtains one first when only a refresh token was given, refreshes shortly before a known
 * expiry, and refreshes after a 401.
 *
 * Differs from the reference: every refresh is single-flight. Concurrent requests that need a refresh (expiry or
 * 401) share one token request; a request whose 401 came back after someone else already refreshed simply retries
 * with the new token. The reference refreshes once per failing request, one after another, and deadlocks when the
 * retried request gets a 401 again (§10 items 2, 3). `expires_in`/`expires_at` are honoured (item 4).
 */
export class AuthSession {
  readonly scheme: SecuritySchemeModel;
  readonly #options: AuthSessionOptions;
  #inFlight: Promise<void> | undefined;
  #expiresAt: number | undefined;
  #refreshAt: number | undefined;
  #material: AuthMaterial | undefined;
  #now: () => number;

  constructor(options: AuthSessionOptions) {
    this.scheme = options.scheme;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** True when the scheme can obtain a new access token by itself (refresh token, or client credentials). */
  get canRefresh(): boolean {
    const { scheme, secrets } = this.#options;
    if (scheme.authType !== "oauth2") return false;
    return (
      (Boolean(scheme.refreshUrl) && Boolean(secrets.refresh_token)) || usesClientCredentials(scheme, secrets)
    );
  }

  /** The current access token's expiry (epoch ms), when known. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /**
   * Obtains an access token when there is none (refresh-token-only start) or the current one is about to expire.
   * Called before a request's URL is built too, since a refresh may extract a server variable (salesforce's
   * `instance_url`) that changes the base URL.
   */
  ensureFresh(signal?: AbortSignal): Promise<void> | undefined {
    // Returns undefined (not a resolved promise) when nothing is due, so the hot path needs no await.
    if (this.scheme.authType !== "oauth2" || !this.canRefresh) return undefined;
    const expired = this.#refreshAt !== undefined && this.#now() >= this.#refreshAt;
    if (!this.#options.secrets.access_token || expired) return this.refresh(signal);
    return undefined;
  }

  /** Builds the auth of a request, refreshing first when the token is absent or about to expire. */
  async material(signal?: AbortSignal): Promise<AuthMaterial> {
    await this.ensureFresh(signal);
    return this.#build();
  }

  /** The auth of a request from the current credentials, without any refresh check. */
  current(): AuthMaterial {
    // Rebuilt only when the token changes: the material is the same for every request until a refresh.
    if (!this.#material || this.#material.accessToken !== this.#options.secrets.access_token)
      this.#material = this.#build();
    return this.#material;
  }

  /**
   * Called when a request sent with `used` got a 401. Resolves true when a newer token is now available (this call
   * refreshed it, or a concurrent one did), false when retrying cannot help.
   */
  async onUnauthorized(used: AuthMaterial, signal?: AbortSignal): Promise<boolean> {
    if (!this.canRefresh) return false;
    if (this.#options.secrets.access_token !== used.accessToken) return true;
    await this.refresh(signal);
    return this.#options.secrets.access_token !== used.accessToken;
  }

  /** Refreshes the access token; concurrent callers share one token request. */
  refresh(signal?: AbortSignal): Promise<void> {
    if (!this.#inFlight) {
      this.#inFlight = this.#refreshOnce(signal).finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  }

  async #refreshOnce(signal: AbortSignal | undefined): Promise<void> {
    const { scheme, secrets, configValues, redactor } = this.#options;
    const refreshStyle = scheme.tokenRefresh ?? { authStyle: "body", bodyFormat: "form" };
    const context = { ...secrets, ...configValues, client_id: secrets.client_id };
    let url: string;
    let fields: Record<string, string>;
    if (scheme.refreshUrl && secrets.refresh_token) {
      url = renderLenient(scheme.refreshUrl, context);
      fields = { grant_type: "refresh_token", refresh_token: secrets.refresh_token };
    } else {
      // Beyond the reference: a clientCredentials flow gets its token from tokenUrl without a refresh token.
      url = renderLenient(scheme.tokenUrl ?? "", context);
      fields = { grant_type: "client_credentials" };
      const scopes = Object.keys(scheme.scopes ?? {});
      if (scopes.length > 0) fields.scope = scopes.join(" ");
    }
    const headers: Record<string, string> = {};
    if (refreshStyle.authStyle === "body") {
      if (secrets.client_id !== undefined) fields.client_id = secrets.client_id;
      if (secrets.client_secret !== undefined) fields.client_secret = secrets.client_secret;
    } else if (refreshStyle.authStyle === "basic") {
      headers.authorization = `Basic ${Buffer.from(`${secrets.client_id ?? ""}:${secrets.client_secret ?? ""}`).toString("base64")}`;
    }
    let body: string;
    if (refreshStyle.bodyFormat === "json") {
      headers["content-type"] = "application/json";
      body = JSON.stringify(fields);
    } else {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(fields).toString();
    }
    const response = await this.#options.sendTokenRequest({ url, headers, body }, signal);
    const fail = (detail: string) =>
      new TokenRefreshError(
        `Token refresh failed: ${detail}. Check the refresh token and client credentials.`,
        {
          status: response.status,
          headers: response.headers,
          body: response.text,
          method: "POST",
          url,
          redactor,
        },
      );
    if (response.status !== 200)
      throw fail(`${extractErrorDetail(response.text, response.status)} (HTTP ${response.status})`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch {
      throw fail("the token endpoint answered with a body that is not JSON");
    }
    const payload = (parsed ?? {}) as Record<string, unknown>;
    if (typeof payload.access_token !== "string" || payload.access_token === "") {
      throw fail("the token endpoint's answer has no access_token");
    }
    const tokens: RefreshedTokens = {
      access_token: payload.access_token,
      token_type: typeof payload.token_type === "string" ? payload.token_type : "Bearer",
    };
    redactor.add(tokens.access_token);
    secrets.access_token = tokens.access_token;
    if (typeof payload.refresh_token === "string" && payload.refresh_token !== "") {
      tokens.refresh_token = payload.refresh_token;
      redactor.add(payload.refresh_token);
      secrets.refresh_token = payload.refresh_token;
    }
    const now = this.#now();
    this.#expiresAt = readExpiry(payload, now);
    // Refresh a margin before expiry: the configured skew, but never more than half the token's lifetime, so a
    // short-lived token is not refreshed on every request.
    if (this.#expiresAt === undefined) this.#refreshAt = undefined;
    else {
      const lifetime = Math.max(0, this.#expiresAt - now);
      this.#refreshAt = this.#expiresAt - Math.min(this.#options.expirySkewMs ?? 60_000, lifetime / 2);
    }
    if (typeof payload.expires_in === "number" || typeof payload.expires_in === "string") {
      const seconds = Number(payload.expires_in);
      if (Number.isFinite(seconds)) tokens.expires_in = seconds;
    }
    let extracted = false;
    for (const field of scheme.tokenExtract) {
      const value = payload[field];
      if (value === undefined || value === null) continue;
      configValues[field] = String(value);
      tokens[field] = String(value);
      extracted = true;
    }
    if (extracted) this.#options.onConfigValuesChanged?.();
    if (this.#options.onTokenRefresh) {
      try {
        await this.#options.onTokenRefresh({ ...tokens });
      } catch (error) {
        this.#options.onCallbackError?.(error);
      }
    }
  }

  #build(): AuthMaterial {
    const { scheme, secrets } = this.#options;
    const headers: Record<string, string> = {};
    const query: Array<[string, string]> = [];
    switch (scheme.authType) {
      case "bearer":
        headers.Authorization = `Bearer ${secrets.token ?? ""}`;
        break;
      case "basic":
        headers.Authorization = `Basic ${Buffer.from(`${secrets.username ?? ""}:${secrets.password ?? ""}`).toString("base64")}`;
        break;
      case "oauth2":
        headers.Authorization = `Bearer ${secrets.access_token ?? ""}`;
        break;
      case "api_key": {
        const name = scheme.parameterName ?? "Authorization";
        const value = secrets.api_key ?? "";
        // Differs from the reference: `in: query` and `in: cookie` are honoured (the reference always used a header).
        if (scheme.in === "query") query.push([name, value]);
        else if (scheme.in === "cookie") headers.Cookie = `${name}=${value}`;
        else headers[name] = value;
        break;
      }
    }
    for (const [name, template] of Object.entries(scheme.authConfig?.additionalHeaders ?? {})) {
      // Case-insensitive override: an additional header may replace the main one (zoho's Authorization).
      for (const existing of Object.keys(headers))
        if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      headers[name] = renderLenient(template, { ...secrets });
    }
    return { headers, query, accessToken: secrets.access_token };
  }
}

/** A clientCredentials flow with a token URL and both client credentials can mint tokens on its own. */
export function usesClientCredentials(
  scheme: SecuritySchemeModel,
  secrets: Readonly<Record<string, string>>,
): boolean {
  return (
    scheme.flow === "clientCredentials" &&
    Boolean(scheme.tokenUrl) &&
    Boolean(secrets.client_id) &&
    Boolean(secrets.client_secret)
  );
}

function readExpiry(payload: Record<string, unknown>, now: number): number | undefined {
  const expiresIn = Number(payload.expires_in);
  if (payload.expires_in !== undefined && Number.isFinite(expiresIn)) return now + expiresIn * 1000;
  const expiresAt = payload.expires_at;
  if (typeof expiresAt === "number" && Number.isFinite(expiresAt))
    return expiresAt > 1e12 ? expiresAt : expiresAt * 1000;
  if (typeof expiresAt === "string" && expiresAt !== "") {
    const numeric = Number(expiresAt);
    if (Number.isFinite(numeric)) return numeric > 1e12 ? numeric : numeric * 1000;
    const parsed = Date.parse(expiresAt);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return undefined;
}
