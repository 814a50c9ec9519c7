import type { ConnectorModel, RetryConfigInput, SecretValue } from "@execkit/core";
import { RetryConfigSchema } from "@execkit/core";
import { InvalidConfigurationError } from "@execkit/errors";
import type { Dispatcher } from "undici";
import { z } from "zod";
import type { TokenRefreshCallback } from "./auth/auth-session";

/** Options of {@link LocalExecutor}. Exactly one of `configPath` and `model` is required. */
export interface LocalExecutorOptions {
  /** Path to a connector.yaml (or its YAML text). */
  configPath?: string;
  /** A connector model already loaded with `loadConnectorModel()`. */
  model?: ConnectorModel;
  /**
   * Credentials keyed by the scheme's `x-airbyte-auth-config` properties (e.g. `{ api_key }`), mapped through
   * `auth_mapping`. Values may be plain strings or `Secret`s.
   */
  authConfig?: Readonly<Record<string, SecretValue | undefined | null>>;
  /**
   * Legacy alias of `authConfig`; cannot be combined with it. As in the reference (whose docstring says
   * otherwise), the values go through `auth_mapping` too.
   */
  secrets?: Readonly<Record<string, SecretValue | undefined | null>>;
  /** Multi-auth connectors: the security scheme to use; inferred from the credentials given when omitted. */
  authScheme?: string;
  /** Server variables and other non-secret config, e.g. `{ subdomain: "acme" }`; merged over the spec defaults. */
  configValues?: Readonly<Record<string, string>>;
  /** Called with the new tokens after every OAuth2 refresh, so they can be persisted. */
  onTokenRefresh?: TokenRefreshCallback;
  /** Replaces (does not merge with) the spec's `x-airbyte-retry-config`. */
  retryConfig?: RetryConfigInput;
  /** Connections per origin of the executor's own undici Agent (default 100). Ignored when `dispatcher` is given. */
  maxConnections?: number;
  /**
   * Kept for parity with the reference (default 20). undici has no separate cap on idle connections (they close
   * after their keep-alive timeout), so the value is validated but has no effect.
   */
  maxKeepaliveConnections?: number;
  /** Log every request and response (redacted). */
  enableLogging?: boolean;
  /** Where logs beyond `maxLogs` (and all of them on `close()`) go, as JSON Lines. */
  logFile?: string;
  /** How many log entries stay in memory (default 10,000). */
  maxLogs?: number;
  /** A label for the caller's context (`direct`, `mcp`, `agent`…); defaults to `AIRBYTE_EXECUTION_CONTEXT` or `direct`. */
  executionContext?: string;
  /** Routes every request (API, token refresh, file download): a proxy agent, a MockAgent, a test interceptor. */
  dispatcher?: Dispatcher;
  /** Overrides the spec's server URL (`{var}` placeholders are still filled from config values). */
  baseUrl?: string;
  /**
   * Per-attempt time limits in ms (default 30,000; 0 disables): the response headers must arrive within it, and
   * the body may not stall longer than it between chunks (so a large download is not cut off while it flows).
   * Limits under 5 s are kept to the millisecond (and also bound the whole non-streamed response); longer ones use
   * undici's own timers, which tick about once a second but cost nothing per request.
   */
  timeoutMs?: number;
}

const credentialRecord = z.record(
  z.string(),
  z.union([
    z.string(),
    z.custom<SecretValue>((value) => typeof (value as { reveal?: unknown })?.reveal === "function"),
    z.null(),
    z.undefined(),
  ]),
);

const OptionsSchema = z
  .object({
    configPath: z.string().min(1).optional(),
    model: z
      .custom<ConnectorModel>(
        (value) => typeof value === "object" && value !== null && "operations" in value,
        {
          message: "expected a ConnectorModel from loadConnectorModel()",
        },
      )
      .optional(),
    authConfig: credentialRecord.optional(),
    secrets: credentialRecord.optional(),
    authScheme: z.string().min(1).optional(),
    configValues: z.record(z.string(), z.string()).optional(),
    onTokenRefresh: z
      .custom<TokenRefreshCallback>((value) => typeof value === "function", {
        message: "expected a function",
      })
      .optional(),
    retryConfig: RetryConfigSchema.partial().optional(),
    maxConnections: z.number().int().min(1).default(100),
    maxKeepaliveConnections: z.number().int().min(0).default(20),
    enableLogging: z.boolean().default(false),
    logFile: z.string().min(1).optional(),
    maxLogs: z.number().int().min(1).default(10_000),
    executionContext: z.string().optional(),
    dispatcher: z
      .custom<Dispatcher>((value) => typeof (value as Dispatcher)?.dispatch === "function", {
        message: "expected an undici Dispatcher (Agent, Pool, ProxyAgent, MockAgent…)",
      })
      .optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    timeoutMs: z.number().int().min(0).default(30_000),
  })
  .strict();

/** The options after validation, defaults filled in. */
export type ResolvedOptions = z.output<typeof OptionsSchema>;

/**
 * Validates the options. Every problem is an {@link InvalidConfigurationError} naming the option, e.g. both
 * `authConfig` and `secrets`, neither `configPath` nor `model`, or an unknown key.
 */
export function parseOptions(input: LocalExecutorOptions): ResolvedOptions {
  const parsed = OptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option =
      issue.path.map(String).join(".") ||
      (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "options");
    throw new InvalidConfigurationError(`Invalid LocalExecutor option '${option}': ${issue.message}.`, {
      option,
    });
  }
  const options = parsed.data;
  if ((options.configPath === undefined) === (options.model === undefined)) {
    throw new InvalidConfigurationError("Pass exactly one of configPath and model to LocalExecutor.", {
      option: options.configPath === undefined ? "configPath" : "model",
    });
  }
  if (options.authConfig !== undefined && options.secrets !== undefined) {
    throw new InvalidConfigurationError(
      "Pass authConfig or secrets, not both (secrets is the legacy name of authConfig).",
      {
        option: "secrets",
      },
    );
  }
  return options;
}
