/**
 * The wire contract of the Airbyte cloud API as the reference client speaks it: paths, headers and encodings.
 * Everything here must stay byte-compatible with `airbyte_agent_sdk/cloud_utils/client.py` (httpx 0.28).
 */

/** The production API, used when neither `apiUrl` nor `SDK_DEV_ADP_API_HOST` says otherwise. */
export const DEFAULT_API_URL = "https://api.airbyte.ai";

/** Exchanges client credentials for a bearer token. */
export const TOKEN_PATH = "/api/v1/account/applications/token";

/** Lists connectors; filtered by `workspace_name` and `definition_id` for the lookup. */
export const CONNECTORS_PATH = "/api/v1/integrations/connectors";

/** The token lifetime the reference assumes (15 minutes minus a 60-second margin) when `expires_in` is absent. */
export const FALLBACK_TOKEN_LIFETIME_MS = 14 * 60 * 1000;

/** The header that tells the cloud which SDK is calling (sent lower-case; HTTP header names are case-blind). */
export const SDK_SOURCE_HEADER = "x-adp-agent-sdk";
/** The reference SDK's value of {@link SDK_SOURCE_HEADER}, sent as is so the cloud treats us alike. */
export const SDK_SOURCE_HEADER_VALUE = "airbyte-agent-sdk";

/** The execute endpoint of one connector. The id is percent-encoded so an odd id cannot change the path. */
export function executePath(connectorId: string): string {
  return `${CONNECTORS_PATH}/${encodeURIComponent(connectorId)}/execute`;
}

/**
 * Encodes a query string exactly as Python's `urllib.parse.urlencode` does (which httpx uses): space becomes `+`,
 * and only letters, digits and `_.-~` stay unescaped. `URLSearchParams` differs on `~` and `*`, and
 * `encodeURIComponent` on `!'()*`, so neither is used directly.
 */
export function encodeQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([key, value]) => `${formEncode(key)}=${formEncode(value)}`)
    .join("&");
}

function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/**
 * The headers of one cloud call. httpx adds `accept: *\/*` on its own, so we send it too; the SDK header always;
 * the bearer token on every call but the token call; the organization only when one is set.
 */
export function buildHeaders(options: {
  token?: string;
  organizationId?: string;
  hasJsonBody: boolean;
}): Record<string, string> {
  const headers: Record<string, string> = { accept: "*/*", [SDK_SOURCE_HEADER]: SDK_SOURCE_HEADER_VALUE };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.organizationId) headers["x-organization-id"] = options.organizationId;
  if (options.hasJsonBody) headers["content-type"] = "application/json";
  return headers;
}

/**
 * Serialises a JSON body as httpx 0.28 does (`separators=(",", ":")`, `ensure_ascii=False`), which for values
 * built in JavaScript is exactly `JSON.stringify`.
 */
export function encodeJsonBody(body: unknown): string {
  return JSON.stringify(body);
}
