import assert from "node:assert/strict";
import type {
  Action,
  ConnectorModel,
  ExecutionResult,
  ExecutorProtocol,
  OperationModel,
} from "@execkit/core";
import { AuthenticationError, HTTPStatusError, RateLimitError, RequestAbortedError } from "@execkit/errors";
// @vitest/runner rather than vitest: vitest throws when imported outside a test run, and this package's servers
// are also used by benchmarks and demos. Assertions use node:assert, which vitest reports like its own.
import { afterAll, afterEach, beforeAll, describe, it } from "@vitest/runner";
import { generateParams } from "./generate-params";
import { isPlainObject } from "./json-path";
import type { MockApi } from "./mock-api";

/** What a contract run needs: the executor under test and the mock API behind it. */
export interface ExecutorContractFixture {
  readonly executor: ExecutorProtocol;
  /** The mock the executor's requests end up at (for a hosted executor: the one behind the fake cloud). */
  readonly mock: MockApi;
  /** Stops whatever `setup` started (the executor, servers); the contract closes nothing itself. */
  readonly teardown?: () => Promise<void>;
}

/** Options of {@link executorContract}. */
export interface ExecutorContractOptions {
  /** Names the suite, e.g. `LocalExecutor on stripe`. */
  readonly name: string;
  /** The connector the executor runs; the contract picks its operations from it. */
  readonly model: ConnectorModel;
  /** Builds the executor and its mock once for the suite. */
  readonly setup: () => Promise<ExecutorContractFixture>;
  /** The operation used for successful calls; default: the check operation, else the first list or get. */
  readonly operation?: {
    readonly entity: string;
    readonly action: string;
    readonly params?: Record<string, unknown>;
  };
  /** Per-test timeout. Default 30 s (the upstream-error tests wait out the executor's retries). */
  readonly timeoutMs?: number;
}

/**
 * Registers a vitest suite every {@link ExecutorProtocol} must pass: both `execute` call forms give equal
 * results; unknown entities, unsupported or invalid actions and missing required params come back as
 * `success: false` with an error that names the culprit; a mixed call form is a `TypeError`; `check()` is
 * healthy and names what it checked; an aborted signal rejects with `RequestAbortedError`; an upstream 401, 429
 * or 500 surfaces as `AuthenticationError`, `RateLimitError` or `HTTPStatusError`.
 *
 * @example
 * ```ts
 * executorContract({
 *   name: "LocalExecutor on stripe",
 *   model,
 *   setup: async () => {
 *     const mock = await startMockApi(model);
 *     const executor = new LocalExecutor({ model, authConfig: mock.credentials("bearerAuth"), dispatcher: mock.dispatcher });
 *     return { executor, mock, teardown: async () => { await executor.close(); await mock.close(); } };
 *   },
 * });
 * ```
 */
