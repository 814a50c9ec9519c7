/**
 * Hosted execute against the fake cloud, compared with a raw undici POST of the same body to the same endpoint,
 * measured in the same run (interleaved, so drift hits both alike). Prints the median latency ratio (target
 * ≤ 1.10×) and token requests per 1,000 executes (target 1), for two clouds:
 *
 * - `stub`: the cloud answers from a constant, so a call costs only the HTTP round trip and the ratio shows
 *   the executor's own overhead at its most visible;
 * - `local`: the cloud runs a real LocalExecutor against the mock API of the stripe spec, as the fake cloud is
 *   meant to be used (skipped when the shared specs are absent).
 *
 * First, a 1 GiB download through the fake cloud (see `download.ts`): throughput and peak RSS growth against a
 * raw undici POST streaming the same body. RSS growth ratio target <= 2x; a buffered read grows by the whole
 * file, about 16x.
 *
 * Run: pnpm --filter @execkit/hosted-executor bench  (ITERATIONS=5000 to measure longer)
 */
import {
  type ExecutionConfig,
  type ExecutionResult,
  type ExecutorProtocol,
  loadConnectorModel,
} from "@execkit/core";
import { LocalExecutor } from "@execkit/local-executor";
import { listSharedSpecs, primaryScheme, startFakeCloud, startMockApi } from "@execkit/testing";
import { Agent, request } from "undici";
import { HostedExecutor } from "../src/index";
import { measureDownload } from "./download";

const ITERATIONS = Number(process.env.ITERATIONS ?? 2_000);
const WARMUP = 200;
const CLIENT = { id: "bench-client", secret: "bench-secret-0000" };
const CONNECTOR = { id: "bench-connector", workspaceName: "default", definitionId: "bench-definition" };
const CONFIG = { entity: "customers", action: "list", params: { limit: 10 } };
const RECORDS = Array.from({ length: 10 }, (_, index) => ({
  id: `cus_${index}`,
  email: `user${index}@example.com`,
}));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const stubExecutor: ExecutorProtocol = {
  async execute(config: ExecutionConfig | string): Promise<ExecutionResult> {
    void config;
    return { success: true, data: RECORDS, meta: { next_cursor: null } };
  },
  async check() {
    return { success: true, data: { status: "healthy" as const } };
  },
};

interface Scenario {
  name: string;
  executor: () => ExecutorProtocol;
  config: { entity: string; action: string; params: Record<string, unknown> };
  close?: () => Promise<void>;
}

async function main(): Promise<void> {
  await measureDownload();
  await measure({ name: "stub cloud (constant answer)", executor: () => stubExecutor, config: CONFIG });
  const stripe = listSharedSpecs().find((spec) => spec.name === "stripe");
  if (!stripe) {
    console.log("local cloud scenario skipped: shared specs not found (set EXECKIT_SHARED_DIR)");
    return;
  }
  const model = loadConnectorModel(stripe.file);
  const mock = await startMockApi(model);
  const scheme = primaryScheme(model);
  const local = new LocalExecutor({
    model,
    authConfig: mock.credentials(scheme.name),
    authScheme: model.multiAuth ? scheme.name : undefined,
    configValues: mock.configValues,
    dispatcher: mock.dispatcher,
  });
  try {
    await measure({
      name: "cloud running LocalExecutor on stripe (customers.list)",
      executor: () => local,
      config: { entity: "customers", action: "list", params: { limit: 10 } },
    });
  } finally {
    await local.close();
    await mock.close();
  }
}

async function measure(scenario: Scenario): Promise<void> {
  const CONFIG = scenario.config;
  const cloud = await startFakeCloud({
    clients: { [CLIENT.id]: CLIENT.secret },
    connectors: [CONNECTOR],
    createExecutor: scenario.executor,
  });
  const executor = new HostedExecutor({
    airbyteClientId: CLIENT.id,
    airbyteClientSecret: CLIENT.secret,
    connectorId: CONNECTOR.id,
    apiUrl: cloud.url,
    env: {},
  });
  const agent = new Agent();
  try {
    // Token requests per 1,000 executes: a fresh executor, so its first token fetch is counted.
    const tokensBefore = cloud.requestsTo("token").length;
    for (let i = 0; i < 1_000; i++) await executor.execute(CONFIG);
    const tokenRequests = cloud.requestsTo("token").length - tokensBefore;

    const token = cloud.issuedTokens.at(-1)!;
    const url = `${cloud.url}/api/v1/integrations/connectors/${CONNECTOR.id}/execute`;
    const body = JSON.stringify({ entity: CONFIG.entity, action: CONFIG.action, params: CONFIG.params });
    const headers = {
      accept: "*/*",
      "x-adp-agent-sdk": "airbyte-agent-sdk",
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    };
    const raw = async () => {
      const response = await request(url, { method: "POST", headers, body, dispatcher: agent });
      const parsed = JSON.parse(await response.body.text()) as { result: unknown };
      if (response.statusCode !== 200 || !parsed.result)
        throw new Error(`raw POST failed: ${response.statusCode}`);
    };
    const hosted = async () => {
      const result = await executor.execute(CONFIG);
      if (!result.success) throw new Error("hosted execute failed");
    };

    for (let i = 0; i < WARMUP; i++) {
      await raw();
      await hosted();
    }
    cloud.clearRequests();
    const rawTimes: number[] = [];
    const hostedTimes: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      // Alternate which goes first, so neither always runs on a warmer connection.
      const order = i % 2 === 0 ? [hosted, raw] : [raw, hosted];
      for (const run of order) {
        const started = process.hrtime.bigint();
        await run();
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        (run === hosted ? hostedTimes : rawTimes).push(elapsed);
      }
      cloud.clearRequests();
    }

    const ratio = median(hostedTimes) / median(rawTimes);
    const rows = [
      ["raw undici POST (baseline)", median(rawTimes), percentile(rawTimes, 90)],
      ["HostedExecutor.execute", median(hostedTimes), percentile(hostedTimes, 90)],
    ] as const;
    console.log(
      `hosted-executor bench, ${scenario.name}: ${ITERATIONS} interleaved iterations after ${WARMUP} warm-up`,
    );
    for (const [name, p50, p90] of rows) {
      console.log(`  ${name.padEnd(28)} median ${p50.toFixed(3)} ms   p90 ${p90.toFixed(3)} ms`);
    }
    console.log(
      `  median latency ratio (hosted / raw): ${ratio.toFixed(3)}x   target <= 1.10x ${ratio <= 1.1 ? "OK" : "MISSED"}`,
    );
    console.log(
      `  token requests per 1,000 executes: ${tokenRequests}   target 1 ${tokenRequests === 1 ? "OK" : "MISSED"}`,
    );
  } finally {
    await executor.close();
    await agent.close();
    await cloud.close();
  }
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
