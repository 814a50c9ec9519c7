import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ContainerConfigurationError, WorkflowError } from "@execkit/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonAssetPath } from "../python-assets";
import { defaultTestPython } from "../testing/jupyter-server";
import { BENIGN_SNIPPETS, type CorpusCase, DANGEROUS_SNIPPETS } from "./corpus";
import { isAnalysisAborted, PythonCodeAnalyzer } from "./python-analyzer";
import type { AnalysisReport } from "./types";

const PYTHON = defaultTestPython();
const PYTHON_VERSION = execFileSync(PYTHON, [
  "-c",
  "import sys; print(sys.version_info[0], sys.version_info[1])",
])
  .toString()
  .trim()
  .split(" ")
  .map(Number);

/** Whether the interpreter's grammar parses the snippet (`match` statements need Python 3.10). */
function parsesHere(testCase: CorpusCase): boolean {
  const [major, minor] = testCase.minPython ?? [3, 8];
  const [haveMajor = 0, haveMinor = 0] = PYTHON_VERSION;
  return haveMajor > major || (haveMajor === major && haveMinor >= minor);
}

function summary(report: AnalysisReport): string[] {
  return report.findings.map((finding) => `${finding.line}:${finding.rule}:${finding.severity}`).sort();
}

function expectedSummary(testCase: CorpusCase): string[] {
  return testCase.expected.map((finding) => `${finding.line}:${finding.rule}:${finding.severity}`).sort();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("PythonCodeAnalyzer on the corpus (one real analyzer process)", () => {
  const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON });
  const pids = new Set<number | undefined>();

  beforeAll(async () => {
    await analyzer.start();
    pids.add(analyzer.pid);
  });

  afterAll(async () => {
    const pid = analyzer.pid;
    await analyzer.close();
    if (pid !== undefined) expect(isAlive(pid)).toBe(false);
  });

  it("has at least 300 dangerous and 200 benign snippets, each with a distinct name", () => {
    expect(DANGEROUS_SNIPPETS.length).toBeGreaterThanOrEqual(300);
    expect(BENIGN_SNIPPETS.length).toBeGreaterThanOrEqual(200);
    const names = [...DANGEROUS_SNIPPETS, ...BENIGN_SNIPPETS].map((testCase) => testCase.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(DANGEROUS_SNIPPETS.filter(parsesHere).map((testCase) => [testCase.name, testCase] as const))(
    "flags: %s",
    async (_name, testCase) => {
      const report = await analyzer.analyze(testCase.code);
      pids.add(analyzer.pid);
      expect(report.syntaxValid).toBe(true);
      expect(summary(report)).toEqual(expectedSummary(testCase));
      // Every dangerous snippet must be something the policy acts on: a risky finding or a control-system write.
      expect(
        report.hasHighRisk ||
          report.hasControlSystemWrites ||
          report.findings.some((f) => f.severity === "medium"),
      ).toBe(true);
    },
  );

  it.each(BENIGN_SNIPPETS.filter(parsesHere).map((testCase) => [testCase.name, testCase] as const))(
    "does not flag: %s",
    async (_name, testCase) => {
      const report = await analyzer.analyze(testCase.code);
      pids.add(analyzer.pid);
      expect(report.syntaxValid).toBe(true);
      expect(summary(report)).toEqual(expectedSummary(testCase));
      expect(report.hasHighRisk).toBe(false);
      expect(report.hasControlSystemWrites).toBe(false);
      expect(report.findings.filter((finding) => finding.severity !== "low")).toEqual([]);
    },
  );

  it("served every snippet from the same process", () => {
    expect(pids.size).toBe(1);
    expect([...pids][0]).toBeTypeOf("number");
  });

  it("resolves aliases into the symbol and reports 0-based character columns", async () => {
    const report = await analyzer.analyze('s = "é"; from subprocess import run as r; r(["ls"])');
    expect(report.findings).toEqual([
      {
        rule: "process.subprocess",
        category: "process",
        severity: "high",
        line: 1,
        column: 42,
        message: expect.stringContaining("subprocess.run"),
        symbol: "subprocess.run",
      },
    ]);
  });

  it("reports a syntax error with its line and column, and nothing else", async () => {
    const report = await analyzer.analyze("import os\nx = 1\ndef broken(:\n    pass\n");
    expect(report.syntaxValid).toBe(false);
    expect(report.findings).toEqual([]);
    expect(report.hasHighRisk).toBe(false);
    expect(report.syntaxErrors).toHaveLength(1);
    expect(report.syntaxErrors[0]).toMatchObject({ line: 3, column: 11, text: "def broken(:" });
    expect(report.syntaxErrors[0]!.message).toMatch(/syntax/i);
  });

  it("reports an unterminated string and bad indentation at the right lines", async () => {
    const unterminated = await analyzer.analyze('x = 1\ny = "abc\n');
    // Python 3.10 points at the opening quote, older versions at the end of the line.
    expect(unterminated.syntaxErrors[0]).toMatchObject({ line: 2 });
    expect([4, 8]).toContain(unterminated.syntaxErrors[0]!.column);
    const indentation = await analyzer.analyze("if True:\nprint(1)\n");
    expect(indentation.syntaxErrors[0]).toMatchObject({ line: 2 });
    expect(indentation.syntaxErrors[0]!.message).toMatch(/indent/i);
  });

  it("reports null bytes as a syntax error instead of failing", async () => {
    const report = await analyzer.analyze("x = 1\ny = 2\0\n");
    expect(report.syntaxValid).toBe(false);
    expect(report.syntaxErrors[0]).toMatchObject({ line: 2, column: 5 });
  });

  it("flags a statement too deep to analyze as high risk and still analyzes the rest", async () => {
    const deep = `x = ${Array.from({ length: 5_000 }, () => "a").join(" + ")}\nimport os\nos.system("id")\n`;
    const report = await analyzer.analyze(deep);
    expect(summary(report)).toEqual(["1:analysis.too_complex:high", "3:process.os_system:high"]);
  });

  it("reports imports and whether results is assigned at module level", async () => {
    const report = await analyzer.analyze(
      "import numpy as np\nimport os.path\nfrom pandas import DataFrame\n\ndef f():\n    results = 1\n",
    );
    expect(report.imports).toEqual(["numpy", "os", "pandas"]);
    expect(report.assignsResults).toBe(false);
    const viaGlobal = await analyzer.analyze("def f():\n    global results\n    results = {'a': 1}\nf()\n");
    expect(viaGlobal.assignsResults).toBe(true);
    const annotated = await analyzer.analyze("results: dict = {}\n");
    expect(annotated.assignsResults).toBe(true);
  });

  it("adds dynamically imported modules to imports", async () => {
    const report = await analyzer.analyze('m = __import__("socket")\n');
    expect(report.imports).toEqual(["socket"]);
  });

  it("answers overlapping calls in order, each with its own report", async () => {
    const codes = Array.from({ length: 30 }, (_, index) =>
      index % 2 === 0 ? `import os\nos.system("echo ${index}")\n` : `x = ${index}\nresults = {"x": x}\n`,
    );
    const reports = await Promise.all(codes.map((code) => analyzer.analyze(code)));
    reports.forEach((report, index) => {
      expect(report.hasHighRisk).toBe(index % 2 === 0);
      expect(report.assignsResults).toBe(index % 2 === 1);
    });
  });

  it("cancels a call whose signal is already aborted without sending it", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await analyzer
      .analyze("x = 1", { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(WorkflowError.isInstance(error)).toBe(true);
    expect(isAnalysisAborted(error)).toBe(true);
  });

  it("cancels queued calls when their signal aborts and still answers the others", async () => {
    const controller = new AbortController();
    const first = analyzer.analyze("a = 1");
    const cancelled = analyzer.analyze("b = 2", { signal: controller.signal });
    const third = analyzer.analyze("import os\nos.popen('x')");
    controller.abort();
    await expect(cancelled).rejects.toSatisfy(isAnalysisAborted);
    expect((await first).findings).toEqual([]);
    expect((await third).findings.map((finding) => finding.rule)).toEqual(["process.os_popen"]);
  });

  it("rejects input that is not a string or is too long, with a clear message", async () => {
    await expect(analyzer.analyze(42 as unknown as string)).rejects.toThrow(/as a string; it got a number/);
    const small = new PythonCodeAnalyzer({ pythonPath: PYTHON, maxCodeLength: 10 });
    await expect(small.analyze("x = 12345678901")).rejects.toThrow(/at most 10 \(maxCodeLength\)/);
    await small.close();
  });
});

describe("PythonCodeAnalyzer configured patterns", () => {
  it("reports configured dotted names after alias resolution and configured method names", async () => {
    const analyzer = new PythonCodeAnalyzer({
      pythonPath: PYTHON,
      controlSystemPatterns: {
        reads: ["acc.read_*"],
        writes: ["acc.Magnet.set_current", ".write_channel"],
      },
    });
    try {
      const report = await analyzer.analyze(
        [
          "import acc as a",
          "from acc import Magnet",
          'v = a.read_bpm("X")',
          'm = Magnet("Q1")',
          "m.set_current(3.0)",
          'connector.write_channel("SP", 1)',
          "m.describe()",
          "# acc.read_bpm in a comment",
        ].join("\n"),
      );
      expect(summary(report)).toEqual([
        "3:custom.read:low",
        "5:custom.write:medium",
        "6:custom.write:medium",
      ]);
      expect(report.findings.find((finding) => finding.line === 5)?.symbol).toBe("acc.Magnet().set_current");
      expect(report.hasControlSystemWrites).toBe(true);
      expect(report.hasControlSystemReads).toBe(true);
    } finally {
      await analyzer.close();
    }
  });

  it("rejects malformed patterns when constructed, naming the key", () => {
    const build = (patterns: unknown) =>
      new PythonCodeAnalyzer({ pythonPath: PYTHON, controlSystemPatterns: patterns as never });
    expect(() => build({ writes: "epics.caput" })).toThrow(ContainerConfigurationError);
    expect(() => build({ writes: ["ok.name", "has space"] })).toThrow(/controlSystemPatterns\.writes\[1\]/);
    expect(() => build({ write: ["x.y"] })).toThrow(/unknown keys write/);
  });
});

describe("PythonCodeAnalyzer process management", () => {
  let folder: string;
  let harness: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "execkit-analyzer-"));
    harness = join(folder, "harness.py");
    // The real analyzer, with three test hooks: a snippet containing __hang__ never returns, one containing
    // __crash_once__ kills the process the first time only, and __env__ reports what the process can see.
    writeFileSync(
      harness,
      [
        "import os, sys, time",
        `sys.path.insert(0, ${JSON.stringify(dirname(pythonAssetPath("analyzer.py")))})`,
        "import analyzer",
        "real = analyzer.handle",
        `marker = ${JSON.stringify(join(folder, "crashed-once"))}`,
        "def handle(line):",
        "    if b'__hang__' in line:",
        "        time.sleep(60)",
        "    if b'__crash_once__' in line and not os.path.exists(marker):",
        "        open(marker, 'w').close()",
        "        os._exit(3)",
        "    if b'__crash_always__' in line:",
        "        sys.stderr.write('boom\\n'); sys.stderr.flush(); os._exit(4)",
        "    if b'__env__' in line:",
        "        import json",
        "        return {'id': json.loads(line)['id'], 'ok': False, 'error': ','.join(sorted(os.environ))}",
        "    return real(line)",
        "analyzer.handle = handle",
        "analyzer.main()",
      ].join("\n"),
    );
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("starts a new process after the old one is killed", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON });
    try {
      await analyzer.analyze("x = 1");
      const firstPid = analyzer.pid!;
      process.kill(firstPid, "SIGKILL");
      await waitFor(() => !isAlive(firstPid) && analyzer.pid === undefined, 5_000);
      const report = await analyzer.analyze("import os\nos.system('x')");
      expect(report.hasHighRisk).toBe(true);
      expect(analyzer.pid).toBeTypeOf("number");
      expect(analyzer.pid).not.toBe(firstPid);
    } finally {
      await analyzer.close();
    }
  });

  it("retries a snippet once when the process dies under it", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: harness });
    try {
      const report = await analyzer.analyze("# __crash_once__\nimport os\nos.fork()");
      expect(summary(report)).toEqual(["3:process.os_fork:high"]);
      expect(existsSync(join(folder, "crashed-once"))).toBe(true);
    } finally {
      await analyzer.close();
    }
  });

  it("gives up on a snippet that kills the process twice, with the stderr in the error", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: harness });
    try {
      const error = await analyzer.analyze("# __crash_always__").catch((caught: unknown) => caught);
      expect(WorkflowError.isInstance(error)).toBe(true);
      expect((error as WorkflowError).message).toMatch(
        /ended while analyzing this code \(exit code 4\), 2 times/,
      );
      expect((error as WorkflowError).message).toContain("boom");
      expect((await analyzer.analyze("y = 2")).syntaxValid).toBe(true);
    } finally {
      await analyzer.close();
    }
  });

  it("stops a call at its timeout, kills the stuck process and serves the next call from a new one", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: harness, timeoutMs: 500 });
    try {
      await analyzer.start();
      const stuckPid = analyzer.pid!;
      const hanging = analyzer.analyze("# __hang__");
      const queued = analyzer.analyze("import pty\npty.spawn('sh')");
      const started = Date.now();
      const error = await hanging.catch((caught: unknown) => caught);
      expect(WorkflowError.isInstance(error)).toBe(true);
      expect((error as WorkflowError).message).toMatch(/longer than 500 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(summary(await queued)).toEqual(["2:process.pty:high"]);
      await waitFor(() => !isAlive(stuckPid), 5_000);
      expect(analyzer.pid).not.toBe(stuckPid);
    } finally {
      await analyzer.close();
    }
  });

  it("aborts an in-flight call without waiting for it", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: harness, timeoutMs: 2_000 });
    try {
      const controller = new AbortController();
      const hanging = analyzer.analyze("# __hang__", { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      await expect(hanging).rejects.toSatisfy(isAnalysisAborted);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await analyzer.close();
    }
  });

  it("gives the process no environment beyond what an interpreter needs", async () => {
    process.env.EXECKIT_ANALYZER_TEST_SECRET = "sk-should-not-leak";
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: harness });
    try {
      const error = await analyzer.analyze("# __env__").catch((caught: unknown) => caught);
      const visible = String((error as Error).message);
      expect(visible).not.toContain("EXECKIT_ANALYZER_TEST_SECRET");
      expect(visible).toContain("PATH");
    } finally {
      delete process.env.EXECKIT_ANALYZER_TEST_SECRET;
      await analyzer.close();
    }
  });

  it("fails queued calls on close, ends the process, and refuses later calls", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: harness, timeoutMs: 10_000 });
    await analyzer.start();
    const pid = analyzer.pid!;
    const hanging = analyzer.analyze("# __hang__").catch((caught: unknown) => caught);
    const queued = analyzer.analyze("x = 1").catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await analyzer.close();
    expect(String(await hanging)).toMatch(/closed before this code was analyzed/);
    expect(String(await queued)).toMatch(/closed before this code was analyzed/);
    expect(isAlive(pid)).toBe(false);
    await expect(analyzer.analyze("x = 1")).rejects.toThrow(/closed; create a new PythonCodeAnalyzer/);
    await analyzer.close();
  });

  it("reports a missing interpreter as a configuration error naming pythonPath", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: join(folder, "no-such-python") });
    const error = await analyzer.analyze("x = 1").catch((caught: unknown) => caught);
    expect(ContainerConfigurationError.isInstance(error)).toBe(true);
    expect((error as ContainerConfigurationError).configKey).toBe("pythonPath");
    expect((error as Error).message).toMatch(/was not found/);
    await analyzer.close();
  });

  it("reports a program that is not a Python interpreter as a configuration error", async () => {
    const analyzer = new PythonCodeAnalyzer({ pythonPath: "/bin/false", startupTimeoutMs: 5_000 });
    const error = await analyzer.start().catch((caught: unknown) => caught);
    expect(ContainerConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/exited before it started \(exit code 1\)/);
    await analyzer.close();
  });

  it("reports an interpreter older than 3.8 from its handshake", async () => {
    const oldPython = join(folder, "old-python.py");
    writeFileSync(
      oldPython,
      'import json, sys\nsys.stdout.write(json.dumps({"ready": True, "protocol": 1, "python": [3, 7, 9]}) + "\\n")\n',
    );
    const analyzer = new PythonCodeAnalyzer({ pythonPath: PYTHON, scriptPath: oldPython });
    const error = await analyzer.start().catch((caught: unknown) => caught);
    expect(ContainerConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /is Python 3\.7\.9; the static analyzer needs Python 3\.8 or later/,
    );
    await analyzer.close();
  });

  it("rejects invalid numeric options, naming them", () => {
    expect(() => new PythonCodeAnalyzer({ timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
    expect(() => new PythonCodeAnalyzer({ pythonPath: "" })).toThrow(/pythonPath must be a non-empty string/);
  });
});
