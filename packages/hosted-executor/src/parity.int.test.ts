import {
  type ConnectorModel,
  type ExecutionResult,
  isDownloadResult,
  loadConnectorModel,
  type OperationModel,
} from "@execkit/core";
import { LocalExecutor } from "@execkit/local-executor";
import {
  describeWithSharedSpecs,
  executorContract,
  type FakeCloud,
  generateParams,
  listSharedSpecs,
  type MockApi,
  primaryScheme,
  startFakeCloud,
  startMockApi,
} from "@execkit/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HostedExecutor } from "./hosted-executor";

const CLIENT = { id: "parity-client", secret: "parity-secret-7d1e" };
/** Quick retries on both sides: upstream faults are retried by the local executor and then by the hosted one. */
const FAST_RETRIES = { maxAttempts: 2, initialDelaySeconds: 0.01, maxDelaySeconds: 0.05, jitter: false };

/** A LocalExecutor for `model` whose every request goes to `mock`. */
function localFor(model: ConnectorModel, mock: MockApi): LocalExecutor {
  const scheme = primaryScheme(model);
  return new LocalExecutor({
    model,
    authConfig: mock.credentials(scheme.name),
    authScheme: model.multiAuth ? scheme.name : undefined,
    configValues: mock.configValues,
    dispatcher: mock.dispatcher,
    retryConfig: FAST_RETRIES,
  });
}

/** What a result is once it has crossed the wire as JSON; `error` and `meta` absent mean null. */
function wireForm(result: { success: boolean; data: unknown; error?: unknown; meta?: unknown }) {
  return JSON.parse(
    JSON.stringify({
      success: result.success,
      data: result.data,
      error: result.error ?? null,
      meta: result.meta ?? null,
    }),
  );
}

/** A result with its download stream (if any) read into one Buffer, so results can be compared. */
async function drained(
  result: ExecutionResult,
): Promise<ExecutionResult | { success: boolean; bytes: Buffer }> {
  if (!isDownloadResult(result)) return result;
  const chunks: Uint8Array[] = [];
  for await (const chunk of result.data) chunks.push(chunk);
  return { success: result.success, bytes: Buffer.concat(chunks) };
}

/** Runs `call`, returning either its result or what it threw, so both sides can be compared. */
async function settle<T>(
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const CONTRACT_SPECS = ["stripe", "linear", "hubspot"];
for (const spec of listSharedSpecs().filter((entry) => CONTRACT_SPECS.includes(entry.name))) {
  const model = loadConnectorModel(spec.file);
  executorContract({
    name: `HostedExecutor on ${spec.name} (fake cloud → LocalExecutor → mock API)`,
    model,
    setup: async () => {
      const mock = await startMockApi(model);
      const connector = { id: `conn-${spec.name}`, workspaceName: "default", definitionId: model.id };
      const cloud = await startFakeCloud({
        clients: { [CLIENT.id]: CLIENT.secret },
        connectors: [connector],
        createExecutor: () => localFor(model, mock),
      });
      const executor = new HostedExecutor({
        airbyteClientId: CLIENT.id,
        airbyteClientSecret: CLIENT.secret,
        connectorDefinitionId: model.id,
        model,
        apiUrl: cloud.url,
        env: {},
        retryConfig: FAST_RETRIES,
      });
      return {
        executor,
        mock,
        teardown: async () => {
          await executor.close();
          await mock.close();
          await cloud.close();
        },
      };
    },
  });
}

describeWithSharedSpecs("parity: hosted result equals local result, operation by operation", (specs) => {
  let cloud: FakeCloud;
  const locals = new Map<string, { model: ConnectorModel; mock: MockApi; local: LocalExecutor }>();
  let compared = 0;
  let succeeded = 0;
  let downloads = 0;

  beforeAll(async () => {
    cloud = await startFakeCloud({
      clients: { [CLIENT.id]: CLIENT.secret },
      // The cloud's own executor for a connector is a second LocalExecutor on the same mock API.
      createExecutor: (connector) => {
        const entry = locals.get(connector.id)!;
        return localFor(entry.model, entry.mock);
      },
    });
  });

  afterAll(async () => {
    for (const { mock, local } of locals.values()) {
      await local.close();
      await mock.close();
    }
    await cloud?.close();
    // The sample must be large enough to mean something: at least 200 operations, most of them successes.
    console.info(
      `parity: ${compared} operations compared, ${succeeded} of them successful on both sides, ${downloads} downloads`,
    );
    expect(compared).toBeGreaterThanOrEqual(200);
    expect(succeeded).toBeGreaterThanOrEqual(200);
  });

  for (const spec of specs) {
    it(`${spec.name}: every operation`, { timeout: 120_000 }, async () => {
      const model = loadConnectorModel(spec.file);
      const mock = await startMockApi(model);
      const local = localFor(model, mock);
      locals.set(spec.name, { model, mock, local });
      cloud.addConnector({ id: spec.name, workspaceName: `ws-${spec.name}`, definitionId: model.id });
      await using hosted = new HostedExecutor({
        airbyteClientId: CLIENT.id,
        airbyteClientSecret: CLIENT.secret,
        workspaceName: `ws-${spec.name}`,
        connectorDefinitionId: model.id,
        apiUrl: cloud.url,
        env: {},
        retryConfig: FAST_RETRIES,
      });
      const operations: readonly OperationModel[] = model.operations;
      const mismatches: string[] = [];
      for (const operation of operations) {
        const params = generateParams(operation, model);
        const config = { entity: operation.entity, action: operation.action, params };
        mock.preferOperation(operation.entity, operation.action);
        const direct = await settle(async () => drained(await local.execute(config)));
        mock.preferOperation(operation.entity, operation.action);
        const proxied = await settle(async () => drained(await hosted.execute(config)));
        compared += 1;
        const id = `${operation.entity}.${operation.action}`;
        if (direct.ok && proxied.ok) {
          if (direct.value.success) succeeded += 1;
          if ("bytes" in direct.value) downloads += 1;
          const expected = "bytes" in direct.value ? direct.value : wireForm(direct.value);
          try {
            expect(proxied.value).toEqual(expected);
          } catch {
            mismatches.push(
              `${id}: local ${JSON.stringify(expected).slice(0, 300)} hosted ${JSON.stringify(proxied.value).slice(0, 300)}`,
            );
          }
        } else if (direct.ok !== proxied.ok) {
          mismatches.push(
            `${id}: local ${direct.ok ? "returned" : `threw ${errorName(direct.error)}`}, hosted ${proxied.ok ? "returned" : `threw ${errorName(proxied.error)}`}`,
          );
        }
      }
      mock.preferOperation(undefined);
      expect(mismatches).toEqual([]);
    });
  }
});