export function executorContract(options: ExecutorContractOptions): void {
  const { model } = options;
  const timeout = options.timeoutMs ?? 30_000;
  const target: { entity: string; action: string; params?: Record<string, unknown> } =
    options.operation ?? defaultOperation(model);
  const operation = model.operations.find((op) => op.entity === target.entity && op.action === target.action);
  const params = target.params ?? (operation ? generateParams(operation, model) : {});
  const missing = operationWithRequiredParam(model);
  const unsupported = entityWithoutAction(model);

  describe(`executor contract: ${options.name}`, () => {
    let fixture: ExecutorContractFixture | undefined;
    const use = (): ExecutorContractFixture => {
      if (fixture === undefined) throw new Error("executorContract: setup() did not complete");
      return fixture;
    };

    beforeAll(async () => {
      fixture = await options.setup();
    }, timeout);

    afterEach(() => {
      fixture?.mock.clearFaults();
      fixture?.mock.preferOperation(undefined);
    });

    afterAll(async () => {
      await fixture?.teardown?.();
    }, timeout);

    it(
      "runs an operation and returns the records and meta the extractors select",
      async () => {
        const { executor, mock } = use();
        mock.preferOperation(target.entity, target.action);
        const result = await executor.execute({ entity: target.entity, action: target.action, params });
        assert.equal(result.error ?? null, null, "the operation should succeed");
        assert.equal(result.success, true);
        const expected = mock.expectedResult(target.entity, target.action);
        if (!expected.templated) assert.deepEqual(result.data, expected.data);
        if (expected.meta !== null) assert.deepEqual(result.meta, expected.meta);
      },
      timeout,
    );

    it(
      "gives equal results for execute(config) and execute(entity, action, { params })",
      async () => {
        const { executor, mock } = use();
        mock.preferOperation(target.entity, target.action);
        const first = await executor.execute({ entity: target.entity, action: target.action, params });
        const second = await executor.execute(target.entity, target.action, { params });
        assert.deepEqual(comparable(second), comparable(first));
      },
      timeout,
    );

    it(
      "returns success:false naming an unknown entity and the entities there are",
      async () => {
        const result = await use().executor.execute({ entity: "no_such_entity", action: "list", params: {} });
        assert.equal(result.success, false);
        assertMentions(result.error, "no_such_entity");
        assertMentions(result.error, model.entities[0]!.name);
      },
      timeout,
    );

    it.runIf(unsupported !== undefined)(
      "returns success:false for an action the entity does not support",
      async () => {
        const { entity, action } = unsupported!;
        const result = await use().executor.execute({ entity, action, params: {} });
        assert.equal(result.success, false);
        assertMentions(result.error, action);
      },
      timeout,
    );

    it(
      "returns success:false for an action string that is not an action at all",
      async () => {
        const result = await use().executor.execute({
          entity: target.entity,
          action: "bogus_action",
          params: {},
        });
        assert.equal(result.success, false);
        assertMentions(result.error, "bogus_action");
      },
      timeout,
    );

    it.runIf(missing !== undefined)(
      "returns success:false naming a missing required param, before any request",
      async () => {
        const { executor, mock } = use();
        const { operation: op, param } = missing!;
        const before = mock.requests.length;
        const given = generateParams(op, model);
        delete given[param];
        const result = await executor.execute({ entity: op.entity, action: op.action, params: given });
        assert.equal(result.success, false);
        assertMentions(result.error, param);
        assert.equal(
          mock.requests.slice(before).filter((r) => r.kind === "api").length,
          0,
          "no request may be sent",
        );
      },
      timeout,
    );

    it(
      "throws a TypeError for a mixed or incomplete call form",
      async () => {
        const executor = use().executor as unknown as {
          execute(...args: unknown[]): Promise<ExecutionResult>;
        };
        await assert.rejects(
          (async () => executor.execute({ entity: target.entity, action: target.action }, target.action))(),
          TypeError,
        );
        await assert.rejects((async () => executor.execute(target.entity))(), TypeError);
      },
      timeout,
    );

    it(
      "check() reports healthy and names the entity and action it checked",
      async () => {
        const result = await use().executor.check();
        assert.equal(result.data.error ?? null, null, "check should not fail");
        assert.equal(result.success, true);
        assert.equal(result.data.status, "healthy");
        assert.equal(typeof result.data.checked_entity, "string");
        assert.equal(typeof result.data.checked_action, "string");
        assert.ok(
          model.entities.some((e) => e.name === result.data.checked_entity),
          "checked_entity is an entity of the model",
        );
      },
      timeout,
    );

    it(
      "rejects with RequestAbortedError when the signal is already aborted",
      async () => {
        const { executor } = use();
        const controller = new AbortController();
        controller.abort();
        const error = await executor
          .execute({ entity: target.entity, action: target.action, params }, { signal: controller.signal })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(RequestAbortedError.isInstance(error), describeError(error));
      },
      timeout,
    );

    it(
      "rejects with RequestAbortedError when the signal aborts a request in flight",
      async () => {
        const { executor, mock } = use();
        mock.preferOperation(target.entity, target.action);
        mock.inject({ match: { kind: "api" }, delayMs: 10_000, times: Number.POSITIVE_INFINITY });
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 150);
        const error = await executor
          .execute(target.entity, target.action, { params, signal: controller.signal })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(RequestAbortedError.isInstance(error), describeError(error));
        assert.ok(Date.now() - started < 5_000, "the abort should end the call at once");
      },
      timeout,
    );

    for (const [status, label, check] of [
      [401, "AuthenticationError", (e: unknown) => AuthenticationError.isInstance(e)],
      [429, "RateLimitError", (e: unknown) => RateLimitError.isInstance(e)],
      [
        500,
        "HTTPStatusError",
        (e: unknown) => HTTPStatusError.isInstance(e) && (e as HTTPStatusError).status === 500,
      ],
    ] as const) {
      it(
        `surfaces an upstream ${status} as ${label}`,
        async () => {
          const { executor, mock } = use();
          mock.preferOperation(target.entity, target.action);
          mock.inject({
            match: (request) => request.kind === "api" || request.kind === "token",
            status,
            headers: status === 429 ? { "retry-after": "0" } : {},
            body: { error: `upstream says ${status}` },
            times: Number.POSITIVE_INFINITY,
          });
          const error = await executor.execute({ entity: target.entity, action: target.action, params }).then(
            (result) => result,
            (e: unknown) => e,
          );
          assert.ok(check(error), describeError(error));
        },
        timeout,
      );
    }
  });
}

