import {
  type ConnectorModel,
  type RetryConfig,
  type RetryConfigInput,
  resolveRetryConfig,
  revealSecret,
  type SecretValue,
} from "@execkit/core";
import { InvalidConfigurationError, MissingCredentialsError, type Redactor } from "@execkit/errors";
import type { Dispatcher } from "undici";
import { DEFAULT_API_URL } from "./cloud-protocol";

/**
 * Options of {@link HostedExecutor}. Give `connectorId`, or `connectorDefinitionId` (with `workspaceName`, which
 * defaults to `"default"`) to have the connector looked up once.
 */
export interface HostedExecutorOptions {
  /** Application client id; defaults to the `AIRBYTE_CLIENT_ID` environment variable. */
  airbyteClientId?: SecretValue;
  /** Application client secret; defaults to `AIRBYTE_CLIENT_SECRET`. Never appears in an error or log. */
  airbyteClientSecret?: SecretValue;
  /** The connector (source) to run; skips the lookup. Wins over `workspaceName`/`connectorDefinitionId`. */
  connectorId?: string;
  /** The workspace to look the connector up in; `"default"` when neither this nor `connectorId` is given. */
  workspaceName?: string;
  /** The connector definition (UUID) to look up in the workspace. */
  connectorDefinitionId?: string;
  /** Sent as `X-Organization-Id` on every call; defaults to `AIRBYTE_ORGANIZATION_ID`. */
  organizationId?: string;
  /** The connector's model; only `check()` uses it, to pick a cheap operation. */
  model?: ConnectorModel;
  /**
   * The cloud API base URL. Defaults to `SDK_DEV_ADP_API_HOST` (as in the reference, for local backends), else
   * `https://api.airbyte.ai`.
   */
  apiUrl?: string;
  /**
   * The undici dispatcher to send through (a `MockAgent`, a proxy agent, a shared pool). It is not closed by
   * `close()`. Without it the executor creates and owns an `Agent`.
   */
  dispatcher?: Dispatcher;
  /**
   * Time limit of one request attempt, in milliseconds; default 300,000 (the reference's 300 s). It bounds
   * connecting, the wait for the response headers and each wait for more of the body (as httpx's timeout does);
   * limits under 5 s are enforced precisely over the whole attempt, longer ones to about half a second.
   */
  timeoutMs?: number;
  /**
   * Retry settings for 429, 5xx, timeouts and network failures, over {@link HOSTED_RETRY_DEFAULTS} (3 attempts,
   * 0.5 s backoff doubling with jitter, waits capped at 10 s). Reads (list, get, api_search, download,
   * context_store_search), the token call and the lookup are retried; create/update/delete only with
   * `retryNonIdempotent: true`. A `Retry-After` longer than `maxDelaySeconds` is not waited out: the
   * `RateLimitError` is thrown at once. `{ maxAttempts: 1 }` turns retries off.
   */
  retryConfig?: RetryConfigInput;
  /** Where the environment fallbacks are read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The options after defaults, environment fallbacks and validation. */
export interface ResolvedHostedOptions {
  clientId: string;
  clientSecret: string;
  connectorId?: string;
  workspaceName: string;
  connectorDefinitionId?: string;
  organizationId?: string;
  model?: ConnectorModel;
  apiUrl: string;
  dispatcher?: Dispatcher;
  timeoutMs: number;
  retryConfig: RetryConfig;
}

/**
 * Retry defaults of the hosted executor, under any `retryConfig` given: short waits, because an agent is usually
 * waiting on the call; a `Retry-After` over 10 s is handed back to the caller as a `RateLimitError`.
 */
export const HOSTED_RETRY_DEFAULTS: Readonly<RetryConfigInput> = Object.freeze({
  maxAttempts: 3,
  initialDelaySeconds: 0.5,
  maxDelaySeconds: 10,
});

/** The reference's read timeout for cloud calls (300 s). */
export const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * Applies the reference's argument rules and environment fallbacks, and rejects a wrong combination with an
 * {@link InvalidConfigurationError} (a {@link MissingCredentialsError} when credentials are missing) before
 * anything is sent. The client secret is registered with `redactor` first, so no later error can show it.
 */
export function resolveHostedOptions(
  options: HostedExecutorOptions,
  redactor: Redactor,
): ResolvedHostedOptions {
  if (options === null || typeof options !== "object") {
    throw new InvalidConfigurationError("new HostedExecutor(options) needs an options object.");
  }
  const env = options.env ?? process.env;
  const clientSecret =
    credential(options.airbyteClientSecret, "airbyteClientSecret") ?? nonEmpty(env.AIRBYTE_CLIENT_SECRET);
  redactor.add(clientSecret);
  const clientId = credential(options.airbyteClientId, "airbyteClientId") ?? nonEmpty(env.AIRBYTE_CLIENT_ID);
  const missing = [
    ...(clientId === undefined ? ["airbyteClientId (or AIRBYTE_CLIENT_ID)"] : []),
    ...(clientSecret === undefined ? ["airbyteClientSecret (or AIRBYTE_CLIENT_SECRET)"] : []),
  ];
  if (clientId === undefined || clientSecret === undefined) {
    throw new MissingCredentialsError(
      `HostedExecutor needs Airbyte application credentials; missing: ${missing.join(", ")}. Create an application in Airbyte and pass its client id and secret.`,
      { missing, option: clientId === undefined ? "airbyteClientId" : "airbyteClientSecret", redactor },
    );
  }

  const connectorId = optionalString(options.connectorId, "connectorId");
  const connectorDefinitionId = optionalString(options.connectorDefinitionId, "connectorDefinitionId");
  const workspaceName = optionalString(options.workspaceName, "workspaceName") ?? "default";
  if (connectorId === undefined && connectorDefinitionId === undefined) {
    throw new InvalidConfigurationError(
      'HostedExecutor needs either connectorId, or connectorDefinitionId with workspaceName (which defaults to "default") to look the connector up.',
      { option: "connectorId", redactor },
    );
  }

  return {
    clientId,
    clientSecret,
    connectorId,
    workspaceName,
    connectorDefinitionId,
    organizationId:
      optionalString(options.organizationId, "organizationId") ?? nonEmpty(env.AIRBYTE_ORGANIZATION_ID),
    model: options.model,
    apiUrl: resolveApiUrl(options.apiUrl, env.SDK_DEV_ADP_API_HOST, redactor),
    dispatcher: options.dispatcher,
    timeoutMs: resolveTimeout(options.timeoutMs, redactor),
    retryConfig: resolveRetry(options.retryConfig, redactor),
  };
}

function credential(value: SecretValue | undefined, option: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && typeof (value as { reveal?: unknown }).reveal !== "function") {
    throw new InvalidConfigurationError(`${option} must be a string or a Secret.`, { option });
  }
  return nonEmpty(revealSecret(value));
}

