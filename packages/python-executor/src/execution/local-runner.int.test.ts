import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodeRuntimeError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  WorkflowError,
} from "@execkit/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutionFolder, type ExecutionFolder } from "../files/execution-folder";
import { defaultTestPython } from "../testing/jupyter-server";
import { listProcesses } from "../testing/process-table";
import { LocalCodeRunner } from "./local-runner";
import type { CodeRunRequest, ExecutionModeConfig } from "./types";

const PYTHON = defaultTestPython();

const READ_ONLY: ExecutionModeConfig = {
  modeName: "read_only",
  kernelName: "python3",
  allowsWrites: false,
  requiresApproval: false,
  description: "read only",
  environment: { EPICS_CA_ADDR_LIST: "127.0.0.1:5064" },
};
const WRITE_ACCESS: ExecutionModeConfig = {
  ...READ_ONLY,
  modeName: "write_access",
  allowsWrites: true,
  environment: {},
};

let root: string;
const runner = new LocalCodeRunner({ pythonPath: PYTHON, killGracePeriodMs: 500 });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "execkit-local-runner-"));
});

afterAll(async () => {
  await runner.close();
  await rm(root, { recursive: true, force: true });
});

async function newFolder(name: string, contextData?: unknown): Promise<ExecutionFolder> {
  return createExecutionFolder({ root, name, contextData });
}

