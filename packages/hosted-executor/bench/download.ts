/**
 * The download bench: a 1 GiB file through the fake cloud, read by HostedExecutor and, as the baseline, by a raw
 * undici POST; the hosted reader's peak RSS growth should stay close to the raw one's, whatever the file size. The cloud and each reader run in processes of their own (forks of `download-worker.ts`), so each
 * reader's peak RSS growth is its own and neither starts on a heap the other left behind.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a reader process reports. */
export interface DownloadFigures {
  bytes: number;
  seconds: number;
  rssGrowthMib: number;
}

const WORKER = fileURLToPath(new URL("./download-worker.ts", import.meta.url));
export const DOWNLOAD_MIB = Number(process.env.DOWNLOAD_MIB ?? 1024);

function start<T>(role: string, env: Record<string, string> = {}): { result: Promise<T>; stop: () => void } {
  const child = fork(WORKER, [], {
    env: { ...process.env, BENCH_ROLE: role, DOWNLOAD_MIB: String(DOWNLOAD_MIB), ...env },
    execArgv: ["--import", "tsx"],
  });
  const result = new Promise<T>((resolve, reject) => {
    child.once("message", (message) => resolve(message as T));
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`bench worker ${role} exited with ${code} before reporting`)),
    );
  });
  return { result, stop: () => child.kill() };
}

export async function measureDownload(): Promise<void> {
  const cloud = start<{ url: string }>("cloud");
  try {
    const { url } = await cloud.result;
    // Two rounds, alternating, keeping each reader's faster round: the cloud process warms up in the first.
    const rounds: Record<"raw" | "hosted", DownloadFigures[]> = { raw: [], hosted: [] };
    for (const role of ["raw", "hosted", "hosted", "raw"] as const) {
      rounds[role].push(await start<DownloadFigures>(role, { CLOUD_URL: url }).result);
    }
    const best = (list: DownloadFigures[]) => list.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const raw = best(rounds.raw);
    const hosted = best(rounds.hosted);
    const throughput = (figures: DownloadFigures) => figures.bytes / 1024 / 1024 / figures.seconds;
    const growth = (list: DownloadFigures[]) => Math.max(...list.map((figures) => figures.rssGrowthMib));
    console.log(
      `hosted-executor bench, ${DOWNLOAD_MIB} MiB download through the fake cloud (separate processes):`,
    );
    console.log(
      `  raw undici POST (baseline)   ${throughput(raw).toFixed(0)} MiB/s   peak RSS growth ${growth(rounds.raw).toFixed(1)} MiB`,
    );
    console.log(
      `  HostedExecutor download      ${throughput(hosted).toFixed(0)} MiB/s   peak RSS growth ${growth(rounds.hosted).toFixed(1)} MiB`,
    );
    const memory = growth(rounds.hosted) / growth(rounds.raw);
    console.log(
      `  throughput ratio (hosted / raw): ${(throughput(hosted) / throughput(raw)).toFixed(2)}x; ` +
        `RSS growth ratio: ${memory.toFixed(2)}x   target <= 2x ${memory <= 2 ? "OK" : "MISSED"} ` +
        "(a buffered read grows by the whole file)",
    );
  } finally {
    cloud.stop();
  }
}
