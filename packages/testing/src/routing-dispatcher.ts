import { Agent, type Dispatcher } from "undici";

/** The header that carries a routed request's original origin (scheme, host and port) to the mock. */
export const ORIGINAL_ORIGIN_HEADER = "x-execkit-original-origin";

/**
 * An undici dispatcher that sends every request, whatever its scheme and host, to one loopback server over
 * plain HTTP. The original host stays in `Host` and the original origin travels in
 * `x-execkit-original-origin`, so the server can tell `https://oauth2.googleapis.com/token` from the API.
 *
 * @example
 * ```ts
 * const dispatcher = createRoutingDispatcher(mock.url);
 * await request("https://api.stripe.com/v1/customers", { dispatcher }); // served by the mock
 * ```
 */
export function createRoutingDispatcher(targetOrigin: string): Dispatcher {
  const target = new URL(targetOrigin).origin;
  const agent = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });
  return agent.compose((dispatch) => (options, handler) => {
    const original = options.origin === undefined ? target : new URL(String(options.origin)).origin;
    const headers = flattenHeaders(options.headers);
    const hasHost = Object.keys(headers).some((name) => name.toLowerCase() === "host");
    if (!hasHost) headers.host = new URL(original).host;
    headers[ORIGINAL_ORIGIN_HEADER] = original;
    return dispatch({ ...options, origin: target, headers }, handler);
  });
}

/** undici accepts headers as an object, a flat `[name, value, …]` array or an iterable of pairs. */
function flattenHeaders(headers: Dispatcher.DispatchOptions["headers"]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (headers === undefined || headers === null) return out;
  const add = (name: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    const text = Array.isArray(value) ? value.map(String) : String(value);
    const existing = out[name];
    if (existing === undefined) out[name] = text;
    else
      out[name] = [
        ...(Array.isArray(existing) ? existing : [existing]),
        ...(Array.isArray(text) ? text : [text]),
      ];
  };
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const pair of headers as unknown as [string, string][]) add(pair[0], pair[1]);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), headers[i + 1]);
    }
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of headers as Iterable<[string, string]>) add(pair[0], pair[1]);
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) add(name, value);
  return out;
}
