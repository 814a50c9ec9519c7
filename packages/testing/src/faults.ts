/** What a recorded request was, as far as the mock could tell. */
export type RequestKind = "api" | "token" | "file" | "unmatched";

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  readonly entity?: string;
  readonly action?: string;
  /** Upper-case HTTP method. */
  readonly method?: string;
  /** The request path (no query), exactly or by regex. */
  readonly path?: string | RegExp;
  /** `api` (an operation), `token` (the OAuth2 endpoint) or `file` (a two-step download's file). */
  readonly kind?: RequestKind;
}

/**
 * A fault to inject. With `status` the mock answers with it (and `headers`/`body`) instead of the real
 * response; `delayMs` waits before the response headers; `resetMidBody` sends the headers and half the body
 * and then destroys the socket; `malformedBody` sends a 200 JSON content type with a truncated body. They
 * combine: `{ delayMs: 500 }` alone only slows the real response down.
 */
export interface FaultSpec {
  /** Which requests; a function gets the recorded request. Default: every request. */
  readonly match?: FaultMatch | ((request: FaultTarget) => boolean);
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A JSON value or a string, or a function of the request (to echo what it carried, as some APIs do);
   * default `{"error": "injected <status>"}`.
   */
  readonly body?: unknown | ((request: FaultTarget) => unknown);
  readonly delayMs?: number;
  readonly resetMidBody?: boolean;
  readonly malformedBody?: boolean;
  /** How many requests it applies to before it expires; default 1, `Infinity` for all. */
  readonly times?: number;
}

/** The fields of a request a fault's match function sees. */
export interface FaultTarget {
  readonly kind: RequestKind;
  readonly method: string;
  readonly path: string;
  readonly entity?: string;
  readonly action?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw request body (text). */
  readonly body: string;
}

/** A live injected fault. */
export interface FaultHandle {
  /** Requests it has applied to so far. */
  readonly hits: number;
  /** Applications left (`Infinity` when unlimited). */
  readonly remaining: number;
  /** Stops it applying. */
  remove(): void;
}

/** The mock's list of injected faults, consulted in injection order. */
export class FaultQueue {
  readonly #faults: { spec: FaultSpec; hits: number; remaining: number }[] = [];

  /** Adds a fault and returns its handle. */
  add(spec: FaultSpec): FaultHandle {
    if (spec.times !== undefined && !(spec.times > 0))
      throw new RangeError("fault times must be a positive number");
    const entry = { spec, hits: 0, remaining: spec.times ?? 1 };
    this.#faults.push(entry);
    const faults = this.#faults;
    return {
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.remaining;
      },
      remove() {
        const at = faults.indexOf(entry);
        if (at >= 0) faults.splice(at, 1);
        entry.remaining = 0;
      },
    };
  }

  /** Takes the first fault matching the request, counting one use. */
  take(target: FaultTarget): FaultSpec | undefined {
    const at = this.#faults.findIndex((entry) => matches(entry.spec.match, target));
    if (at < 0) return undefined;
    const entry = this.#faults[at]!;
    entry.hits += 1;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#faults.splice(at, 1);
    return entry.spec;
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults.length = 0;
  }
}

function matches(match: FaultSpec["match"], target: FaultTarget): boolean {
  if (match === undefined) return true;
  if (typeof match === "function") return match(target);
  if (match.kind !== undefined && match.kind !== target.kind) return false;
  if (match.entity !== undefined && match.entity !== target.entity) return false;
  if (match.action !== undefined && match.action !== target.action) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method) return false;
  if (match.path !== undefined) {
    if (typeof match.path === "string" ? match.path !== target.path : !match.path.test(target.path))
      return false;
  }
  return true;
}
