import {
  Action,
  bufferToByteStream,
  type CallOptions,
  type CheckData,
  type ConnectorModel,
  type EntityModel,
  type ExecuteOptions,
  type ExecutionConfig,
  type ExecutionResult,
  type ExecutorProtocol,
  isDownloadResult,
  loadConnectorModel,
  normalizeExecuteArguments,
  type OperationModel,
  READ_ONLY_ACTIONS,
  type RetryConfig,
  resolveRetryConfig,
  SPEC_ACTIONS,
  toByteStream,
} from "@execkit/core";
import {
  ActionNotSupportedError,
  EntityNotFoundError,
  ExecKitError,
  ExecutorError,
  Redactor,
  ResponseFormatError,
} from "@execkit/errors";
import { Agent, type Dispatcher } from "undici";
import { AuthSession } from "./auth/auth-session";
import {
  assertCredentialsComplete,
  mapCredentials,
  revealCredentials,
  selectSecurityScheme,
} from "./auth/credentials";
import { type BatchItemResult, type BatchOperation, type ExecuteBatchOptions, runBatch } from "./batch";
import { resolveFileUrl } from "./download";
import { extractMeta } from "./extract/meta";
import { extractRecords } from "./extract/records";
import { type CheckEntitiesData, runCheck, runCheckEntities } from "./health-check";
import { type LocalExecutorOptions, parseOptions, type ResolvedOptions } from "./options";
import { type PaginateOptions, paginateRecords } from "./paginate";
import { buildHeaderParams, buildRequest } from "./request/build-request";
import { appendQuery } from "./request/encode";
import { validateParams } from "./request/validate-params";
import {
  defaultLogFile,
  NullRequestLogger,
  type RequestLogEntry,
  RequestLogger,
  type RequestLogSink,
} from "./request-logger";
import { HttpTransport, type TransportResponse } from "./transport/http-transport";
import { parseJsonResponse } from "./transport/parse-response";

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const VALID_ACTIONS: ReadonlySet<string> = new Set(Object.values(Action));
const USER_AGENT = "execkit-local-executor/0.1.0";

/** What one standard operation produced, before it becomes an `ExecutionResult`. */
interface OperationOutcome {
  data: unknown;
  meta: Record<string, unknown> | null;
  /** The raw parsed body, for pagination. */
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Runs the operations of a connector.yaml directly against the third-party API: validation, request building,
 * auth (bearer, basic, API key, OAuth2 with refresh), retries, extraction, downloads, health checks, batches and
 * pagination.
 *
 * Execution errors (unknown entity, unsupported or invalid action, missing or invalid parameters) come back in the
 * result with `success: false`; infrastructure failures (network, HTTP status, auth, timeouts, aborts) are thrown
 * as the typed errors of `@execkit/errors`, with every credential redacted.
 *
 * @example
 * ```ts
 * await using executor = new LocalExecutor({ configPath: "stripe/connector.yaml", authConfig: { api_key: new Secret(key) } });
 * const result = await executor.execute("customers", "list", { params: { limit: 10 } });
 * ```
 */
export class LocalExecutor implements ExecutorProtocol, AsyncDisposable {
  /** The connector definition this executor runs. */
  readonly model: ConnectorModel;
  /** Config values in effect: spec defaults, then the caller's, then values extracted from token responses. */
  readonly configValues: Record<string, string>;
  /** Removes every credential (and every refreshed token) from errors and logs. */
  readonly redactor: Redactor;
  /** The selected security scheme's name. */
  readonly authSchemeName: string;
  /** A label for the caller's context. */
  readonly executionContext: string;

  readonly #options: ResolvedOptions;
  readonly #retryConfig: RetryConfig;
  readonly #transport: HttpTransport;
  readonly #auth: AuthSession;
  readonly #logger: RequestLogSink;
  readonly #ownedDispatcher: Agent | undefined;
  readonly #baseUrlTemplate: string;
  /** entity → action → operation; nested maps avoid building a key string on every call. */
  readonly #operations = new Map<string, Map<string, OperationModel>>();
  readonly #entities = new Map<string, EntityModel>();
  #baseUrl = "";
  #baseUrlNoSlash = "";
  /** The base URL parsed once, for the credential scope check every request makes; undefined if unparsable. */
  #baseScope: { origin: string; path: string } | undefined;
  #closed = false;
  #authHeaderNames: ReadonlySet<string> | undefined;

