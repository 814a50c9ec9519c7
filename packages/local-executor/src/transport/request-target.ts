/** Where a request goes, as undici's `dispatch` takes it: the origin (connection pool key) and the path. */
export interface RequestTarget {
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
}

const ORIGIN_PREFIX = /^https?:\/\/[^/?#\\@]+/i;
/** Characters a `URL` would leave untouched in a path or query; our encoders never emit anything else. */
const PLAIN_PATH = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;
const origins = new Map<string, string>();
const MAX_CACHED_ORIGINS = 256;

/**
 * Splits an absolute URL into origin and path without building a `URL` on every request: a plain path (what the
 * request builder produces) is used as it is, and an origin is parsed once and then cached. Anything a `URL` would
 * rewrite (dot segments, spaces, non-ASCII, user info, backslashes) takes the `URL` route, so the result is always
 * what `new URL(url)` would have sent.
 */
export function toRequestTarget(url: string): RequestTarget {
  const prefix = ORIGIN_PREFIX.exec(url)?.[0];
  if (prefix !== undefined) {
    const rest = url.slice(prefix.length);
    const path = rest === "" ? "/" : rest;
    if ((path[0] === "/" || path[0] === "?") && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
      let origin = origins.get(prefix);
      if (origin === undefined) {
        origin = new URL(prefix).origin;
        if (origins.size >= MAX_CACHED_ORIGINS) origins.clear();
        origins.set(prefix, origin);
      }
      return { origin, path: path[0] === "?" ? `/${path}` : path };
    }
  }
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}
