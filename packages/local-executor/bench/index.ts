/**
 * Benchmarks of LocalExecutor against raw undici on a loopback server, as ratios measured in one run:
 * 1. `list` of 100 records (~20 KB): median latency, executor / raw `request()` (target <= 1.10x);
 * 2. `executeBatch` of 2,000 operations at concurrency 64: throughput, executor / raw (target >= 0.90x);
 * 3. a 1 GiB download: throughput and peak RSS growth (target <= 64 MiB).
 *
 * Built for a loaded machine: both sides warm up first; latency pairs alternate their order (AB, BA, …) so drift
 * and "who goes first" hit both alike; each round yields its own ratio, and the median ratio of the rounds is
 * reported with the spread, next to the absolute figures. Batch rounds alternate which side runs first and start
 * from a collected heap; besides wall-clock throughput, the batch also reports operations per CPU second of this
 * process, which other load on the machine disturbs far less.
 *
 * Run with `pnpm bench`. Environment: BENCH_ROUNDS (default 9), BENCH_ITERATIONS (latency pairs per round, default
 * 400), BENCH_BATCH (operations per batch, default 2000), BENCH_DOWNLOAD_MIB (default 1024; 0 skips it),
 * BENCH_AA=1 (calibration: a second raw client stands in for the executor, so both ratios should read ~1.00x).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isDownloadResult } from "@execkit/core";
import { Agent, request } from "undici";
import { LocalExecutor } from "../src/index";
import { acmeModel } from "../test/acme-spec";
import { collectGarbage, median, spread } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const PAIRS_PER_ROUND = Number(process.env.BENCH_ITERATIONS ?? 400);
const BATCH = Number(process.env.BENCH_BATCH ?? 2000);
const CONCURRENCY = 64;
const DOWNLOAD_MIB = Number(process.env.BENCH_DOWNLOAD_MIB ?? 1024);
const CALIBRATE = process.env.BENCH_AA === "1";

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

const server = createServer((req, res) => {
  if (req.url?.startsWith("/api/files/")) {
    const mib = req.url.includes("warm") ? 1 : DOWNLOAD_MIB;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(mib * MIB) });
    let sent = 0;
    const pump = () => {
      while (sent < mib) {
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
const twinAgent = new Agent({ connections: 100 });

type ListOutcome = { data: unknown[]; meta: Record<string, unknown> };

/** The baseline: what a hand-written client does for the same call (auth header, JSON parse, data and meta). */
async function rawList(dispatcher: Agent): Promise<ListOutcome> {
  const response = await request(url, {
    dispatcher,
    headers: { authorization: `Bearer ${token}`, accept: "*/*" },
  });
  const body = (await response.body.json()) as { data: unknown[]; next_cursor: unknown; has_more: unknown };
  if (response.statusCode !== 200 || body.data.length !== 100) throw new Error("bad raw response");
  return { data: body.data, meta: { next_cursor: body.next_cursor, has_more: body.has_more } };
}
const raw = () => rawList(rawAgent);

async function executorList(): Promise<ListOutcome> {
  const result = await executor.execute("items", "list", { params: { limit: 100 } });
  if (!result.success || (result.data as unknown[]).length !== 100) throw new Error("bad executor result");
  return { data: result.data as unknown[], meta: result.meta! };
}
const subject = CALIBRATE ? () => rawList(twinAgent) : executorList;

async function latency() {
  for (let i = 0; i < 500; i++) {
    await raw();
    await subject();
  }
  const rawMedians: number[] = [];
  const subjectMedians: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    collectGarbage();
    const rawTimes: number[] = [];
    const subjectTimes: number[] = [];
    for (let i = 0; i < PAIRS_PER_ROUND; i++) {
      // Alternating the order within pairs cancels any advantage of going first (warm socket, cache, GC timing).
      const first = i % 2 === 0 ? raw : subject;
      const second = first === raw ? subject : raw;
      let start = performance.now();
      await first();
      const a = performance.now() - start;
      start = performance.now();
      await second();
      const b = performance.now() - start;
      rawTimes.push(first === raw ? a : b);
      subjectTimes.push(first === raw ? b : a);
    }
    const r = median(rawTimes);
    const s = median(subjectTimes);
    rawMedians.push(r);
    subjectMedians.push(s);
    ratios.push(s / r);
  }
  return { raw: median(rawMedians), subject: median(subjectMedians), ratio: median(ratios), ratios };
}

/** Operations per second of one batch: by the clock, and per second of this process's CPU time. */
interface Rate {
  wall: number;
  cpu: number;
}

function startClock(): () => Rate {
  const start = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wall: BATCH / (wallMs / 1000), cpu: BATCH / ((used.user + used.system) / 1e6) };
  };
}