  constructor(options: LocalExecutorOptions) {
    const resolved = parseOptions(options);
    this.#options = resolved;
    this.model = resolved.model ?? loadModel(resolved.configPath!);
    this.executionContext = resolved.executionContext ?? process.env.AIRBYTE_EXECUTION_CONTEXT ?? "direct";
    this.redactor = new Redactor();
    const provided = revealCredentials(resolved.authConfig ?? resolved.secrets);
    for (const value of Object.values(provided)) this.redactor.add(value);
    const scheme = selectSecurityScheme(this.model, provided, resolved.authScheme);
    const secrets = mapCredentials(scheme, provided);
    for (const value of Object.values(secrets)) this.redactor.add(value);
    assertCredentialsComplete(scheme, secrets);
    this.authSchemeName = scheme.name;

    this.configValues = { ...this.model.serverVariableDefaults, ...(resolved.configValues ?? {}) };
    this.#baseUrlTemplate = resolved.baseUrl ?? this.model.baseUrl;
    this.#setBaseUrl(this.#renderBaseUrl());
    this.#retryConfig = resolveRetryConfig(resolved.retryConfig ?? this.model.retryConfig ?? {});

    for (const entity of this.model.entities) {
      this.#entities.set(entity.name, entity);
      for (const operation of entity.operations)
        this.#operationsOf(entity.name).set(operation.action, operation);
    }

    this.#logger = resolved.enableLogging
      ? new RequestLogger({
          maxLogs: resolved.maxLogs,
          logFile: resolved.logFile ?? defaultLogFile(),
          redactor: this.redactor,
          connectorName: this.model.name,
        })
      : new NullRequestLogger();
    this.#ownedDispatcher = resolved.dispatcher
      ? undefined
      : new Agent({ connections: resolved.maxConnections });
    const dispatcher: Dispatcher = resolved.dispatcher ?? this.#ownedDispatcher!;
    const tokenTransport = new HttpTransport({
      dispatcher,
      retryConfig: this.#retryConfig,
      timeoutMs: resolved.timeoutMs,
      redactor: this.redactor,
      logger: this.#logger,
      userAgent: USER_AGENT,
    });
    this.#auth = new AuthSession({
      scheme,
      secrets,
      configValues: this.configValues,
      redactor: this.redactor,
      onTokenRefresh: resolved.onTokenRefresh,
      onConfigValuesChanged: () => {
        this.#setBaseUrl(this.#renderBaseUrl());
      },
      sendTokenRequest: async ({ url, headers, body }, signal) => {
        const response = await tokenTransport.send(
          {
            method: "POST",
            url,
            headers,
            body,
            kind: "token",
            idempotent: false,
            authenticate: false,
            acceptAnyStatus: true,
            retry: false,
          },
          signal,
        );
        return { status: response.status, headers: response.headers, text: response.text ?? "" };
      },
    });
    this.#transport = new HttpTransport({
      dispatcher,
      retryConfig: this.#retryConfig,
      timeoutMs: resolved.timeoutMs,
      redactor: this.redactor,
      logger: this.#logger,
      userAgent: USER_AGENT,
      auth: this.#auth,
    });
  }

  /** The API's base URL with server variables filled in (changes when a token refresh extracts one). */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** The retry settings in effect. */
  get retryConfig(): RetryConfig {
    return this.#retryConfig;
  }

  /** The log entries still in memory (empty unless `enableLogging`). */
  get logs(): readonly RequestLogEntry[] {
    return this.#logger.entries;
  }

  /**
   * Runs one operation. Both call forms are accepted: `execute({ entity, action, params })` and
   * `execute(entity, action, { params, signal })`.
   *
   * Differs from the reference: an invalid action string and `context_store_search` come back as a failed result
   * instead of a `ValueError`/`NotImplementedError` (§10 item 22); a download's status is awaited, so a failed
   * download throws here rather than while the caller reads it (item 15).
   */
  execute(config: ExecutionConfig, options?: CallOptions): Promise<ExecutionResult>;
  execute(entity: string, action: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  async execute(
    configOrEntity: ExecutionConfig | string,
    actionOrOptions?: string | CallOptions,
    maybeOptions?: ExecuteOptions,
  ): Promise<ExecutionResult> {
    let entity: string;
    let action: string;
    let params: Readonly<Record<string, unknown>>;
    let signal: AbortSignal | undefined;
    if (
      typeof configOrEntity === "string" &&
      typeof actionOrOptions === "string" &&
      configOrEntity !== "" &&
      actionOrOptions !== ""
    ) {
      // The common call shape skips schema parsing: it is on every request's path.
      entity = configOrEntity;
      action = actionOrOptions;
      params = maybeOptions?.params ?? {};
      signal = maybeOptions?.signal;
    } else {
      try {
        const { config, options } = normalizeExecuteArguments(configOrEntity, actionOrOptions, maybeOptions);
        ({ entity, action } = config);
        params = config.params ?? {};
        signal = options.signal;
      } catch (error) {
        if (error instanceof TypeError) throw error;
        return failure(`Invalid execution config: ${(error as Error).message}`);
      }
    }
    try {
      return await this.#execute(entity, action, params, signal);
    } catch (error) {
      if (ExecutorError.isInstance(error)) return failure((error as Error).message);
      throw error;
    }
  }

  /**
   * Runs many operations with at most `concurrency` in flight (default 16). Results come back in input order, one
   * per operation; a failure does not stop the others.
   *
   * Pass `onSettled` to follow progress: it is called once per operation as it settles, with the running count
   * and the total.
   *
   * Differs from the reference: its `execute_batch` returned bare data and let the first exception sink the batch.
   *
   * @example
   * ```ts
   * const results = await executor.executeBatch(ids.map((id) => ["customers", "get", { id }] as const), {
   *   concurrency: 32,
   *   onSettled: (_item, done, total) => process.stdout.write(`\r${done}/${total}`),
   * });
   * ```
   */
  executeBatch(
    operations: readonly BatchOperation[],
    options: ExecuteBatchOptions = {},
  ): Promise<BatchItemResult[]> {
    return runBatch(operations, options, (config, signal) =>
      this.execute(config.entity, config.action, { params: config.params, signal }),
    );
  }

  /**
   * Yields every record of a list operation across pages, following the operation's own meta extractors: a next
   * page URL (`@link.next`, `next_page`, `nextRecordsUrl`…), a cursor (`next_cursor`, `endCursor`…) passed back in
   * the matching param, a has-more flag with the last record's id (`starting_after`), or an offset/page number.
   * Throws {@link PaginationLimitError} when more pages remain after `maxPages` (default 100).
   */
  paginate(
    entity: string,
    action: string,
    options: PaginateOptions = {},
  ): AsyncGenerator<unknown, void, undefined> {
    return paginateRecords(
      {
        lookup: (e, a) => this.#lookup(e, a),
        runPage: (operation, params, url, signal) => this.#runPage(operation, params, url, signal),
        redactor: this.redactor,
      },
      entity,
      action,
      options,
    );
  }

  /** Checks connectivity and credentials with the spec's lightweight operation. Never throws. */
  check(options: CallOptions = {}): Promise<ExecutionResult<CheckData>> {
    return runCheck(
      this.model,
      (operation, params, signal) => this.#runOperationForCheck(operation, params, signal),
      options.signal,
    );
  }

  /** Probes each entity's list (else get) operation, resolving parent ids through relationships. Never throws. */
  checkEntities(
    entities: readonly string[],
    options: CallOptions = {},
  ): Promise<ExecutionResult<CheckEntitiesData>> {
    return runCheckEntities(
      this.model,
      this.configValues,
      entities,
      (operation, params, signal) => this.#runOperationForCheck(operation, params, signal),
      options.signal,
    );
  }

  /** Writes the remaining logs and closes the executor's own connection pool. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#logger.close();
    await this.#ownedDispatcher?.close();
  }

  /** Same as {@link LocalExecutor.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #setBaseUrl(url: string): void {
    this.#baseUrl = url;
    this.#baseUrlNoSlash = url.replace(/\/+$/, "");
    try {
      const parsed = new URL(url);
      this.#baseScope = { origin: parsed.origin, path: parsed.pathname.replace(/\/+$/, "") };
    } catch {
      this.#baseScope = undefined;
    }
  }

  #operationsOf(entity: string): Map<string, OperationModel> {
    let actions = this.#operations.get(entity);
    if (!actions) {
      actions = new Map();
      this.#operations.set(entity, actions);
    }
    return actions;
  }

  #renderBaseUrl(): string {
    let url = this.#baseUrlTemplate;
    for (const [name, value] of Object.entries(this.configValues)) url = url.replaceAll(`{${name}}`, value);
    return url;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ExecKitError("This LocalExecutor was closed; create a new one to run more operations.", {
        code: "EXECUTOR_CLOSED",
      });
    }
  }

  #lookup(entityName: string, action: string): OperationModel {
    if (!VALID_ACTIONS.has(action)) {
      throw new ActionNotSupportedError(
        `'${action}' is not a valid action. Valid actions: ${SPEC_ACTIONS.join(", ")}.`,
        { entity: entityName, action, supportedActions: this.#entities.get(entityName)?.actions },
      );
    }
    if (action === Action.CONTEXT_STORE_SEARCH) {
      throw new ActionNotSupportedError(
        "context_store_search is served only by the hosted API; use HostedExecutor for it.",
        { entity: entityName, action },
      );
    }
    const entity = this.#entities.get(entityName);
    if (!entity) {
      const available = [...this.#entities.keys()];
      throw new EntityNotFoundError(
        `Entity '${entityName}' not found. Available entities: ${available.join(", ")}`,
        {
          entity: entityName,
          availableEntities: available,
        },
      );
    }
    const operation = this.#operations.get(entityName)?.get(action);
    if (!operation) {
      throw new ActionNotSupportedError(
        `Action '${action}' is not supported for entity '${entityName}'. Supported actions: ${entity.actions.join(", ")}`,
        { entity: entityName, action, supportedActions: entity.actions },
      );
    }
    return operation;
  }

  #withScoping(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
    if (this.model.scoping.length === 0) return params as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...params };
    for (const rule of this.model.scoping) {
      if (merged[rule.param] === undefined && this.configValues[rule.configKey] !== undefined) {
        merged[rule.param] = this.configValues[rule.configKey];
      }
    }
    return merged;
  }

  async #execute(
    entity: string,
    action: string,
    rawParams: Readonly<Record<string, unknown>>,
    signal?: AbortSignal,
  ): Promise<ExecutionResult> {
    this.#assertOpen();
    const operation = this.#lookup(entity, action);
    const params = this.#withScoping(rawParams);
    if (operation.action === Action.DOWNLOAD) return this.#download(operation, params, signal);
    const outcome = await this.#runStandard(operation, params, undefined, signal);
    return { success: true, data: outcome.data as ExecutionResult["data"], error: null, meta: outcome.meta };
  }

  #runOperationForCheck(
    operation: OperationModel,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    this.#assertOpen();
    const merged = this.#withScoping(params);
    if (operation.action === Action.DOWNLOAD) return this.#probeDownload(operation, merged, signal);
    return this.#runStandard(operation, merged, undefined, signal);
  }

  /** A probe only needs the download's status: read one chunk, then close the connection. */
  async #probeDownload(
    operation: OperationModel,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<ExecutionResult> {
    const result = await this.#download(operation, params, signal);
    if (isDownloadResult(result)) for await (const _chunk of result.data) break;
    return result;
  }

  #runPage(
    operation: OperationModel,
    params: Record<string, unknown>,
    url: string | undefined,
    signal?: AbortSignal,
  ) {
    this.#assertOpen();
    return this.#runStandard(operation, this.#withScoping(params), url, signal);
  }

  #suppliedHeaders(): ReadonlySet<string> {
    this.#authHeaderNames ??= this.#computeSuppliedHeaders();
    return this.#authHeaderNames;
  }

  #computeSuppliedHeaders(): Set<string> {
    const scheme = this.#auth.scheme;
    const names = new Set(
      Object.keys(scheme.authConfig?.additionalHeaders ?? {}).map((name) => name.toLowerCase()),
    );
    if (scheme.authType === "api_key" && (scheme.in ?? "header") === "header")
      names.add((scheme.parameterName ?? "authorization").toLowerCase());
    names.add("authorization");
    return names;
  }

  #absoluteUrl(path: string): string {
    if (path.startsWith("http://") || path.startsWith("https://") || /^https?:\/\//i.test(path)) return path;
    return `${this.#baseUrlNoSlash}${path.startsWith("/") ? path : `/${path}`}`;
  }

  /**
   * A next-page URL from a response is a URL reference (RFC 3986): a root-relative one names a path on the API's
   * host, so it already carries any base path (salesforce's `/services/data/v59.0/query/…`, twilio's
   * `/2010-04-01/…`) and must not be appended to the base URL as a spec path is.
   */
  #nextPageUrl(reference: string): string {
    return reference.startsWith("/")
      ? new URL(reference, this.#baseUrl).toString()
      : this.#absoluteUrl(reference);
  }

  /**
   * Whether credentials may go to `url` (never to a pre-signed file URL on another host, say): same origin as
   * the base URL and a path at or below its path, compared
   * as parsed URLs. A plain prefix test would also match `https://api.example.com.evil.net/…` under a base of
   * `https://api.example.com`, or `/v10` under `/v1`, and send the credentials there.
   */
  #isUnderBaseUrl(url: string): boolean {
    const scope = this.#baseScope;
    if (scope === undefined) return false;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return false;
    }
    if (target.origin !== scope.origin) return false;
    const { pathname } = target;
    return scope.path === "" || pathname === scope.path || pathname.startsWith(`${scope.path}/`);
  }

  #isIdempotent(operation: OperationModel, method: string): boolean {
    return IDEMPOTENT_METHODS.has(method) || READ_ONLY_ACTIONS.has(operation.action);
  }

  async #runStandard(
    operation: OperationModel,
    params: Record<string, unknown>,
    nextUrl: string | undefined,
    signal?: AbortSignal,
  ): Promise<OperationOutcome> {
    let method: string;
    let url: string;
    let headers: Record<string, string>;
    let body: string | Buffer | undefined;
    if (!nextUrl) validateParams(operation, params, { authHeaders: this.#suppliedHeaders() }, this.redactor);
    const pending = this.#auth.ensureFresh(signal);
    if (pending) await pending;
    if (nextUrl) {
      method = "GET";
      url = this.#nextPageUrl(nextUrl);
      headers = buildHeaderParams(operation, params);
    } else {
      const built = buildRequest(operation, params, {
        configValues: this.configValues,
        redactor: this.redactor,
      });
      method = built.method;
      url = appendQuery(this.#absoluteUrl(built.path), built.query);
      headers = built.headers;
      body = built.body;
    }
    const response = await this.#transport.send(
      {
        method,
        url,
        headers,
        body,
        kind: "api",
        idempotent: this.#isIdempotent(operation, method),
        authenticate: this.#isUnderBaseUrl(url),
      },
      signal,
    );
    const parsed = parseJsonResponse(response, method, this.redactor);
    this.#checkResponseError(parsed, response, method);
    return {
      meta: extractMeta(parsed, response.headers, operation),
      data: extractRecords(parsed, operation, this.configValues, this.redactor),
      body: parsed,
      headers: response.headers,
    };
  }

  /** `x-airbyte-response-error-check`: APIs such as Slack answer errors with HTTP 200 and `ok: false`. */
  #checkResponseError(body: unknown, response: TransportResponse, method: string): void {
    const check = this.model.responseErrorCheck;
    if (!check || body === null || typeof body !== "object" || Array.isArray(body)) return;
    const record = body as Record<string, unknown>;
    if (record[check.field] !== check.onValue) return;
    const detail = check.messageField ? record[check.messageField] : undefined;
    throw new ResponseFormatError(`API error: ${detail === undefined ? "unknown error" : String(detail)}`, {
      method,
      url: response.url,
      status: response.status,
      body: response.text,
      redactor: this.redactor,
      code: "API_ERROR_IN_BODY",
    });
  }

  /**
   * One-step downloads fetch the operation's URL; two-step ones (`x-airbyte-file-url`) first fetch metadata and
   * read the file URL from it. The status is awaited before returning, and the body is streamed from the socket.
   *
   * Differs from the reference: it buffered the whole file in memory and raised every error lazily, even "entity
   * not found" (§10 items 14, 15).
   */
  async #download(
    operation: OperationModel,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<ExecutionResult> {
    validateParams(operation, params, { authHeaders: this.#suppliedHeaders() }, this.redactor);
    await this.#auth.ensureFresh(signal);
    const fileHeaders: Record<string, string> = { Accept: "*/*" };
    if (typeof params.range_header === "string" && params.range_header !== "")
      fileHeaders.Range = params.range_header;
    let method: string;
    let url: string;
    let kind: "api" | "file" = "api";
    if (operation.fileUrl) {
      const built = buildRequest(operation, params, {
        configValues: this.configValues,
        redactor: this.redactor,
      });
      // The reference sends no declared header params on the metadata request (§10 item 21); kept.
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(built.headers))
        if (name.toLowerCase() === "content-type") headers[name] = value;
      const metadataUrl = appendQuery(this.#absoluteUrl(built.path), built.query);
      const metadata = await this.#transport.send(
        {
          method: built.method,
          url: metadataUrl,
          headers,
          body: built.body,
          kind: "api",
          idempotent: this.#isIdempotent(operation, built.method),
          authenticate: this.#isUnderBaseUrl(metadataUrl),
        },
        signal,
      );
      const parsed = parseJsonResponse(metadata, built.method, this.redactor);
      this.#checkResponseError(parsed, metadata, built.method);
      method = "GET";
      url = this.#absoluteUrl(
        resolveFileUrl(operation.fileUrl, params, parsed, {
          entity: operation.entity,
          redactor: this.redactor,
        }),
      );
      this.redactor.add(new URL(url).search.slice(1));
      kind = "file";
    } else {
      const built = buildRequest(operation, params, {
        configValues: this.configValues,
        redactor: this.redactor,
        download: true,
      });
      method = built.method;
      url = appendQuery(this.#absoluteUrl(built.path), built.query);
    }
    const response = await this.#transport.send(
      {
        method,
        url,
        headers: fileHeaders,
        kind,
        idempotent: true,
        authenticate: this.#isUnderBaseUrl(url),
        stream: true,
      },
      signal,
    );
    const stream = response.stream!;
    const contentType = response.headers["content-type"] ?? "";
    if (this.model.responseErrorCheck && !fileHeaders.Range && contentType.includes("json")) {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const buffer = Buffer.concat(chunks);
      const text = buffer.toString("utf8");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      this.#checkResponseError(parsed, { ...response, text }, method);
      return { success: true, data: bufferToByteStream(buffer), error: null, meta: null };
    }
    return {
      success: true,
      data: toByteStream(stream, {
        method,
        url,
        redactor: this.redactor,
        signal,
        timeoutMs: this.#options.timeoutMs,
      }),
      error: null,
      meta: null,
    };
  }
}

function failure(message: string): ExecutionResult {
  return { success: false, data: {}, error: message, meta: null };
}

function loadModel(source: string): ConnectorModel {
  return loadConnectorModel(source);
}
