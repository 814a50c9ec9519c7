import { setMaxListeners } from "node:events";
import {
  Action,
  type CallOptions,
  type CheckData,
  type ExecuteOptions,
  type ExecutionConfig,
  type ExecutionResult,
  type ExecutorProtocol,
  findCheckOperation,
  normalizeExecuteArguments,
  READ_ONLY_ACTIONS,
} from "@execkit/core";
import { AuthenticationError, Redactor, RequestAbortedError } from "@execkit/errors";
import { CONNECTORS_PATH, executePath, TOKEN_PATH } from "./cloud-protocol";
import { type CloudCall, CloudTransport } from "./cloud-transport";
import { ConnectorResolver } from "./connector-resolver";
import {
  type HostedExecutorOptions,
  type ResolvedHostedOptions,
  resolveHostedOptions,
} from "./hosted-options";
import {
  isExecutionFailure,
  parseExecuteResponse,
  parseExecutionFailure,
  parseLookupResponse,
  parseTokenResponse,
} from "./response-parsing";
import { withRetries } from "./retry-policy";
import type { CloudResponse } from "./status-errors";
import { type IssuedToken, TokenCache } from "./token-cache";

/** Actions that only read, so a failed attempt may be sent again. `context_store_search` is a read as well. */
const SAFE_TO_REPEAT: ReadonlySet<string> = new Set<string>([
  ...READ_ONLY_ACTIONS,
  Action.CONTEXT_STORE_SEARCH,
]);

/**
 * Runs connector operations through the Airbyte cloud API, which holds the credentials and runs the connector:
 * the same {@link ExecutorProtocol} and the same results as `LocalExecutor`, so an agent switches between them
 * by changing one line.
 *
 * Per call it sends at most three requests, byte-compatible with the reference SDK: a token request (cached), a
 * connector lookup (once per executor, only without `connectorId`), and the execute request.
 *
 * Differs from the reference:
 * - the token honours `expires_in`, is fetched once however many calls wait for it, and a 401 on a call
 *   refreshes it and retries that call once;
 * - the connector lookup happens once per executor, not before every call;
 * - 429, 5xx, timeouts and network failures are retried with backoff and `Retry-After` for calls that are safe
 *   to repeat;
 * - network failures, timeouts and malformed answers are typed errors of `@execkit/errors`;
 * - every call takes an `AbortSignal`, and neither the client secret nor the token appears in any error.
 *
 * @example
 * ```ts
 * await using executor = new HostedExecutor({
 *   airbyteClientId: process.env.AIRBYTE_CLIENT_ID,
 *   airbyteClientSecret: process.env.AIRBYTE_CLIENT_SECRET,
 *   connectorId: "5f0e…",
 * });
 * const result = await executor.execute("customers", "list", { params: { limit: 10 } });
 * ```
 */
export class HostedExecutor implements ExecutorProtocol, AsyncDisposable {
  readonly #options: ResolvedHostedOptions;
  readonly #redactor = new Redactor();
  readonly #lifetime = new AbortController();
  readonly #transport: CloudTransport;
  readonly #tokens: TokenCache;
  readonly #connector: ConnectorResolver;
  #closed = false;

