const UNRESERVED_ONLY = /^[A-Za-z0-9_.~-]*$/;

/**
 * Percent-encodes like Python's `urllib.parse.quote(value, safe="")`: everything but `A-Z a-z 0-9 _ . - ~` is
 * escaped, so `/` in a path parameter becomes `%2F` and cannot change the path. `encodeURIComponent` alone leaves
 * `! ' ( ) *` as they are.
 */
export function quotePathSegment(value: string): string {
  // Most values (ids, numbers, cursors) need no escaping: skip the encoder and the second pass.
  if (UNRESERVED_ONLY.test(value)) return value;
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** How a scalar appears in a query string or form body: booleans as `true`/`false`, as httpx sends them. */
export function scalarToString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}

/**
 * Flattens a form body into bracket keys, as the reference's `_flatten_form_data` does for Stripe-style APIs:
 * `{metadata: {k: "v"}, items: [{price: "p"}]}` → `metadata[k]=v`, `items[0][price]=p`. `null` and `undefined`
 * leaves are skipped.
 */
export function flattenFormFields(body: Readonly<Record<string, unknown>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (key: string, value: unknown) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(`${key}[${index}]`, item);
      });
    } else if (typeof value === "object") {
      for (const [inner, item] of Object.entries(value as Record<string, unknown>))
        visit(`${key}[${inner}]`, item);
    } else {
      out.push([key, scalarToString(value)]);
    }
  };
  for (const [key, value] of Object.entries(body)) visit(key, value);
  return out;
}

/** Encodes pairs as `application/x-www-form-urlencoded` (spaces as `+`, like httpx). */
export function encodeFormPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of pairs) search.append(key, value);
  return search.toString();
}

/** Appends query pairs to a URL, keeping any query it already has. */
export function appendQuery(url: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return url;
  const encoded = pairs
    .map(([key, value]) => `${encodeQueryComponent(key)}=${encodeQueryComponent(value)}`)
    .join("&");
  return url.includes("?") ? `${url}&${encoded}` : `${url}?${encoded}`;
}

/** Query components are encoded as httpx does: RFC 3986 unreserved kept, space as `%20`. */
function encodeQueryComponent(value: string): string {
  return quotePathSegment(value);
}