async function request(
  code: string,
  overrides: Partial<CodeRunRequest> & { folder?: ExecutionFolder } = {},
): Promise<CodeRunRequest & { folder: ExecutionFolder }> {
  const folder = overrides.folder ?? (await newFolder("test"));
  const attempt = overrides.attempt ?? 1;
  return {
    code,
    executionFolder: folder.folderPath,
    attemptFolder: await folder.attemptFolder(attempt),
    attempt,
    mode: READ_ONLY,
    timeoutSeconds: 30,
    ...overrides,
    folder,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the run to fail");
}

/** Live (non-zombie) processes whose process group is `pgid`. */
async function liveGroupMembers(pgid: number): Promise<number[]> {
  return (await listProcesses()).filter((entry) => entry.pgid === pgid).map((entry) => entry.pid);
}

async function waitForNoMembers(pgid: number): Promise<number[]> {
  for (let i = 0; i < 30; i++) {
    const members = await liveGroupMembers(pgid);
    if (members.length === 0) return members;
    await new Promise((done) => setTimeout(done, 100));
  }
  return liveGroupMembers(pgid);
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("LocalCodeRunner: success", () => {
  it("returns results, stdout and figures, and keeps the code, wrapper and outputs for audit", async () => {
    const req = await request(
      [
        "import matplotlib.pyplot as plt",
        "print('computing', context.source.name)",
        "fig = plt.figure()",
        "plt.plot([1, 2, 3], [3, 1, 2])",
        "plt.savefig('my_plot.png')",
        "results = {'total': sum([1, 2, 3]), 'source': context['source']['name']}",
      ].join("\n"),
      { folder: await newFolder("success", { source: { name: "archiver" } }) },
    );
    const outcome = await runner.run(req);
    expect(outcome.results).toEqual({ total: 6, source: "archiver" });
    expect(outcome.stdout).toBe("computing archiver\n");
    expect(outcome.executionTimeSeconds).toBeGreaterThan(0);
    expect(outcome.figurePaths).toEqual([
      join(req.executionFolder, "figures", "figure_01.png"),
      join(req.executionFolder, "my_plot.png"),
    ]);
    for (const path of outcome.figurePaths) {
      const bytes = await readFile(path);
      expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    }
    expect(outcome.wrapperPath).toBe(join(req.attemptFolder, "wrapper.py"));
    const files = await readdir(req.attemptFolder);
    expect(files).toEqual(
      expect.arrayContaining([
        "code.py",
        "wrapper.py",
        "stdout.txt",
        "stderr.txt",
        "execution_metadata.json",
      ]),
    );
    expect(await readFile(join(req.attemptFolder, "code.py"), "utf8")).toBe(req.code);
    expect(JSON.parse(await readFile(join(req.executionFolder, "results.json"), "utf8"))).toEqual(
      outcome.results,
    );
  });

  it("runs the code exactly as written: from __future__ imports and multi-line strings intact", async () => {
    const code = [
      "from __future__ import annotations",
      "",
      "def f(x: NotDefinedAnywhere) -> int:",
      "    return 1",
      "",
      'text = """first',
      "    indented",
      '  less"""',
      "results = {'text': text, 'annotation': f.__annotations__['x']}",
    ].join("\n");
    const outcome = await runner.run(await request(code));
    expect(outcome.results).toEqual({
      text: "first\n    indented\n  less",
      annotation: "NotDefinedAnywhere",
    });
  });

  it("converts NaN, Infinity, numpy and pandas values, and warns about what it stores as repr", async () => {
    const code = [
      "import datetime, pathlib",
      "import numpy as np",
      "import pandas as pd",
      "df = pd.DataFrame({'a': [1.5, float('nan')], 'b': ['x', 'y']}, index=['r1', 'r2'])",
      "results = {",
      "  'nan': float('nan'), 'inf': float('inf'), 'ninf': float('-inf'),",
      "  'np_float': np.float64(2.5), 'np_int': np.int64(7), 'np_bool': np.bool_(True),",
      "  'matrix': np.array([[1, 2], [3, 4]]), 'np_nan': np.array([np.nan, 1.0]),",
      "  'frame': df, 'series': df['a'],",
      "  'when': datetime.datetime(2024, 5, 6, 7, 8, 9), 'day': datetime.date(2024, 1, 2),",
      "  'tags': {'b', 'a'}, 'path': pathlib.Path('/tmp/x'), 'z': 1 + 2j, 'raw': b'hi',",
      "  'odd': object(),",
      "}",
    ].join("\n");
    const outcome = await runner.run(await request(code));
    const results = outcome.results as Record<string, unknown>;
    expect(results.nan).toBeNaN();
    expect(results.inf).toBe(Number.POSITIVE_INFINITY);
    expect(results.ninf).toBe(Number.NEGATIVE_INFINITY);
    expect(results).toMatchObject({
      np_float: 2.5,
      np_int: 7,
      np_bool: true,
      matrix: [
        [1, 2],
        [3, 4],
      ],
      when: "2024-05-06T07:08:09",
      day: "2024-01-02",
      tags: ["a", "b"],
      path: "/tmp/x",
      z: { _type: "complex", real: 1, imag: 2 },
      raw: { _type: "bytes", base64: "aGk=" },
    });
    expect((results.np_nan as number[])[0]).toBeNaN();
    const frame = results.frame as { _type: string; columns: string[]; index: string[]; data: unknown[][] };
    expect(frame).toMatchObject({ _type: "pandas.DataFrame", columns: ["a", "b"], index: ["r1", "r2"] });
    expect(frame.data[0]).toEqual([1.5, "x"]);
    expect(frame.data[1]?.[0]).toBeNaN();
    expect(results.series).toMatchObject({
      _type: "pandas.Series",
      name: "a",
      index: ["r1", "r2"],
      dtype: "float64",
    });
    expect(results.odd).toMatch(/^<object object at 0x/);
    expect(outcome.warnings).toContainEqual(
      expect.stringContaining("results['odd']: value of type builtins.object"),
    );
  });

  it("converts awkward results without losing the rest: cycles, odd keys, big integers, dataclasses, time types", async () => {
    const code = [
      "import dataclasses, enum, datetime, decimal",
      "import numpy as np, pandas as pd",
      "class Color(enum.Enum):",
      "    RED = 'red'",
      "@dataclasses.dataclass",
      "class Point:",
      "    x: int",
      "    y: float",
      "loop = []",
      "loop.append(loop)",
      "frame = pd.DataFrame({'v': [1, 2]}, index=pd.to_datetime(['2024-01-01', '2024-01-02']))",
      "results = {",
      "  1: 'int key', (1, 2): 'tuple key', None: 'none key',",
      "  'big': 2**60, 'loop': loop, 'color': Color.RED, 'point': Point(1, 2.5),",
      "  'delta': datetime.timedelta(minutes=1), 'money': decimal.Decimal('1.10'),",
      "  'np_time': np.datetime64('2024-01-01T00:00:00'), 'nat': np.datetime64('NaT'),",
      "  'frame': frame, 'stamp': pd.Timestamp('2024-03-04 05:06:07'), 'missing': pd.NaT,",
      "}",
    ].join("\n");
    const outcome = await runner.run(await request(code));
    const results = outcome.results as Record<string, unknown>;
    expect(results).toMatchObject({
      "1": "int key",
      "(1, 2)": "tuple key",
      null: "none key",
      big: 2 ** 60,
      loop: ["<cycle: list>"],
      color: "red",
      point: { x: 1, y: 2.5 },
      delta: { _type: "timedelta", seconds: 60 },
      money: "1.10",
      np_time: "2024-01-01T00:00:00",
      nat: null,
      stamp: "2024-03-04T05:06:07",
      missing: null,
    });
    expect((results.frame as { index: string[] }).index).toEqual([
      "2024-01-01T00:00:00",
      "2024-01-02T00:00:00",
    ]);
    expect(outcome.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("key (1, 2) of type tuple stored as str"),
        expect.stringContaining("integer 1152921504606846976 is beyond 2**53"),
        expect.stringContaining("refers back to itself"),
      ]),
    );
  });

  it("round-trips unicode output and results, and streams output while the code runs", async () => {
    const chunks: string[] = [];
    let finished = false;
    let finishedWhenFirstArrived: boolean | undefined;
    const req = await request(
      [
        "import time",
        "print('héllo 🎉 中文', flush=True)",
        "time.sleep(1)",
        "print('second', flush=True)",
        "results = {'text': '🎉中文'}",
      ].join("\n"),
      {
        onOutput: (stream, text) => {
          if (stream === "stdout") chunks.push(text);
          if (finishedWhenFirstArrived === undefined) finishedWhenFirstArrived = finished;
        },
      },
    );
    const outcome = await runner.run(req).finally(() => {
      finished = true;
    });
    expect(outcome.stdout).toBe("héllo 🎉 中文\nsecond\n");
    expect(chunks.join("")).toBe(outcome.stdout);
    expect(finishedWhenFirstArrived).toBe(false);
    expect(outcome.results).toEqual({ text: "🎉中文" });
    expect(await readFile(join(req.attemptFolder, "stdout.txt"), "utf8")).toBe(outcome.stdout);
  });

  it("treats sys.exit(0) as success and a missing `results` as no results, with a warning", async () => {
    const outcome = await runner.run(await request("import sys\nprint('bye')\nsys.exit(0)"));
    expect(outcome.results).toBeUndefined();
    expect(outcome.stdout).toBe("bye\n");
    expect(outcome.warnings).toEqual([expect.stringContaining("did not assign `results`")]);
  });

  it("does not report figures or results of an earlier attempt in the same folder", async () => {
    const folder = await newFolder("attempts");
    await runner.run(
      await request("import matplotlib.pyplot as plt\nplt.figure(); plt.figure()\nresults = {'a': 1}", {
        folder,
      }),
    );
    const second = await runner.run(await request("x = 1", { folder, attempt: 2 }));
    expect(second.figurePaths).toEqual([]);
    expect(second.results).toBeUndefined();
  });
});