function optionalString(value: unknown, option: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new InvalidConfigurationError(`${option} must be a string, got ${typeof value}.`, { option });
  }
  return nonEmpty(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function resolveApiUrl(option: string | undefined, envValue: string | undefined, redactor: Redactor): string {
  const given = optionalString(option, "apiUrl");
  const raw = (given ?? envValue ?? "").replace(/\/+$/, "") || DEFAULT_API_URL;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new InvalidConfigurationError(
      `apiUrl ${JSON.stringify(raw)} is not a URL${given === undefined ? " (read from SDK_DEV_ADP_API_HOST)" : ""}; use e.g. "https://api.airbyte.ai".`,
      { option: given === undefined ? "SDK_DEV_ADP_API_HOST" : "apiUrl", redactor },
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InvalidConfigurationError(`apiUrl must be an http(s) URL, got ${parsed.protocol}.`, {
      option: "apiUrl",
      redactor,
    });
  }
  if (parsed.username || parsed.password) {
    redactor.add(decodeURIComponent(parsed.password)).add(decodeURIComponent(parsed.username));
    throw new InvalidConfigurationError(
      "apiUrl must not carry credentials; pass them as airbyteClientId and airbyteClientSecret.",
      { option: given === undefined ? "SDK_DEV_ADP_API_HOST" : "apiUrl", redactor },
    );
  }
  if (parsed.search || parsed.hash) {
    throw new InvalidConfigurationError("apiUrl must not carry a query string or fragment.", {
      option: "apiUrl",
      redactor,
    });
  }
  return raw;
}

function resolveTimeout(value: number | undefined, redactor: Redactor): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidConfigurationError(
      `timeoutMs must be a positive number of milliseconds, got ${String(value)}.`,
      {
        option: "timeoutMs",
        redactor,
      },
    );
  }
  return value;
}

function resolveRetry(value: RetryConfigInput | undefined, redactor: Redactor): RetryConfig {
  try {
    return resolveRetryConfig({ ...HOSTED_RETRY_DEFAULTS, ...value });
  } catch (error) {
    throw new InvalidConfigurationError(
      `retryConfig is invalid: ${error instanceof Error ? error.message : String(error)}`,
      { option: "retryConfig", cause: error, redactor },
    );
  }
}
