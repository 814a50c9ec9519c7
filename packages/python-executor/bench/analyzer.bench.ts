/**
 * The static analyzer on 1,000 snippets against `ast.parse` alone of the same snippets, both timed from
 * TypeScript in the same run. Each side is one long-lived python process fed one JSON line per snippet and
 * awaited before the next, so both pay the same pipe and JSON costs and the ratio shows what the analysis adds.
 * Target: ratio <= 2x (the median of three rounds that interleave the two sides, after a warm-up).
 *
 * Run alone with `pnpm tsx bench/analyzer.bench.ts`, or through `bench/index.ts`, which runs every `*.bench.ts`.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { PythonCodeAnalyzer } from "../src/analysis/python-analyzer";
import { defaultTestPython } from "../src/testing/jupyter-server";

/** What the benchmark reports. */
export interface AnalyzerBenchResult {
  name: string;
  snippets: number;
  /** Total ms for all snippets through {@link PythonCodeAnalyzer}, in the median round. */
  analyzerMs: number;
  /** Total ms for all snippets through a bare `ast.parse` loop, in the median round. */
  parseOnlyMs: number;
  ratio: number;
  target: number;
  /** CPU seconds the two python processes used over all rounds, where /proc is available. */
  cpuRatio?: number;
}

const SNIPPETS = Number(process.env.EXECKIT_BENCH_SNIPPETS ?? 1_000);
const ROUNDS = 3;
const TARGET = 2;

// The same line protocol as the analyzer, doing nothing but parse.
const PARSE_ONLY = `
import ast, json, sys
sys.stdout.write(json.dumps({"ready": True}) + "\\n"); sys.stdout.flush()
for raw in sys.stdin.buffer:
    request = json.loads(raw)
    try:
        ast.parse(request["code"], "<generated code>", "exec")
        ok = True
    except SyntaxError:
        ok = False
    sys.stdout.write(json.dumps({"id": request["id"], "ok": ok}) + "\\n"); sys.stdout.flush()
`;

/** Generated-looking analysis code, varied so that no two snippets are the same text. */
export function benchSnippets(count: number): string[] {
  const snippets: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const sector = String((index % 24) + 1).padStart(2, "0");
    const lines = [
      "import numpy as np",
      "import pandas as pd",
      "import matplotlib.pyplot as plt",
      index % 5 === 0 ? "from epics import caget, caput" : "from epics import caget",
      "",
      `pvs = [f"SR:C${sector}:BPM{i}:X" for i in range(${(index % 7) + 3})]`,
      "values = {name: caget(name) for name in pvs}",
      'df = pd.DataFrame({"pv": list(values), "value": list(values.values())})',
      `df["z"] = (df["value"] - df["value"].mean()) / (df["value"].std() + ${index % 3}e-9)`,
      "",
      `def smooth(x, n=${(index % 4) + 2}):`,
      "    kernel = np.ones(n) / n",
      '    return np.convolve(np.asarray(x, dtype=float), kernel, mode="same")',
      "",
      "fig, ax = plt.subplots(figsize=(8, 4))",
      'ax.plot(smooth(df["value"].fillna(0)), label="smoothed")',
      `ax.set_title("Sector ${sector} orbit, run ${index}")`,
      `plt.savefig("figures/orbit_${index}.png")`,
    ];
    if (index % 5 === 0) lines.push(`caput("SR:C${sector}:CORR:SP", float(df["z"].max()))`);
    if (index % 11 === 0) lines.push("import os", 'os.system("ls")');
    if (index % 13 === 0) lines.push('with open("summary.txt", "w") as fh:', "    fh.write(df.to_string())");
    lines.push('results = {"rms": float(np.sqrt((df["value"] ** 2).mean())), "n": int(len(df))}');
    snippets.push(lines.join("\n"));
  }
  return snippets;
}