describe("LocalCodeRunner: code errors", () => {
  it("reports a runtime error with the user's traceback, line numbers and output", async () => {
    const req = await request(["a = 1", "b = 0", "print('before the error')", "c = a / b"].join("\n"), {
      attempt: 3,
    });
    const error = await caught(runner.run(req));
    expect(error).toBeInstanceOf(CodeRuntimeError);
    const runtime = error as CodeRuntimeError;
    expect(runtime.message).toBe("ZeroDivisionError: division by zero (line 4 of the code)");
    expect(runtime.executionAttempt).toBe(3);
    expect(runtime.tracebackInfo).toContain(
      `File "${join(req.attemptFolder, "code.py")}", line 4, in <module>`,
    );
    expect(runtime.tracebackInfo).toContain("c = a / b");
    expect(runtime.tracebackInfo).not.toContain("wrapper.py");
    expect(runtime.technicalDetails).toMatchObject({ errorType: "ZeroDivisionError", errorLine: 4 });
    expect(runtime.technicalDetails.stdout).toBe("before the error\n");
    expect(runtime.technicalDetails.stderr).toContain("ZeroDivisionError");
    expect(runtime.folderPath).toBe(req.executionFolder);
    expect(runtime.isCodeError()).toBe(true);
  });

  it("reports a syntax error found at run time with its line", async () => {
    const error = await caught(runner.run(await request("x = 1\ny = (2,\nprint(y")));
    expect(error).toBeInstanceOf(CodeRuntimeError);
    expect((error as CodeRuntimeError).message).toMatch(/^SyntaxError: .*\(line \d of the code\)$/);
    expect((error as CodeRuntimeError).tracebackInfo).toContain("SyntaxError");
  });

  it("reports sys.exit with a non-zero status as a failure", async () => {
    const error = await caught(runner.run(await request("import sys\nsys.exit(3)")));
    expect(error).toBeInstanceOf(CodeRuntimeError);
    expect((error as CodeRuntimeError).message).toContain("sys.exit(3)");
  });

  it("reports a process that dies mid-run as a code error, keeping the piped output", async () => {
    const req = await request("import os\nprint('partial', flush=True)\nos._exit(7)");
    const error = await caught(runner.run(req));
    expect(error).toBeInstanceOf(CodeRuntimeError);
    expect((error as CodeRuntimeError).message).toContain("exit code 7");
    expect((error as CodeRuntimeError).technicalDetails.stdout).toBe("partial\n");
    expect(await readFile(join(req.attemptFolder, "stdout.txt"), "utf8")).toBe("partial\n");
  });

  it("refuses to run when context.json is corrupt", async () => {
    const folder = await newFolder("bad-context");
    await writeFile(folder.contextFilePath, "{not json");
    const error = await caught(runner.run(await request("results = 1", { folder })));
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).message).toContain("context.json");
  });
});

