import { randomBytes } from "node:crypto";

/** The OAuth2 credentials a client of the sandbox starts with. */
export interface SandboxCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** An access token that has already expired, so the first call shows the 401 → refresh → retry path. */
  accessToken: string;
}

/** The answer of the token endpoint. */
export type TokenAnswer =
  | { ok: true; body: { access_token: string; token_type: "Bearer"; expires_in: number } }
  | { ok: false; status: 400 | 401; body: { error: string; error_description: string } };

/**
 * Issues short-lived access tokens against a refresh token, like a real OAuth2 server. Everything is random per
 * sandbox, so no credential of the demo is a constant anyone could copy.
 */
export class TokenIssuer {
  readonly credentials: SandboxCredentials;
  readonly #ttlMs: number;
  readonly #expiry = new Map<string, number>();
  /** Access tokens issued through the token endpoint (refreshes). */
  issued = 0;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
    const token = (prefix: string) => `${prefix}_${randomBytes(18).toString("base64url")}`;
    this.credentials = {
      clientId: token("client"),
      clientSecret: token("secret"),
      refreshToken: token("rt"),
      accessToken: token("at"),
    };
    this.#expiry.set(this.credentials.accessToken, 0);
  }

  /** Handles a `grant_type=refresh_token` request (form fields as sent). */
  refresh(fields: URLSearchParams): TokenAnswer {
    const { clientId, clientSecret, refreshToken } = this.credentials;
    if (fields.get("client_id") !== clientId || fields.get("client_secret") !== clientSecret) {
      return {
        ok: false,
        status: 401,
        body: { error: "invalid_client", error_description: "Unknown client or wrong secret." },
      };
    }
    if (fields.get("grant_type") !== "refresh_token") {
      return {
        ok: false,
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "Only refresh_token is supported." },
      };
    }
    if (fields.get("refresh_token") !== refreshToken) {
      return {
        ok: false,
        status: 400,
        body: { error: "invalid_grant", error_description: "The refresh token is not valid." },
      };
    }
    const accessToken = `at_${randomBytes(18).toString("base64url")}`;
    this.#expiry.set(accessToken, Date.now() + this.#ttlMs);
    this.issued += 1;
    return {
      ok: true,
      body: { access_token: accessToken, token_type: "Bearer", expires_in: this.#ttlMs / 1000 },
    };
  }

  /** Why an `Authorization` header is not accepted, or undefined when it is. */
  rejection(authorization: string | undefined): string | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? "");
    if (!match) return "Send an access token as 'Authorization: Bearer <token>'.";
    const expiresAt = this.#expiry.get(match[1]!);
    if (expiresAt === undefined) return "The access token is not valid.";
    if (Date.now() >= expiresAt) return "The access token expired; refresh it.";
    return undefined;
  }
}
