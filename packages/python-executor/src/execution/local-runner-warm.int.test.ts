import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutionFolder } from "../files/execution-folder";
import { defaultTestPython } from "../testing/jupyter-server";
import { childProcesses } from "../testing/process-table";
import { LocalCodeRunner } from "./local-runner";
import type { CodeRunRequest, ExecutionModeConfig } from "./types";
import { wrapperScriptPath } from "./wrapper";

const PYTHON = defaultTestPython();
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const READ_ONLY: ExecutionModeConfig = {
  modeName: "read_only",
  kernelName: "python3",
  allowsWrites: false,
  requiresApproval: false,
  description: "read only",
  environment: { EPICS_CA_ADDR_LIST: "127.0.0.1:5064" },
};

/** Code that reports its process id and how long its process has existed, from /proc (clock-tick precision). */
const WHO_AM_I = [
  "import os",
  "ticks = os.sysconf('SC_CLK_TCK')",
  "started = int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19]) / ticks",
  "uptime = float(open('/proc/uptime').read().split()[0])",
  "results = {'pid': os.getpid(), 'age': uptime - started, 'lang': os.environ.get('LANG')}",
].join("\n");

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "execkit-warm-runner-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function request(code: string, mode = READ_ONLY): Promise<CodeRunRequest> {
  const folder = await createExecutionFolder({ root, name: "warm" });
  return {
    code,
    executionFolder: folder.folderPath,
    attemptFolder: await folder.attemptFolder(1),
    attempt: 1,
    mode,
    timeoutSeconds: 30,
  };
}