describe("LocalCodeRunner: stopping", () => {
  it("kills an infinite loop on time, with the grandchild it spawned, and leaves no process behind", async () => {
    const req = await request(
      [
        "import os, subprocess",
        "child = subprocess.Popen(['sleep', '1000'])",
        "open('pids.txt', 'w').write(f'{os.getpgid(0)} {child.pid}')",
        "print('started', flush=True)",
        "while True:",
        "    pass",
      ].join("\n"),
      { mode: WRITE_ACCESS, timeoutSeconds: 2 },
    );
    const error = await caught(runner.run(req));
    expect(error).toBeInstanceOf(ExecutionTimeoutError);
    expect((error as ExecutionTimeoutError).timeoutSeconds).toBe(2);
    const [pgid, grandchild] = (await readFile(join(req.executionFolder, "pids.txt"), "utf8"))
      .split(" ")
      .map(Number);
    expect(await waitForNoMembers(pgid!)).toEqual([]);
    expect(isAlive(grandchild!)).toBe(false);
    expect(await readFile(join(req.attemptFolder, "stdout.txt"), "utf8")).toBe("started\n");
  });

  it("escalates to SIGKILL when the code ignores SIGTERM", async () => {
    const req = await request(
      [
        "import os, signal, time",
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
        "open('pids.txt', 'w').write(str(os.getpgid(0)))",
        "while True:",
        "    time.sleep(0.05)",
      ].join("\n"),
      { timeoutSeconds: 1.5 },
    );
    const error = await caught(runner.run(req));
    expect(error).toBeInstanceOf(ExecutionTimeoutError);
    const pgid = Number(await readFile(join(req.executionFolder, "pids.txt"), "utf8"));
    expect(await waitForNoMembers(pgid)).toEqual([]);
  });

  it("stops the process group when the caller aborts", async () => {
    const controller = new AbortController();
    const req = await request(
      "import os, time\nopen('pids.txt', 'w').write(str(os.getpgid(0)))\nprint('up', flush=True)\ntime.sleep(1000)",
      {
        signal: controller.signal,
        onOutput: (_stream, text) => {
          if (text.includes("up")) controller.abort(new Error("user cancelled"));
        },
      },
    );
    const error = await caught(runner.run(req));
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).code).toBe("EXECUTION_ABORTED");
    const pgid = Number(await readFile(join(req.executionFolder, "pids.txt"), "utf8"));
    expect(await waitForNoMembers(pgid)).toEqual([]);
  });

  it("does not start when the signal is already aborted", async () => {
    const req = await request("open('ran.txt', 'w').write('x')", { signal: AbortSignal.abort() });
    const error = await caught(runner.run(req));
    expect((error as WorkflowError).code).toBe("EXECUTION_ABORTED");
    expect(existsSync(join(req.executionFolder, "ran.txt"))).toBe(false);
  });
});

