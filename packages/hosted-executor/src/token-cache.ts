import { abortError, raceWithSignal } from "./abort-signals";
import { FALLBACK_TOKEN_LIFETIME_MS } from "./cloud-protocol";
import { SingleFlight } from "./single-flight";

const WHAT = "Fetching an Airbyte bearer token";

/** A token as the token endpoint issued it. */
export interface IssuedToken {
  accessToken: string;
  /** `expires_in` of the answer, in seconds, when it had one. */
  expiresInSeconds?: number;
}

/** The longest safety margin taken off a token's lifetime, as the reference does (60 s). */
const MAX_MARGIN_MS = 60_000;

/**
 * Holds the executor's bearer token and fetches a new one when it is missing or about to expire.
 *
 * Differs from the reference: the lifetime comes from `expires_in` (falling back to the reference's fixed
 * 14 minutes only when the answer has none), concurrent callers share one fetch, and a token the server
 * refused can be dropped with {@link TokenCache.invalidate} so the next call fetches a fresh one.
 */
export class TokenCache {
  readonly #fetch: () => Promise<IssuedToken>;
  readonly #now: () => number;
  readonly #flight = new SingleFlight<string>();
  #token: { value: string; refreshAt: number } | undefined;

  constructor(fetch: () => Promise<IssuedToken>, now: () => number = Date.now) {
    this.#fetch = fetch;
    this.#now = now;
  }

  /** The cached token while it is still good, else undefined; lets the hot path skip a promise. */
  current(): string | undefined {
    const cached = this.#token;
    return cached && this.#now() < cached.refreshAt ? cached.value : undefined;
  }

  /** A valid token: the cached one, or the result of the (single, shared) fetch. */
  get(signal?: AbortSignal): Promise<string> {
    const cached = this.current();
    if (cached !== undefined) return Promise.resolve(cached);
    if (signal?.aborted) return Promise.reject(abortError(signal, WHAT));
    return raceWithSignal(
      this.#flight.run(() => this.#refresh()),
      signal,
      WHAT,
    );
  }

  /**
   * Forgets `token` if it is still the cached one. Callers that saw the same 401 all name the same token, so
   * only the first forgets it, and a newer token fetched meanwhile is kept.
   */
  invalidate(token: string): void {
    if (this.#token?.value === token) this.#token = undefined;
  }

  async #refresh(): Promise<string> {
    const issued = await this.#fetch();
    this.#token = {
      value: issued.accessToken,
      refreshAt: this.#now() + usableLifetimeMs(issued.expiresInSeconds),
    };
    return issued.accessToken;
  }
}

/** How long a token is used: its lifetime less a margin of a tenth of it, at most 60 s. */
export function usableLifetimeMs(expiresInSeconds: number | undefined): number {
  if (expiresInSeconds === undefined || !Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0) {
    return FALLBACK_TOKEN_LIFETIME_MS;
  }
  const lifetimeMs = expiresInSeconds * 1000;
  return lifetimeMs - Math.min(MAX_MARGIN_MS, lifetimeMs / 10);
}
