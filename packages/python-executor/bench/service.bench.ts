/**
 * The whole service in local mode (prepare, analyze, execute, finalize: folder, context.json, three notebooks,
 * the wrapper subprocess and its files) for `approvedCode` `results = {"x": 1}` with approval off, against a bare
 * `python3 -c pass` process start. Target: median ratio <= 2x. A bare `LocalCodeRunner.run` of the same code is
 * measured too, warm (a spare interpreter waiting, the default) and cold (`warmStart: false`), so the line shows
 * how much of the time is the workflow, the wrapper process and the interpreter's start-up.
 *
 * Before every timed sample the service and the runners are warmed (`warmUp()`), so no spare is still starting
 * in the background while something else is timed: the baseline gets an idle machine, and the service is
 * measured as an agent sees it, with runs seconds apart (code generation takes that long) and a spare ready.
 *
 * Run alone with `pnpm tsx bench/service.bench.ts`, or through `bench/index.ts`, which runs every `*.bench.ts`.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isApprovalInterrupt, LocalCodeRunner, PythonExecutorService } from "../src/index";
import { defaultTestPython } from "../src/testing/jupyter-server";
import { median, time } from "./bench-stats";

/** What one benchmark reports. */
export interface ServiceBenchResult {
  name: string;
  /** Median wall time of one `ainvoke`, ms. */
  serviceMedianMs: number;
  /** Median wall time of one `python3 -c pass`, ms. */
  baselineMedianMs: number;
  /** Median wall time of one bare `LocalCodeRunner.run` (no workflow), ms. */
  runnerMedianMs: number;
  /** The same without a spare interpreter (`warmStart: false`), ms. */
  coldRunnerMedianMs: number;
  ratio: number;
  target: number;
  iterations: number;
}

const CODE = 'results = {"x": 1}';
const WARMUP = 3;
const ITERATIONS = Number(process.env.EXECKIT_BENCH_ITERATIONS ?? 30);
const TARGET = 2;

/** Runs the benchmark and prints one line; resolves with the figures. */
export default async function benchService(): Promise<ServiceBenchResult> {
  const python = defaultTestPython();
  const name = "service: local approvedCode run vs python3 -c pass";
  const root = await mkdtemp(join(tmpdir(), "execkit-bench-service-"));
  const service = new PythonExecutorService({
    executionMethod: "local",
    pythonPath: python,
    executionRoot: root,
    approval: { mode: "disabled" },
  });
  try {
    let run = 0;
    const serviceOnce = async () => {
      run += 1;
      const out = await service.ainvoke(
        { userQuery: "bench", taskObjective: "bench", executionFolderName: "bench", approvedCode: CODE },
        { configurable: { thread_id: `bench-${run}` } },
      );
      if (isApprovalInterrupt(out) || out.executionResult.results.x !== 1)
        throw new Error("unexpected outcome");
    };
    const runner = new LocalCodeRunner({ pythonPath: python });
    const coldRunner = new LocalCodeRunner({ pythonPath: python, warmStart: false });
    const mode = {
      modeName: "read_only",
      kernelName: "python3",
      allowsWrites: false,
      requiresApproval: false,
      description: "",
      environment: {},
    } as const;
    const runnerOnce = (which: LocalCodeRunner) => async () => {
      run += 1;
      const folder = join(root, `runner-${run}`);
      await mkdir(folder, { recursive: true });
      await which.run({
        code: CODE,
        executionFolder: folder,
        attemptFolder: join(folder, "attempts", "01"),
        attempt: 1,
        mode,
        timeoutSeconds: 60,
      });
    };
    const baselineOnce = () =>
      new Promise<void>((done, fail) => {
        execFile(python, ["-c", "pass"], (error) => (error ? fail(error) : done()));
      });
    // Nothing starts in the background while a sample is timed.
    const settle = () => Promise.all([service.warmUp(), runner.warmUp(mode)]);
    for (let i = 0; i < WARMUP; i += 1) {
      await serviceOnce();
      await runnerOnce(runner)();
      await runnerOnce(coldRunner)();
      await baselineOnce();
    }
    // Interleaved, so drift on a shared machine hits every side alike.
    const serviceTimes: number[] = [];
    const runnerTimes: number[] = [];
    const coldRunnerTimes: number[] = [];
    const baselineTimes: number[] = [];
    for (let i = 0; i < ITERATIONS; i += 1) {
      await settle();
      serviceTimes.push(await time(serviceOnce));
      await settle();
      runnerTimes.push(await time(runnerOnce(runner)));
      await settle();
      coldRunnerTimes.push(await time(runnerOnce(coldRunner)));
      await settle();
      baselineTimes.push(await time(baselineOnce));
    }
    await Promise.all([runner.close(), coldRunner.close()]);
    const serviceMedianMs = median(serviceTimes);
    const runnerMedianMs = median(runnerTimes);
    const coldRunnerMedianMs = median(coldRunnerTimes);
    const baselineMedianMs = median(baselineTimes);
    const ratio = serviceMedianMs / baselineMedianMs;
    console.log(
      `${name}: service ${serviceMedianMs.toFixed(1)} ms (bare runner ${runnerMedianMs.toFixed(1)} ms, ` +
        `cold runner ${coldRunnerMedianMs.toFixed(1)} ms), ` +
        `python3 -c pass ${baselineMedianMs.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x ` +
        `(target <= ${TARGET}x, ${ratio <= TARGET ? "met" : "NOT met"}; runner alone ${(runnerMedianMs / baselineMedianMs).toFixed(2)}x; ` +
        `median of ${ITERATIONS})`,
    );
    return {
      name,
      serviceMedianMs,
      runnerMedianMs,
      coldRunnerMedianMs,
      baselineMedianMs,
      ratio,
      target: TARGET,
      iterations: ITERATIONS,
    };
  } finally {
    await service.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchService();
}
