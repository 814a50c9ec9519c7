/**
 * One process of the download bench (see `download.ts`), by `BENCH_ROLE`: `cloud` serves a fake cloud whose
 * download streams `DOWNLOAD_MIB` of bytes; `raw` and `hosted` read that download once and report their figures.
 */
import type { ExecutionConfig, ExecutionResult, ExecutorProtocol } from "@execkit/core";
import { startFakeCloud } from "@execkit/testing";
import { request } from "undici";
import { HostedExecutor } from "../src/index";

const MIB = 1024 * 1024;
const TOTAL = Number(process.env.DOWNLOAD_MIB ?? 1024) * MIB;
const CLIENT = { id: "bench-client", secret: "bench-secret-0000" };
const CONNECTOR = { id: "bench-connector", workspaceName: "default", definitionId: "bench-definition" };
const DOWNLOAD = { entity: "files", action: "download", params: { id: "f1" } };

/** Produces `TOTAL` bytes for a download, one reused 256 KiB chunk at a time; `[]` for anything else. */
const fileExecutor: ExecutorProtocol = {
  async execute(config: ExecutionConfig | string): Promise<ExecutionResult> {
    if ((config as ExecutionConfig).action !== "download") return { success: true, data: [], meta: null };
    const chunk = Buffer.alloc(256 * 1024, 7);
    return {
      success: true,
      data: {
        async *[Symbol.asyncIterator]() {
          for (let sent = 0; sent < TOTAL; sent += chunk.length) yield chunk;
        },
      },
      meta: null,
    };
  },
  async check() {
    return { success: true, data: { status: "healthy" as const } };
  },
};

/** Reads `body` to the end, sampling RSS; the figures a reader reports. */
async function readAll(open: () => Promise<AsyncIterable<Uint8Array>>) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const started = process.hrtime.bigint();
  let bytes = 0;
  let chunks = 0;
  for await (const chunk of await open()) {
    bytes += chunk.length;
    if (++chunks % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  if (bytes !== TOTAL) throw new Error(`read ${bytes} of ${TOTAL} bytes`);
  return { bytes, seconds, rssGrowthMib: (peak - before) / MIB };
}

async function main(): Promise<void> {
  const role = process.env.BENCH_ROLE;
  if (role === "cloud") {
    const cloud = await startFakeCloud({
      clients: { [CLIENT.id]: CLIENT.secret },
      connectors: [CONNECTOR],
      createExecutor: () => fileExecutor,
    });
    process.send?.({ url: cloud.url });
    process.on("SIGTERM", () => void cloud.close().then(() => process.exit(0)));
    return;
  }
  const apiUrl = process.env.CLOUD_URL!;
  const executor = new HostedExecutor({
    airbyteClientId: CLIENT.id,
    airbyteClientSecret: CLIENT.secret,
    connectorId: CONNECTOR.id,
    apiUrl,
    env: {},
  });
  // Both readers start warm: the token is fetched and a connection is open before measuring.
  await executor.execute({ entity: "files", action: "list" });
  let figures: Awaited<ReturnType<typeof readAll>>;
  if (role === "hosted") {
    figures = await readAll(async () => (await executor.execute(DOWNLOAD)).data as AsyncIterable<Uint8Array>);
  } else {
    const token = await tokenFor(apiUrl);
    figures = await readAll(async () => {
      const response = await request(`${apiUrl}/api/v1/integrations/connectors/${CONNECTOR.id}/execute`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(DOWNLOAD),
      });
      return response.body;
    });
  }
  await executor.close();
  process.send?.(figures, () => process.exit(0));
}

async function tokenFor(apiUrl: string): Promise<string> {
  const response = await request(`${apiUrl}/api/v1/account/applications/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: CLIENT.id, client_secret: CLIENT.secret }),
  });
  return ((await response.body.json()) as { access_token: string }).access_token;
}

await main();