/** The check operation when it is a list or get, else the first list, else the first get. */
function defaultOperation(model: ConnectorModel): { entity: string; action: Action } {
  const preferred = model.operations.find(
    (op) => op.preferredForCheck && (op.action === "list" || op.action === "get"),
  );
  const chosen =
    preferred ??
    model.operations.find((op) => op.action === "list") ??
    model.operations.find((op) => op.action === "get") ??
    model.operations[0];
  if (chosen === undefined) throw new TypeError(`executorContract: ${model.name} has no operations`);
  return { entity: chosen.entity, action: chosen.action };
}

/**
 * An operation with a required param that neither scoping nor config fills in: a path param when the spec has
 * one, else a required query param without a default (GraphQL specs such as linear declare their inputs so).
 */
function operationWithRequiredParam(
  model: ConnectorModel,
): { operation: OperationModel; param: string } | undefined {
  const scoped = new Set(model.scoping.map((rule) => rule.param));
  const candidates = model.operations.filter((operation) => operation.action !== "download");
  const filledElsewhere = (p: OperationModel["parameters"][number]) =>
    scoped.has(p.name) || p.configInject !== undefined;
  for (const operation of candidates) {
    const param = operation.parameters.find((p) => p.in === "path" && !filledElsewhere(p));
    if (param !== undefined) return { operation, param: param.name };
  }
  for (const operation of candidates) {
    const param = operation.parameters.find(
      (p) => p.in === "query" && p.required && p.default === undefined && !filledElsewhere(p),
    );
    if (param !== undefined) return { operation, param: param.name };
  }
  return undefined;
}

function entityWithoutAction(model: ConnectorModel): { entity: string; action: string } | undefined {
  for (const entity of model.entities) {
    for (const action of ["delete", "update", "create", "get", "list"]) {
      if (!entity.actions.includes(action as Action)) return { entity: entity.name, action };
    }
  }
  return undefined;
}

/** Results without streams, so two runs compare by value. */
function comparable(result: ExecutionResult): unknown {
  const data = result.data;
  if (data !== null && typeof data === "object" && Symbol.asyncIterator in data)
    return { ...result, data: "<stream>" };
  return {
    success: result.success,
    data,
    error: result.error ?? null,
    meta: isPlainObject(result.meta) ? result.meta : null,
  };
}

function assertMentions(message: string | null | undefined, word: string): void {
  assert.ok(
    typeof message === "string" && message.includes(word),
    `error ${JSON.stringify(message)} should mention "${word}"`,
  );
}

function describeError(error: unknown): string {
  if (error === undefined) return "the call resolved instead of rejecting";
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `resolved with ${JSON.stringify(error)}`;
}