/** One batch through raw undici: the same concurrency, and every outcome kept in input order like executeBatch. */
async function rawBatch(dispatcher: Agent): Promise<Rate> {
  let next = 0;
  const results: unknown[] = new Array(BATCH);
  const stop = startClock();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < BATCH) {
        const index = next++;
        try {
          results[index] = { status: "fulfilled", index, result: await rawList(dispatcher) };
        } catch (error) {
          results[index] = { status: "rejected", index, error };
        }
      }
    }),
  );
  const rate = stop();
  if (results.some((item) => (item as { status: string }).status !== "fulfilled"))
    throw new Error("raw batch failed");
  return rate;
}

const operations = Array.from({ length: BATCH }, () => ["items", "list", { limit: 100 }] as const);
async function executorBatch(): Promise<Rate> {
  const stop = startClock();
  const results = await executor.executeBatch(operations, { concurrency: CONCURRENCY });
  const rate = stop();
  if (results.some((item) => item.status !== "fulfilled" || !item.result.success))
    throw new Error("executor batch failed");
  return rate;
}

async function throughput() {
  const runRaw = () => rawBatch(rawAgent);
  const runSubject = CALIBRATE ? () => rawBatch(twinAgent) : executorBatch;
  await runRaw();
  await runSubject();
  const rawRates: Rate[] = [];
  const subjectRates: Rate[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Which side runs first alternates, and each run starts from a collected heap: the kept results of one run
    // must not be the next run's garbage-collection bill.
    if (round % 2 === 0) {
      collectGarbage();
      rawRates.push(await runRaw());
      collectGarbage();
      subjectRates.push(await runSubject());
    } else {
      collectGarbage();
      subjectRates.push(await runSubject());
      collectGarbage();
      rawRates.push(await runRaw());
    }
  }
  // Wall-clock rates swing with whatever else the machine runs; CPU time per batch is the steadier measure of the
  // executor's own cost, so both are reported.
  const wallRatios = subjectRates.map((rate, i) => rate.wall / rawRates[i]!.wall);
  const cpuRatios = subjectRates.map((rate, i) => rate.cpu / rawRates[i]!.cpu);
  return {
    raw: median(rawRates.map((rate) => rate.wall)),
    subject: median(subjectRates.map((rate) => rate.wall)),
    rawCpu: median(rawRates.map((rate) => rate.cpu)),
    subjectCpu: median(subjectRates.map((rate) => rate.cpu)),
    ratio: median(wallRatios),
    ratios: wallRatios,
    cpuRatio: median(cpuRatios),
    cpuRatios,
  };
}

async function download() {
  // A small download first, so module loading, JIT and socket buffers are not counted as growth.
  const warm = await executor.execute("files", "download", { params: { file_id: "warm" } });
  if (isDownloadResult(warm)) for await (const _chunk of warm.data);
  collectGarbage();
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
const who = CALIBRATE ? "twin raw (calibration)" : "executor";
try {
  // The download runs first, so its RSS baseline is not inflated by the other phases' garbage.
  const d = DOWNLOAD_MIB > 0 ? await download() : undefined;
  const l = await latency();
  const t = await throughput();
  console.log(
    `list (100 records, ${fmt(listBody.length / 1024, 1)} KB), ${ROUNDS} rounds x ${PAIRS_PER_ROUND} AB/BA pairs: median raw ${fmt(l.raw, 3)} ms, ${who} ${fmt(l.subject, 3)} ms → ${fmt(l.ratio)}x latency (rounds ${spread(l.ratios)}; target <= 1.10x)`,
  );
  console.log(
    `executeBatch ${BATCH.toLocaleString("en")} ops @${CONCURRENCY}, ${ROUNDS} alternating rounds: raw ${fmt(t.raw, 0)} ops/s, ${who} ${fmt(t.subject, 0)} ops/s → ${fmt(t.ratio)}x throughput (rounds ${spread(t.ratios)}; target >= 0.90x)`,
  );
  console.log(
    `executeBatch per CPU second: raw ${fmt(t.rawCpu, 0)} ops, ${who} ${fmt(t.subjectCpu, 0)} ops → ${fmt(t.cpuRatio)}x (rounds ${spread(t.cpuRatios)})`,
  );
  if (d) {
    console.log(
      `download ${DOWNLOAD_MIB} MiB: ${fmt(d.mibPerSecond, 0)} MiB/s, peak RSS growth ${fmt(d.rssGrowthMib, 1)} MiB (target <= 64 MiB)`,
    );
  }
} finally {
  await executor.close();
  await rawAgent.close();
  await twinAgent.close();
  server.closeAllConnections();
  server.close();
}