/** A minimal client for the parse-only process: write a line, wait for its answer. */
async function startParseOnly(
  python: string,
): Promise<{ pid: number | undefined; parse(code: string): Promise<void>; stop(): void }> {
  const child = spawn(python, ["-I", "-B", "-X", "utf8", "-c", PARSE_ONLY], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let buffer = "";
  let waiting: (() => void) | undefined;
  let ready: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });
  let greeted = false;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
      JSON.parse(line);
      if (!greeted) {
        greeted = true;
        ready();
      } else {
        const resolve = waiting;
        waiting = undefined;
        resolve?.();
      }
    }
  });
  await readyPromise;
  let id = 0;
  return {
    pid: child.pid,
    parse(code: string) {
      return new Promise<void>((resolve) => {
        waiting = resolve;
        id += 1;
        child.stdin.write(`${JSON.stringify({ id, code })}\n`);
      });
    },
    stop() {
      child.kill("SIGKILL");
    },
  };
}

/**
 * CPU seconds (user + system) a process has used, from /proc; undefined elsewhere. Wall time on a busy machine
 * mostly measures how soon each process is scheduled, so the CPU figure is printed beside it.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Runs the benchmark and prints one line; resolves with the figures. */
export default async function benchAnalyzer(): Promise<AnalyzerBenchResult> {
  const python = defaultTestPython();
  const name = `analyzer: ${SNIPPETS} snippets vs ast.parse alone`;
  const snippets = benchSnippets(SNIPPETS);
  const analyzer = new PythonCodeAnalyzer({ pythonPath: python });
  const parser = await startParseOnly(python);
  try {
    await analyzer.start();
    for (const code of snippets.slice(0, 100)) {
      await analyzer.analyze(code);
      await parser.parse(code);
    }
    // The two sides alternate snippet by snippet, so a busy machine slows both alike; the round with the
    // median ratio is reported.
    const rounds: { analyzerMs: number; parseOnlyMs: number; flagged: number }[] = [];
    const analyzerPid = analyzer.pid;
    const analyzerCpuBefore = cpuSeconds(analyzerPid);
    const parserCpuBefore = cpuSeconds(parser.pid);
    for (let round = 0; round < ROUNDS; round += 1) {
      let analyzerTotal = 0;
      let parseTotal = 0;
      let flaggedInRound = 0;
      for (const code of snippets) {
        const beforeParse = performance.now();
        await parser.parse(code);
        const beforeAnalyze = performance.now();
        const report = await analyzer.analyze(code);
        const after = performance.now();
        parseTotal += beforeAnalyze - beforeParse;
        analyzerTotal += after - beforeAnalyze;
        if (report.hasHighRisk || report.hasControlSystemWrites) flaggedInRound += 1;
      }
      rounds.push({ analyzerMs: analyzerTotal, parseOnlyMs: parseTotal, flagged: flaggedInRound });
    }
    const analyzerCpuAfter = cpuSeconds(analyzerPid);
    const parserCpuAfter = cpuSeconds(parser.pid);
    const cpuRatio =
      analyzerCpuBefore !== undefined &&
      analyzerCpuAfter !== undefined &&
      parserCpuBefore !== undefined &&
      parserCpuAfter !== undefined &&
      parserCpuAfter > parserCpuBefore
        ? (analyzerCpuAfter - analyzerCpuBefore) / (parserCpuAfter - parserCpuBefore)
        : undefined;
    rounds.sort((left, right) => left.analyzerMs / left.parseOnlyMs - right.analyzerMs / right.parseOnlyMs);
    const { analyzerMs, parseOnlyMs, flagged } = rounds[Math.floor(rounds.length / 2)]!;
    const ratio = analyzerMs / parseOnlyMs;
    console.log(
      `${name}: analyzer ${analyzerMs.toFixed(0)} ms (${((analyzerMs * 1000) / SNIPPETS).toFixed(0)} µs/snippet, ` +
        `${flagged} flagged), ast.parse ${parseOnlyMs.toFixed(0)} ms ` +
        `(${((parseOnlyMs * 1000) / SNIPPETS).toFixed(0)} µs/snippet): ratio ${ratio.toFixed(2)}x ` +
        `(target <= ${TARGET}x, ${ratio <= TARGET ? "met" : "NOT met"}; median of ${ROUNDS} interleaved rounds)` +
        (cpuRatio !== undefined ? `; python CPU time ratio ${cpuRatio.toFixed(2)}x` : ""),
    );
    return { name, snippets: SNIPPETS, analyzerMs, parseOnlyMs, ratio, target: TARGET, cpuRatio };
  } finally {
    parser.stop();
    await analyzer.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchAnalyzer();
}
