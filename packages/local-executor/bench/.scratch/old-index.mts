/**
 * Benchmarks of LocalExecutor against raw undici on a loopback server, as ratios measured in one run:
 * 1. `list` of 100 records (~20 KB): median latency, executor / raw `request()` (target <= 1.10x);
 * 2. `executeBatch` of 2,000 operations at concurrency 64: throughput, executor / raw (target >= 0.90x);
 * 3. a 1 GiB download: throughput and peak RSS growth (target <= 64 MiB).
 * Run with `pnpm bench` (add `--expose-gc` through NODE_OPTIONS for steadier RSS figures).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isDownloadResult } from "@execkit/core";
import { Agent, request } from "undici";
import { LocalExecutor } from "../../src/index";
import { acmeModel } from "../../test/acme-spec";

const records = Array.from({ length: 100 }, (_, i) => ({
  id: `item_${String(i).padStart(6, "0")}`,
  name: `Item number ${i}`,
  description: `Record ${i}: a short description to parse.`,
  private: i % 7 === 0,
  owner: { id: `user_${i % 13}`, email: `user${i % 13}@example.com` },
  tags: ["alpha", "beta"],
  created: 1_700_000_000 + i,
}));
const listBody = Buffer.from(JSON.stringify({ data: records, next_cursor: "c2", has_more: true }));
const MIB = 1 << 20;
const downloadChunk = Buffer.alloc(MIB, 42);
const DOWNLOAD_MIB = Number(process.env.BENCH_DOWNLOAD_MIB ?? 1024);

const server = createServer((req, res) => {
  if (req.url?.startsWith("/api/files/")) {
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(DOWNLOAD_MIB * MIB),
    });
    let sent = 0;
    const pump = () => {
      while (sent < DOWNLOAD_MIB) {
        sent++;
        if (!res.write(downloadChunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
    return;
  }
  res.writeHead(200, { "content-type": "application/json", "content-length": String(listBody.length) });
  res.end(listBody);
});
server.keepAliveTimeout = 10_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const url = `${origin}/api/items?limit=100`;
const token = "bench-token-123456";

const executor = new LocalExecutor({
  model: acmeModel(origin),
  authConfig: { api_key: token },
  maxConnections: 100,
});
const rawAgent = new Agent({ connections: 100 });
const raw = async () => {
  const response = await request(url, {
    dispatcher: rawAgent,
    headers: { authorization: `Bearer ${token}`, accept: "*/*" },
  });
  const body = (await response.body.json()) as { data: unknown[] };
  if (body.data.length !== 100) throw new Error("bad body");
};
const viaExecutor = async () => {
  const result = await executor.execute("items", "list", { params: { limit: 100 } });
  if ((result.data as unknown[]).length !== 100) throw new Error("bad result");
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function latency(iterations: number) {
  for (let i = 0; i < 300; i++) {
    await raw();
    await viaExecutor();
  }
  const rawTimes: number[] = [];
  const executorTimes: number[] = [];
  // Interleaved, so drift (GC, CPU contention from other processes) hits both sides alike.
  for (let i = 0; i < iterations; i++) {
    let start = performance.now();
    await raw();
    rawTimes.push(performance.now() - start);
    start = performance.now();
    await viaExecutor();
    executorTimes.push(performance.now() - start);
  }
  return { raw: median(rawTimes), executor: median(executorTimes) };
}

async function throughput(total: number, concurrency: number) {
  const runRaw = async () => {
    let next = 0;
    // Like executeBatch, the baseline keeps every result until the batch ends (same memory, same GC work).
    const results: unknown[] = new Array(total);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const index = next++;
          results[index] = await raw();
        }
      }),
    );
    return total / ((performance.now() - start) / 1000);
  };
  const runExecutor = async () => {
    const start = performance.now();
    const results = await executor.executeBatch(
      Array.from({ length: total }, () => ["items", "list", { limit: 100 }] as const),
      { concurrency },
    );
    if (results.some((item) => item.status !== "fulfilled" || !item.result.success))
      throw new Error("batch failed");
    return total / ((performance.now() - start) / 1000);
  };
  await runRaw();
  await runExecutor();
  const rawRates: number[] = [];
  const executorRates: number[] = [];
  for (let round = 0; round < 5; round++) {
    rawRates.push(await runRaw());
    executorRates.push(await runExecutor());
  }
  return { raw: median(rawRates), executor: median(executorRates) };
}

async function download() {
  // A small download first, so module loading, JIT and socket buffers are not counted as growth.
  const warm = await executor.execute("files", "download", { params: { file_id: "warm" } });
  if (isDownloadResult(warm)) for await (const _chunk of warm.data);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let bytes = 0;
  const start = performance.now();
  const result = await executor.execute("files", "download", { params: { file_id: "big" } });
  if (!isDownloadResult(result)) throw new Error("not a download");
  let chunks = 0;
  for await (const chunk of result.data) {
    bytes += chunk.byteLength;
    if (++chunks % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const seconds = (performance.now() - start) / 1000;
  if (bytes !== DOWNLOAD_MIB * MIB) throw new Error(`downloaded ${bytes} bytes`);
  return { mibPerSecond: bytes / MIB / seconds, rssGrowthMib: (peak - before) / MIB };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
try {
  // The download runs first, so its RSS baseline is not inflated by the other phases' garbage.
  const d = await download();
  const l = await latency(Number(process.env.BENCH_ITERATIONS ?? 10));
  const t = await throughput(64, 8);
  console.log(
    `list (100 records, ${(listBody.length / 1024).toFixed(1)} KB): median raw ${fmt(l.raw, 3)} ms, executor ${fmt(l.executor, 3)} ms → ${fmt(l.executor / l.raw)}x (target <= 1.10x)`,
  );
  console.log(
    `executeBatch 2,000 ops @64: raw ${fmt(t.raw, 0)} ops/s, executor ${fmt(t.executor, 0)} ops/s → ${fmt(t.executor / t.raw)}x throughput (target >= 0.90x)`,
  );
  console.log(
    `download ${DOWNLOAD_MIB} MiB: ${fmt(d.mibPerSecond, 0)} MiB/s, peak RSS growth ${fmt(d.rssGrowthMib, 1)} MiB (target <= 64 MiB)`,
  );
} finally {
  await executor.close();
  await rawAgent.close();
  server.closeAllConnections();
  server.close();
}