  /**
   * Validates the options; nothing is sent until the first call.
   *
   * @throws {InvalidConfigurationError} for a wrong combination (neither `connectorId` nor
   *   `connectorDefinitionId`), a malformed `apiUrl`, `timeoutMs` or `retryConfig`.
   * @throws {MissingCredentialsError} when the client id or secret is neither given nor in the environment.
   */
  constructor(options: HostedExecutorOptions) {
    this.#options = resolveHostedOptions(options, this.#redactor);
    // Every request in flight listens on the lifetime signal until it ends: many concurrent calls are normal, not
    // a leak, so Node's default cap of 10 listeners (and its warning) does not apply.
    setMaxListeners(Number.POSITIVE_INFINITY, this.#lifetime.signal);
    this.#transport = new CloudTransport({
      apiUrl: this.#options.apiUrl,
      organizationId: this.#options.organizationId,
      timeoutMs: this.#options.timeoutMs,
      redactor: this.#redactor,
      dispatcher: this.#options.dispatcher,
      lifetime: this.#lifetime.signal,
    });
    this.#tokens = new TokenCache(() => this.#fetchToken());
    this.#connector = new ConnectorResolver(() => this.#lookupConnector(), this.#options.connectorId);
  }

  /** The cloud API base URL in use. */
  get apiUrl(): string {
    return this.#options.apiUrl;
  }

  /**
   * Runs one operation through the cloud API. A malformed config (an empty entity, params that are not an
   * object) comes back as `success: false` without sending anything, as from `LocalExecutor`.
   *
   * An operation that could not run (unknown entity, unsupported action, missing or invalid params) comes back
   * as `success: false` with the reason in `error`, as from `LocalExecutor`: the cloud marks those answers with
   * `"success": false` in a 400/422 body. Other failures are thrown as typed errors: `AuthenticationError`
   * (401/403), `RateLimitError` (429), `ConnectorValidationError` (any other 400/422), `HTTPStatusError`,
   * `NetworkError`, `RequestTimeoutError`, `RequestAbortedError`, `ResponseFormatError`, and
   * `ConnectorNotFoundError` / `ConnectorAmbiguityError` from the lookup.
   *
   * Differs from the reference: it raises `ConnectorValidationError` for execution errors too.
   *
   * @throws {TypeError} for a mixed or incomplete call form.
   */
  execute(config: ExecutionConfig, options?: CallOptions): Promise<ExecutionResult>;
  /** Runs one operation (shorthand form): `execute("customers", "list", { params: { limit: 10 } })`. */
  execute(entity: string, action: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  async execute(
    configOrEntity: ExecutionConfig | string,
    actionOrOptions?: string | CallOptions,
    maybeOptions?: ExecuteOptions,
  ): Promise<ExecutionResult> {
    let config: ExecutionConfig;
    let options: CallOptions;
    try {
      ({ config, options } =
        plainCall(configOrEntity, actionOrOptions, maybeOptions) ??
        normalizeExecuteArguments(configOrEntity, actionOrOptions, maybeOptions));
    } catch (error) {
      // A mixed call form is a programming error; a malformed config is an execution error, as in LocalExecutor.
      if (error instanceof TypeError) throw error;
      const message = this.#redactor.redact(error instanceof Error ? error.message : String(error));
      return { success: false, data: {}, error: `Invalid execution config: ${message}`, meta: null };
    }
    this.#assertOpen();
    const { signal } = options;
    const connectorId = this.#connector.current ?? (await this.#connector.resolve(signal));
    const response = await this.#authorized(
      {
        method: "POST",
        path: executePath(connectorId),
        body: { entity: config.entity, action: config.action, params: config.params ?? null },
        accept: isExecutionFailure,
        binary: config.action === Action.DOWNLOAD,
      },
      SAFE_TO_REPEAT.has(config.action),
      signal,
    );
    if (isExecutionFailure(response)) return parseExecutionFailure(response, this.#redactor);
    return parseExecuteResponse(response, this.#redactor);
  }

  /**
   * Verifies credentials and connectivity; never throws. With a `model`, runs its check operation (the
   * preferred one, else the first list that needs no params) and reports `healthy` or `unhealthy` with
   * `checked_entity` and `checked_action`; without one (or when the model has no such operation), fetches a
   * token and reports `healthy` or `unhealthy`.
   */
  async check(options: CallOptions = {}): Promise<ExecutionResult<CheckData>> {
    const { signal } = options;
    let operation: ReturnType<typeof findCheckOperation> | undefined;
    try {
      operation = this.#options.model ? findCheckOperation(this.#options.model) : undefined;
    } catch (error) {
      return unhealthy(error, {}, this.#redactor);
    }
    if (operation) {
      const checked = { checked_entity: operation.entity, checked_action: operation.action };
      try {
        const result = await this.execute(
          { entity: operation.entity, action: operation.action, params: operation.params },
          { signal },
        );
        if (!result.success)
          return unhealthy(result.error ?? "the check operation failed", checked, this.#redactor);
        return { success: true, data: { status: "healthy", ...checked }, error: null, meta: null };
      } catch (error) {
        return unhealthy(error, checked, this.#redactor);
      }
    }
    try {
      this.#assertOpen();
      await this.#tokens.get(signal);
      return { success: true, data: { status: "healthy" }, error: null, meta: null };
    } catch (error) {
      return unhealthy(error, {}, this.#redactor);
    }
  }

  /**
   * Cancels calls in flight (they fail with `RequestAbortedError`) and closes the connection pool the executor
   * created. A `dispatcher` passed in is left open. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lifetime.abort();
    await this.#transport.close();
  }

  /** `await using executor = new HostedExecutor(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new RequestAbortedError("This HostedExecutor is closed; create a new one to send more requests.");
    }
  }

  /**
   * Sends an authenticated call with retries. A 401 means the token was revoked or expired early: it is
   * dropped, a fresh one fetched, and the call sent once more (once per logical call, not per attempt).
   */
  async #authorized(call: CloudCall, safeToRepeat: boolean, signal?: AbortSignal): Promise<CloudResponse> {
    // The first attempt runs inline: nearly every call succeeds at once, and this sits on every call's path.
    const token = this.#tokens.current() ?? (await this.#tokens.get(signal));
    try {
      return await this.#transport.send(call, token, signal);
    } catch (error) {
      return this.#recover(error, token, call, safeToRepeat, signal);
    }
  }

  /** After a failed first attempt: one token refresh on a 401, then retries as the policy allows. */
  #recover(
    firstError: unknown,
    firstToken: string,
    call: CloudCall,
    safeToRepeat: boolean,
    signal: AbortSignal | undefined,
  ): Promise<CloudResponse> {
    let refreshed = false;
    const sendWith = async (token: string): Promise<CloudResponse> => {
      try {
        return await this.#transport.send(call, token, signal);
      } catch (error) {
        return refreshOnce(error, token);
      }
    };
    const refreshOnce = async (error: unknown, token: string): Promise<CloudResponse> => {
      if (refreshed || !AuthenticationError.isInstance(error) || error.status !== 401) throw error;
      refreshed = true;
      this.#tokens.invalidate(token);
      return this.#transport.send(call, await this.#tokens.get(signal), signal);
    };
    return withRetries(
      { config: this.#options.retryConfig, safeToRepeat, signal, what: `${call.method} ${call.path}` },
      async (attemptNumber) =>
        attemptNumber === 1
          ? refreshOnce(firstError, firstToken)
          : sendWith(this.#tokens.current() ?? (await this.#tokens.get(signal))),
    );
  }

  /** The token call: shared by every waiter, so it runs under the executor's lifetime, not a caller's signal. */
  async #fetchToken(): Promise<IssuedToken> {
    const signal = this.#lifetime.signal;
    const response = await withRetries(
      { config: this.#options.retryConfig, safeToRepeat: true, signal, what: `POST ${TOKEN_PATH}` },
      () =>
        this.#transport.send({
          method: "POST",
          path: TOKEN_PATH,
          body: { client_id: this.#options.clientId, client_secret: this.#options.clientSecret },
          tokenCall: true,
        }),
    );
    return parseTokenResponse(response, this.#redactor);
  }

  async #lookupConnector(): Promise<string> {
    const { workspaceName, connectorDefinitionId } = this.#options;
    const definition = connectorDefinitionId as string;
    const response = await this.#authorized(
      {
        method: "GET",
        path: CONNECTORS_PATH,
        query: { workspace_name: workspaceName, definition_id: definition },
      },
      true,
      this.#lifetime.signal,
    );
    return parseLookupResponse(
      response,
      { workspaceName, connectorDefinitionId: definition },
      this.#redactor,
    );
  }
}

/**
 * The common, well-formed call shapes, taken as they are: schema parsing sits on every call's path and costs a
 * measurable share of a loopback round trip. Anything else goes through `normalizeExecuteArguments`, which
 * also produces the errors.
 */
function plainCall(
  configOrEntity: ExecutionConfig | string,
  actionOrOptions: string | CallOptions | undefined,
  maybeOptions: ExecuteOptions | undefined,
): { config: ExecutionConfig; options: CallOptions } | undefined {
  if (typeof configOrEntity === "string") {
    if (configOrEntity === "" || typeof actionOrOptions !== "string" || actionOrOptions === "")
      return undefined;
    const params = maybeOptions?.params;
    if (!isParams(params)) return undefined;
    return {
      config: { entity: configOrEntity, action: actionOrOptions, params },
      options: { signal: maybeOptions?.signal },
    };
  }
  if (maybeOptions !== undefined || typeof actionOrOptions === "string") return undefined;
  if (typeof configOrEntity !== "object" || configOrEntity === null) return undefined;
  const { entity, action, params } = configOrEntity;
  if (typeof entity !== "string" || entity === "" || typeof action !== "string" || action === "")
    return undefined;
  if (!isParams(params)) return undefined;
  return { config: { entity, action, params }, options: actionOrOptions ?? {} };
}

function isParams(value: unknown): value is Record<string, unknown> | null | undefined {
  if (value === undefined || value === null) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function unhealthy(
  error: unknown,
  checked: { checked_entity?: string; checked_action?: string },
  redactor: Redactor,
): ExecutionResult<CheckData> {
  const message = redactor.redact(error instanceof Error ? error.message : String(error));
  return {
    success: false,
    data: { status: "unhealthy", error: message, ...checked },
    error: message,
    meta: null,
  };
}
