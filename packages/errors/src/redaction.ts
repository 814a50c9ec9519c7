/** What replaces a secret in every message, header, URL and body excerpt. */
export const REDACTED = "[REDACTED]";

const SENSITIVE_HEADER_PARTS = [
  "authorization",
  "api-key",
  "apikey",
  "x-api-key",
  "token",
  "bearer",
  "secret",
  "password",
  "credential",
  "cookie",
  "session",
  "signature",
];

const SENSITIVE_KEY_PARTS = [
  "password",
  "passwd",
  "secret",
  "api_key",
  "apikey",
  "api-key",
  "token",
  "credential",
  "auth",
  "cookie",
  "private_key",
  "signature",
];

/**
 * Shapes of well-known credentials, redacted wherever they appear even when nobody registered them:
 * Stripe keys, webhook secrets, GitHub tokens, Slack tokens, Google API keys, AWS key ids and JWTs.
 */
const VALUE_PATTERNS: RegExp[] = [
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  /\bwhsec_[A-Za-z0-9]{32,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{80,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bxapp-[A-Za-z0-9-]{10,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bAKIA[A-Z0-9]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** True when a header name looks like it carries a credential (case-insensitive substring match). */
export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_HEADER_PARTS.some((part) => lower.includes(part));
}

/** True when a parameter, query or body key looks like it carries a credential. */
export function isSensitiveKey(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE_KEY_PARTS.some((part) => lower.includes(part));
}

/**
 * Removes secrets from text. It knows the exact secret values it was given (credentials, tokens as they are
 * refreshed) and the shapes of common credential formats. Executors keep one per instance and pass it to every
 * error they build, so no message, `toJSON()` output or log line carries a credential.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<unknown> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /**
   * Registers a secret value. Values shorter than 4 characters are ignored: redacting them would shred ordinary
   * text while protecting nothing. The base64 and URL-encoded forms are registered too, since secrets travel
   * encoded in Basic auth headers and query strings.
   */
  add(secret: unknown): this {
    if (typeof secret !== "string" || secret.length < 4) return this;
    this.#secrets.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
    return this;
  }

  /** The number of distinct values registered (encoded forms included). */
  get size(): number {
    return this.#secrets.size;
  }

  /** Replaces every registered secret and every credential-shaped value in `text`. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    const secrets = [...this.#secrets].sort((a, b) => b.length - a.length);
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const pattern of VALUE_PATTERNS) {
      out = out.replace(pattern, (_match, scheme?: string) =>
        typeof scheme === "string" && /^(bearer|basic)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED,
      );
    }
    out = this.#redactBasicCredentials(out);
    return out;
  }

  /** Redacts the values of sensitive headers, and any secret inside the others. */
  redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(", ") : String(value);
      out[name] = isSensitiveHeader(name) ? REDACTED : this.redact(text);
    }
    return out;
  }

  /** Redacts userinfo, sensitive query parameters and any registered secret in a URL. */
  redactUrl(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.redact(url);
    }
    if (parsed.username || parsed.password) {
      parsed.username = REDACTED;
      parsed.password = "";
    }
    for (const key of [...parsed.searchParams.keys()]) {
      if (isSensitiveKey(key)) parsed.searchParams.set(key, REDACTED);
    }
    return this.redact(parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED));
  }

  /**
   * Deep-copies a JSON-like value with sensitive keys' values replaced and every string redacted.
   * Cycle-safe; stops at depth 32.
   */
  redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
    if (typeof value === "string") return this.redact(value);
    if (value === null || typeof value !== "object") return value;
    if (depth >= 32) return REDACTED;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        isSensitiveKey(key) && item !== null && item !== undefined && item !== ""
          ? REDACTED
          : this.redactValue(item, depth + 1, seen);
    }
    return out;
  }

  /** A Basic credential is base64("user:password"): registered secrets may hide inside it. */
  #redactBasicCredentials(text: string): string {
    if (this.#secrets.size === 0) return text;
    return text.replace(/[A-Za-z0-9+/]{12,}={0,2}/g, (candidate) => {
      let decoded: string;
      try {
        decoded = new TextDecoder().decode(Uint8Array.from(atob(candidate), (c) => c.charCodeAt(0)));
      } catch {
        return candidate;
      }
      for (const secret of this.#secrets) if (decoded.includes(secret)) return REDACTED;
      return candidate;
    });
  }
}

/** A redactor that knows no secret values: it still removes credential-shaped strings. */
export const defaultRedactor: Redactor = new Redactor();

/** Cuts `text` to at most `max` characters, saying how much was cut. */
export function excerpt(text: string, max = 500): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