describe("LocalCodeRunner: cleanup and output", () => {
  it("kills what the code left running in the background once it finished", async () => {
    const req = await request(
      [
        "import os, subprocess",
        "child = subprocess.Popen(['sleep', '1000'], start_new_session=False)",
        "results = {'pgid': os.getpgid(0), 'child': child.pid}",
      ].join("\n"),
      { mode: WRITE_ACCESS },
    );
    const outcome = await runner.run(req);
    const { pgid, child } = outcome.results as { pgid: number; child: number };
    expect(await waitForNoMembers(pgid)).toEqual([]);
    expect(isAlive(child)).toBe(false);
  });

  it("stops running code on close() and refuses new runs afterwards", async () => {
    const closing = new LocalCodeRunner({ pythonPath: PYTHON, killGracePeriodMs: 300 });
    const req = await request(
      "import os, time\nopen('pids.txt', 'w').write(str(os.getpgid(0)))\nprint('up', flush=True)\ntime.sleep(1000)",
      {
        onOutput: () => void closing.close(),
      },
    );
    const error = await caught(closing.run(req));
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).code).toBe("RUNNER_CLOSED");
    const pgid = Number(await readFile(join(req.executionFolder, "pids.txt"), "utf8"));
    expect(await waitForNoMembers(pgid)).toEqual([]);
    const after = await caught(closing.run(await request("x = 1")));
    expect(after).toBeInstanceOf(WorkflowError);
  });

  it("keeps output written straight to the file descriptors (child processes, native code)", async () => {
    const req = await request("import os\nprint('from python', flush=True)\nos.system('echo from-shell')", {
      mode: WRITE_ACCESS,
    });
    const outcome = await runner.run(req);
    expect(outcome.stdout).toBe("from python\nfrom-shell\n");
    expect(await readFile(join(req.attemptFolder, "stdout.txt"), "utf8")).toBe(outcome.stdout);
  });

  it("caps the output kept in memory and says so", async () => {
    const small = new LocalCodeRunner({ pythonPath: PYTHON, maxOutputChars: 1000 });
    try {
      const outcome = await small.run(
        await request("for i in range(500):\n    print('line', i)\nresults = 1"),
      );
      expect(outcome.stdout.length).toBe(1000);
      expect(outcome.stdout.startsWith("line 0\nline 1\n")).toBe(true);
      expect(outcome.warnings).toContain("stdout was longer than the capture limit and was truncated");
    } finally {
      await small.close();
    }
  });
});