/** Live spare wrappers (`wrapper.py --serve-fd`) whose parent is `parent`. */
async function sparesOf(parent: number): Promise<number[]> {
  return (await childProcesses(parent))
    .filter((child) => child.args.includes("--serve-fd"))
    .map((child) => child.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return check();
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe("LocalCodeRunner: warm start", () => {
  it("serves a run from a spare started ahead of time, with a fresh process for every run", async () => {
    const runner = new LocalCodeRunner({ pythonPath: PYTHON });
    try {
      await runner.warmUp(READ_ONLY);
      const spares = await sparesOf(process.pid);
      expect(spares).toHaveLength(1);
      await sleep(500);
      const first = (await runner.run(await request(`${WHO_AM_I}\nimport builtins\nbuiltins.leak = 1`)))
        .results as { pid: number; age: number };
      // The spare started before the run began, so the interpreter's start-up was not part of the run.
      expect(first.pid).toBe(spares[0]);
      expect(first.age).toBeGreaterThanOrEqual(0.35);

      await runner.warmUp(READ_ONLY);
      const second = (
        await runner.run(
          await request(`${WHO_AM_I}\nimport builtins\nresults['leak'] = hasattr(builtins, 'leak')`),
        )
      ).results as { pid: number; leak: boolean };
      expect(second.pid).not.toBe(first.pid);
      expect(second.leak).toBe(false);
      expect(isAlive(first.pid)).toBe(false);
    } finally {
      await runner.close();
    }
  });

  it("hands a spare paths with quotes, backslashes, newlines and non-ASCII characters intact", async () => {
    const runner = new LocalCodeRunner({ pythonPath: PYTHON });
    try {
      await runner.warmUp(READ_ONLY);
      const odd = join(root, `it's a "dir" \\ ü 東京\nline`);
      const folder = await createExecutionFolder({ root: odd, name: "odd" });
      const outcome = await runner.run({
        code: "import os\nprint('é')\nresults = {'cwd': os.getcwd()}",
        executionFolder: folder.folderPath,
        attemptFolder: await folder.attemptFolder(1),
        attempt: 1,
        mode: READ_ONLY,
        timeoutSeconds: 30,
      });
      expect(outcome.results).toEqual({ cwd: folder.folderPath });
      expect(outcome.stdout).toBe("é\n");
    } finally {
      await runner.close();
    }
  });

  it("uses a spare only when its environment is exactly the run's", async () => {
    const parentEnvironment: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: "C.UTF-8" };
    const runner = new LocalCodeRunner({ pythonPath: PYTHON, parentEnvironment });
    try {
      await runner.warmUp(READ_ONLY);
      const spares = await sparesOf(process.pid);
      expect(spares).toHaveLength(1);
      parentEnvironment.LANG = "en_US.UTF-8";
      // Process ids, not start-up times, tell a spare from a fresh process: timings drift on a loaded machine.
      const changed = (await runner.run(await request(WHO_AM_I))).results as { lang: string; pid: number };
      expect(changed.lang).toBe("en_US.UTF-8");
      expect(spares).not.toContain(changed.pid);

      // A mode with other variables does not get the read-only mode's spare either.
      await runner.warmUp(READ_ONLY);
      const readOnlySpares = await sparesOf(process.pid);
      expect(readOnlySpares.length).toBeGreaterThan(0);
      const other: ExecutionModeConfig = { ...READ_ONLY, environment: { EPICS_CA_ADDR_LIST: "10.0.0.1" } };
      const code = `${WHO_AM_I}\nresults['epics'] = os.environ['EPICS_CA_ADDR_LIST']`;
      const outcome = (await runner.run(await request(code, other))).results as {
        epics: string;
        pid: number;
      };
      expect(outcome.epics).toBe("10.0.0.1");
      expect(readOnlySpares).not.toContain(outcome.pid);
    } finally {
      await runner.close();
    }
  });

  it("does not use a spare once the packaged wrapper changed, so the audit copy is what ran", async () => {
    const runner = new LocalCodeRunner({ pythonPath: PYTHON });
    const script = wrapperScriptPath();
    const before = await stat(script);
    try {
      await runner.warmUp(READ_ONLY);
      const spares = await sparesOf(process.pid);
      expect(spares).toHaveLength(1);
      // A reinstall shows as a new modification time (the content is left alone: the tree is shared).
      await utimes(script, before.atime, new Date(before.mtimeMs + 5_000));
      const outcome = await runner.run(await request(WHO_AM_I));
      expect(spares).not.toContain((outcome.results as { pid: number }).pid);
      expect(await readFile(outcome.wrapperPath, "utf8")).toBe(await readFile(script, "utf8"));
    } finally {
      await utimes(script, before.atime, before.mtime);
      await runner.close();
    }
  });

  it("discards a spare that died while it waited and runs the job on a fresh process", async () => {
    const runner = new LocalCodeRunner({ pythonPath: PYTHON });
    try {
      await runner.warmUp(READ_ONLY);
      const [spare] = await sparesOf(process.pid);
      expect(spare).toBeDefined();
      process.kill(spare!, "SIGKILL");
      const outcome = await runner.run(await request(`${WHO_AM_I}\nprint('ran')`));
      expect(outcome.stdout).toBe("ran\n");
      expect((outcome.results as { pid: number }).pid).not.toBe(spare);
    } finally {
      await runner.close();
    }
  });

  it("hands the job to a fresh process when the spare ends without acknowledging it", async () => {
    // An interpreter whose first spare takes the job and dies before saying "started" (as a spare killed just
    // as it was claimed would); every other start is the real Python.
    const marker = join(root, "first-spare-done");
    const flaky = join(root, "flaky-python");
    await writeFile(
      flaky,
      [
        "#!/bin/sh",
        `if [ "$2" = "--serve-fd" ] && [ ! -e '${marker}' ]; then`,
        `  : > '${marker}'`,
        "  echo ready >&3",
        "  read -r job <&3",
        "  exit 9",
        "fi",
        `exec '${PYTHON}' "$@"`,
      ].join("\n"),
    );
    await chmod(flaky, 0o755);
    const runner = new LocalCodeRunner({ pythonPath: flaky });
    try {
      await runner.warmUp(READ_ONLY);
      expect(existsSync(marker)).toBe(true);
      const outcome = await runner.run(await request("print('ran once')\nresults = {'ok': True}"));
      expect(outcome.results).toEqual({ ok: true });
      expect(outcome.stdout).toBe("ran once\n");
    } finally {
      await runner.close();
    }
  });

  it("never runs a job twice: a spare that got as far as the code is not replaced, even unacknowledged", async () => {
    // The first spare writes the run's metadata (as the wrapper does just before the code runs) and dies without
    // its acknowledgement having been seen; the runner must report that run, not start the code again.
    const marker = join(root, "first-spare-wrote-metadata");
    const fakeSpare = [
      "import json, os",
      "os.write(3, b'ready\\n')",
      "job = json.loads(os.read(3, 65536).decode())",
      "open(os.path.join(job['attempt_folder'], 'execution_metadata.json'), 'w').write('{\"phase\": \"running\"}')",
      "os._exit(9)",
    ].join("\n");
    const flaky = join(root, "half-started-python");
    await writeFile(
      flaky,
      [
        "#!/bin/sh",
        `if [ "$2" = "--serve-fd" ] && [ ! -e '${marker}' ]; then`,
        `  : > '${marker}'`,
        `  exec '${PYTHON}' -c "${fakeSpare.replace(/"/g, '\\"')}"`,
        "fi",
        `exec '${PYTHON}' "$@"`,
      ].join("\n"),
    );
    await chmod(flaky, 0o755);
    const runner = new LocalCodeRunner({ pythonPath: flaky });
    try {
      await runner.warmUp(READ_ONLY);
      const req = await request("open('ran.txt', 'a').write('x')\nresults = 1");
      await expect(runner.run(req)).rejects.toThrow();
      expect(existsSync(join(req.executionFolder, "ran.txt"))).toBe(false);
    } finally {
      await runner.close();
    }
  });

  it("kills waiting spares on close() and starts none with warmStart off", async () => {
    const runner = new LocalCodeRunner({ pythonPath: PYTHON });
    await runner.warmUp(READ_ONLY);
    const spares = await sparesOf(process.pid);
    expect(spares).toHaveLength(1);
    await runner.close();
    expect(spares.filter(isAlive)).toEqual([]);
    await expect(runner.warmUp(READ_ONLY)).rejects.toThrow(/closed/);

    const cold = new LocalCodeRunner({ pythonPath: PYTHON, warmStart: false });
    try {
      await cold.warmUp(READ_ONLY);
      await cold.run(await request("results = 1"));
      await sleep(300);
      expect(await sparesOf(process.pid)).toEqual([]);
    } finally {
      await cold.close();
    }
  });

  it("never keeps Node.js alive, and its spares go when Node.js exits without close()", async () => {
    const script = join(root, "exit-without-close.mts");
    const runnerUrl = pathToFileURL(join(PACKAGE_ROOT, "src", "execution", "local-runner.ts")).href;
    await writeFile(
      script,
      [
        `import { mkdtemp, readdir, readFile } from "node:fs/promises";`,
        `import { join } from "node:path";`,
        `import { LocalCodeRunner } from ${JSON.stringify(runnerUrl)};`,
        `const mode = ${JSON.stringify(READ_ONLY)};`,
        `const runner = new LocalCodeRunner({ pythonPath: ${JSON.stringify(PYTHON)} });`,
        `const folder = await mkdtemp(join(${JSON.stringify(root)}, "child-"));`,
        `await runner.run({ code: "results = 1", executionFolder: folder, attemptFolder: join(folder, "a"),`,
        "  attempt: 1, mode, timeoutSeconds: 30 });",
        "await runner.warmUp(mode);",
        "const spares = [];",
        `for (const entry of await readdir("/proc")) {`,
        `  const stat = await readFile("/proc/" + entry + "/stat", "utf8").catch(() => "");`,
        `  const cmdline = await readFile("/proc/" + entry + "/cmdline", "utf8").catch(() => "");`,
        `  const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);`,
        `  if (ppid === process.pid && cmdline.includes("--serve-fd")) spares.push(Number(entry));`,
        "}",
        "console.log(JSON.stringify(spares));",
        "// No close(): the script simply ends.",
      ].join("\n"),
    );
    const started = Date.now();
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        process.execPath,
        ["--import", "tsx", script],
        { cwd: PACKAGE_ROOT, timeout: 25_000 },
        (error, out, err) => (error ? fail(new Error(`${error.message}\n${err}`)) : done(out)),
      );
    });
    // It ended on its own (a referenced spare would have kept it running until the timeout).
    expect(Date.now() - started).toBeLessThan(25_000);
    const spares = JSON.parse(stdout.trim().split("\n").at(-1)!) as number[];
    expect(spares).toHaveLength(1);
    // Killed by the exit hook, or, had Node.js been killed outright, ended by end-of-file on its control pipe.
    expect(await waitUntil(async () => spares.every((pid) => !isAlive(pid)))).toBe(true);
  }, 40_000);
});
