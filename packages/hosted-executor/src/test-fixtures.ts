// Shared by this package's tests only; not exported from index.ts.
import type { ExecutionConfig, ExecutionResult, ExecutorProtocol } from "@execkit/core";
import { type FakeCloud, type FakeCloudOptions, fakeCloudConnector, startFakeCloud } from "@execkit/testing";
import { HostedExecutor } from "./hosted-executor";
import type { HostedExecutorOptions } from "./hosted-options";

/** The application credentials the test cloud accepts. */
export const CLIENT_ID = "client-id-0001";
/** Long and distinctive, so a leak into any error text is found by a plain substring search. */
export const CLIENT_SECRET = "client-secret-5f8c2b9e1d";
/** The connector the test cloud knows, found by id or by workspace `acme` and definition `def-1`. */
export const CONNECTOR = fakeCloudConnector({ id: "conn-1", workspaceName: "acme", definitionId: "def-1" });

/** What the records executor's `download` serves: not valid UTF-8, so a text round trip would show. */
export const DOWNLOAD_BYTES = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0x41, 0x42, 0xc3]);

/**
 * A small in-memory connector behind the fake cloud, for tests about the cloud protocol rather than about
 * connector behaviour (the parity tests put a real LocalExecutor there).
 */
export function recordsExecutor(): ExecutorProtocol & { calls: ExecutionConfig[] } {
  const calls: ExecutionConfig[] = [];
  return {
    calls,
    async execute(config: ExecutionConfig | string): Promise<ExecutionResult> {
      const entry = config as ExecutionConfig;
      calls.push(entry);
      if (entry.entity !== "customers") {
        return { success: false, data: null, error: `Entity '${entry.entity}' not found` };
      }
      if (entry.action === "download") {
        return {
          success: true,
          data: {
            async *[Symbol.asyncIterator]() {
              yield DOWNLOAD_BYTES.subarray(0, 3);
              yield DOWNLOAD_BYTES.subarray(3);
            },
          },
          meta: null,
        };
      }
      if (entry.action === "get")
        return { success: true, data: { id: entry.params?.id ?? null }, meta: null };
      return { success: true, data: [{ id: "c1" }, { id: "c2" }], meta: { next_cursor: "n2" } };
    },
    async check() {
      return { success: true, data: { status: "healthy" as const } };
    },
  };
}

/** Starts a fake cloud that knows {@link CONNECTOR} and the test credentials. */
export function startTestCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  return startFakeCloud({
    clients: { [CLIENT_ID]: CLIENT_SECRET },
    connectors: [CONNECTOR],
    createExecutor: () => recordsExecutor(),
    ...options,
  });
}

/** A HostedExecutor for `cloud`, isolated from the real environment, with fast retries. */
export function hostedFor(cloud: FakeCloud, options: Partial<HostedExecutorOptions> = {}): HostedExecutor {
  return new HostedExecutor({
    airbyteClientId: CLIENT_ID,
    airbyteClientSecret: CLIENT_SECRET,
    connectorId: CONNECTOR.id,
    apiUrl: cloud.url,
    env: {},
    timeoutMs: 5_000,
    retryConfig: { initialDelaySeconds: 0.01, maxDelaySeconds: 1, jitter: false },
    ...options,
  });
}