describe("LocalCodeRunner: isolation", () => {
  it("does not pass host secrets to the child, but does pass the mode's environment", async () => {
    process.env.FAKE_API_KEY = "sk-fake-1234567890";
    try {
      const outcome = await runner.run(
        await request(
          [
            "import os",
            "results = {k: os.environ.get(k) for k in ['FAKE_API_KEY', 'EPICS_CA_ADDR_LIST', 'EXECKIT_EXECUTION_MODE', 'MPLBACKEND', 'PATH']}",
          ].join("\n"),
        ),
      );
      expect(outcome.results).toEqual({
        FAKE_API_KEY: null,
        EPICS_CA_ADDR_LIST: "127.0.0.1:5064",
        EXECKIT_EXECUTION_MODE: "read_only",
        MPLBACKEND: "Agg",
        PATH: process.env.PATH,
      });
    } finally {
      delete process.env.FAKE_API_KEY;
    }
  });

  it("blocks subprocess, os.system and control-system writes in read-only mode, with aliases", async () => {
    const folder = await newFolder("guard");
    // A stand-in for pyepics that records writes, so a write that got through would leave a file.
    await mkdir(join(folder.folderPath, "epics"));
    await writeFile(
      join(folder.folderPath, "epics", "__init__.py"),
      [
        "def caput(pv, value):",
        "    open('wrote.txt', 'a').write(pv)",
        "class PV:",
        "    def __init__(self, name): self.name = name",
        "    def put(self, value): open('wrote.txt', 'a').write(self.name)",
      ].join("\n"),
    );
    // Stand-ins for p4p and PyTango, shaped like the real modules the guard patches.
    await mkdir(join(folder.folderPath, "p4p", "client"), { recursive: true });
    await writeFile(join(folder.folderPath, "p4p", "__init__.py"), "");
    await writeFile(join(folder.folderPath, "p4p", "client", "__init__.py"), "");
    await writeFile(
      join(folder.folderPath, "p4p", "client", "thread.py"),
      "class Context:\n    def __init__(self, provider): pass\n    def get(self, name): return 1\n    def put(self, name, value): open('wrote.txt', 'a').write(name)\n",
    );
    await mkdir(join(folder.folderPath, "tango"));
    await writeFile(
      join(folder.folderPath, "tango", "__init__.py"),
      "class DeviceProxy:\n    def __init__(self, name): pass\n    def read_attribute(self, name): return 1\n    def write_attribute(self, name, value): open('wrote.txt', 'a').write(name)\n",
    );
    const code = [
      "import os",
      "import subprocess as sp",
      "from p4p.client.thread import Context",
      "import tango",
      "from epics import caput as write_pv",
      "import epics",
      "blocked = []",
      "for attempt in (lambda: sp.run(['true']), lambda: os.system('true'), lambda: os.popen('true'),",
      "                lambda: write_pv('A', 1), lambda: epics.PV('B').put(2),",
      "                lambda: Context('pva').put('C', 3), lambda: tango.DeviceProxy('d/e/f').write_attribute('D', 4)):",
      "    try:",
      "        attempt()",
      "    except PermissionError as error:",
      "        blocked.append(str(error).split(' is blocked')[0])",
      "reads = [Context('pva').get('C'), tango.DeviceProxy('d/e/f').read_attribute('D')]",
      "results = blocked",
    ].join("\n");
    const outcome = await runner.run(await request(code, { folder }));
    expect(outcome.results).toEqual([
      "subprocess.run",
      "os.system",
      "os.popen",
      "epics.caput",
      "epics.PV.put",
      "p4p.client.thread.Context.put",
      "tango.DeviceProxy.write_attribute",
    ]);
    expect(existsSync(join(folder.folderPath, "wrote.txt"))).toBe(false);
    expect(outcome.warnings).toContain(
      "the read-only guard refused epics.caput; the PermissionError was caught and the run went on",
    );

    const uncaught = await caught(
      runner.run(await request("import subprocess\nsubprocess.check_output(['id'])", { folder, attempt: 2 })),
    );
    expect(uncaught).toBeInstanceOf(CodeRuntimeError);
    expect((uncaught as CodeRuntimeError).message).toContain("read-only execution mode");

    const allowed = await runner.run(
      await request("import subprocess\nresults = subprocess.check_output(['echo', 'ok'], text=True)", {
        folder,
        attempt: 3,
        mode: WRITE_ACCESS,
      }),
    );
    expect(allowed.results).toBe("ok\n");
  });

  it("enforces the memory limit", async () => {
    const limited = new LocalCodeRunner({ pythonPath: PYTHON, memoryLimitMb: 300 });
    try {
      const small = await limited.run(
        await request("data = bytearray(20 * 1024 * 1024)\nresults = len(data)"),
      );
      expect(small.results).toBe(20 * 1024 * 1024);
      const error = await caught(
        limited.run(await request("data = bytearray(2 * 1024 * 1024 * 1024)\nresults = 1")),
      );
      expect(error).toBeInstanceOf(CodeRuntimeError);
      expect((error as CodeRuntimeError).message).toMatch(/^MemoryError/);
    } finally {
      await limited.close();
    }
  });
});

