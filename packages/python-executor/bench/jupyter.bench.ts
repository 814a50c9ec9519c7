/**
 * Warm Jupyter kernel: a full `JupyterCodeRunner.run` of `results = {"x": 1}` (attempt files, the wrapper,
 * results and metadata read back) against a raw `execute_request` round trip of the same code on the same kernel
 * over our WebSocket client, without the wrapper. Target: median ratio <= 1.5x.
 *
 * Run alone with `pnpm tsx bench/jupyter.bench.ts`, or through `bench/index.ts`, which runs every `*.bench.ts`.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Redactor } from "@execkit/errors";
import { JupyterCodeRunner } from "../src/execution/jupyter/jupyter-code-runner";
import { parseJupyterEndpoint } from "../src/execution/jupyter/jupyter-endpoint";
import { JupyterRestClient } from "../src/execution/jupyter/jupyter-rest-client";
import { KernelChannel } from "../src/execution/jupyter/kernel-channel";
import type { ExecutionModeConfig } from "../src/execution/types";
import { defaultTestPython, isJupyterAvailable, startJupyterServer } from "../src/testing/jupyter-server";
import { median, time } from "./bench-stats";

/** What one benchmark reports. */
export interface JupyterBenchResult {
  name: string;
  /** Median wall time of one runner run, ms. */
  runnerMedianMs: number;
  /** Median wall time of one raw execute_request round trip, ms. */
  rawMedianMs: number;
  ratio: number;
  target: number;
  iterations: number;
  skipped?: string;
}

const CODE = 'results = {"x": 1}';
const WARMUP = 5;
const ITERATIONS = Number(process.env.EXECKIT_BENCH_ITERATIONS ?? 40);
const TARGET = 1.5;

const mode: ExecutionModeConfig = {
  modeName: "write_access",
  kernelName: "python3",
  allowsWrites: true,
  requiresApproval: false,
  description: "bench",
  environment: {},
};

/** Runs the benchmark and prints one line; resolves with the figures. */
export default async function benchJupyter(): Promise<JupyterBenchResult> {
  const python = defaultTestPython();
  const name = "jupyter: warm kernel run vs raw execute_request";
  if (!(await isJupyterAvailable(python))) {
    const skipped = `${python} cannot import jupyter_server and ipykernel`;
    console.log(`${name}: skipped (${skipped})`);
    return { name, runnerMedianMs: 0, rawMedianMs: 0, ratio: 0, target: TARGET, iterations: 0, skipped };
  }
  const root = await mkdtemp(join(tmpdir(), "execkit-bench-jupyter-"));
  const server = await startJupyterServer({ pythonPath: python, rootDir: root });
  const runner = new JupyterCodeRunner({ baseUrl: server.baseUrl, token: server.token });
  const rest = new JupyterRestClient({ endpoint: runner.endpoint, token: server.token });
  let channel: KernelChannel | undefined;
  try {
    // Execution folders are the workflow's job, not the runner's: they are made before the clock starts.
    const folders: string[] = [];
    for (let i = 0; i <= 1 + WARMUP + ITERATIONS; i += 1) {
      folders.push(join(root, `execution_${i}`));
      await mkdir(folders[i]!, { recursive: true });
    }
    let run = 0;
    const runOnce = async () => {
      const executionFolder = folders[run]!;
      run += 1;
      await runner.run({
        code: CODE,
        executionFolder,
        attemptFolder: join(executionFolder, "attempts", "01"),
        attempt: 1,
        mode,
        timeoutSeconds: 60,
      });
    };
    await runOnce();
    const kernelId = (await runner.kernelIdFor(mode))!;
    channel = await KernelChannel.open({
      endpoint: parseJupyterEndpoint(server.baseUrl),
      kernelId,
      headers: rest.authHeaders,
      redactor: new Redactor([server.token]),
    });
    const raw = channel;
    const rawOnce = async () => {
      const outcome = await raw.execute(CODE).done;
      if (outcome.status !== "ok") throw new Error(`raw execute failed: ${outcome.error?.ename}`);
    };
    for (let i = 0; i < WARMUP; i += 1) {
      await runOnce();
      await rawOnce();
    }
    // Interleaved, so drift on a shared machine hits both sides alike.
    const runnerTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let i = 0; i < ITERATIONS; i += 1) {
      runnerTimes.push(await time(runOnce));
      rawTimes.push(await time(rawOnce));
    }
    const runnerMedianMs = median(runnerTimes);
    const rawMedianMs = median(rawTimes);
    const ratio = runnerMedianMs / rawMedianMs;
    console.log(
      `${name}: runner ${runnerMedianMs.toFixed(2)} ms, raw ${rawMedianMs.toFixed(2)} ms, ` +
        `ratio ${ratio.toFixed(2)}x (target <= ${TARGET}x, ${ratio <= TARGET ? "met" : "NOT met"}; median of ${ITERATIONS})`,
    );
    return { name, runnerMedianMs, rawMedianMs, ratio, target: TARGET, iterations: ITERATIONS };
  } finally {
    await channel?.close();
    await rest.close();
    await runner.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchJupyter();
}