describe("LocalCodeRunner: environment problems", () => {
  it("reports a missing interpreter as a connectivity error", async () => {
    const missing = new LocalCodeRunner({ pythonPath: join(root, "no-such-python") });
    const error = await caught(missing.run(await request("results = 1")));
    expect(error).toBeInstanceOf(ContainerConnectivityError);
    expect((error as ContainerConnectivityError).message).toContain("ENOENT");
    expect((error as ContainerConnectivityError).isInfrastructureError()).toBe(true);
  });

  it("refuses an interpreter older than 3.9", async () => {
    const fake = join(root, "old-python");
    await writeFile(fake, "#!/bin/sh\necho 3.8.10\n");
    await chmod(fake, 0o755);
    const error = await caught(new LocalCodeRunner({ pythonPath: fake }).run(await request("results = 1")));
    expect(error).toBeInstanceOf(ContainerConfigurationError);
    expect((error as ContainerConfigurationError).configKey).toBe("pythonPath");
    expect((error as ContainerConfigurationError).message).toContain("3.8.10");
  });

  it("reports an interpreter that starts but cannot run the wrapper as a connectivity error", async () => {
    const broken = join(root, "broken-python");
    // Answers the version check, then fails the way a broken installation does.
    await writeFile(
      broken,
      '#!/bin/sh\nif [ "$1" = "-c" ]; then echo 3.11.0; exit 0; fi\necho "Fatal Python error: init_fs_encoding" >&2\nexit 1\n',
    );
    await chmod(broken, 0o755);
    const error = await caught(new LocalCodeRunner({ pythonPath: broken }).run(await request("results = 1")));
    expect(error).toBeInstanceOf(ContainerConnectivityError);
    expect((error as ContainerConnectivityError).message).toContain("init_fs_encoding");
    expect((error as ContainerConnectivityError).message).toContain("exit code 1");
  });

  it("rejects bad options and requests with a typed error naming the field", async () => {
    expect(() => new LocalCodeRunner({ memoryLimitMb: -1 })).toThrow(ContainerConfigurationError);
    const error = await caught(runner.run({ ...(await request("x = 1")), timeoutSeconds: 0 }));
    expect(error).toBeInstanceOf(ContainerConfigurationError);
    expect((error as ContainerConfigurationError).configKey).toBe("timeoutSeconds");
    const relative = await caught(
      runner.run({ ...(await request("x = 1")), executionFolder: "relative/path" }),
    );
    expect((relative as ContainerConfigurationError).configKey).toBe("executionFolder");
    const missing = await caught(
      runner.run({ ...(await request("x = 1")), executionFolder: join(root, "gone") }),
    );
    expect(missing).toBeInstanceOf(ContainerConfigurationError);
    expect((missing as ContainerConfigurationError).message).toContain("does not exist");
  });

  it("checks the interpreter version once", async () => {
    const counting = new LocalCodeRunner({ pythonPath: PYTHON });
    const [a, b] = await Promise.all([counting.pythonVersion(), counting.pythonVersion()]);
    expect(a).toMatch(/^3\.\d+\.\d+$/);
    expect(b).toBe(a);
    expect(counting.pythonVersion()).toBe(counting.pythonVersion());
  });
});
