import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutionFolder } from "../files/execution-folder";
import { defaultTestPython } from "../testing/jupyter-server";
import { prepareAttemptFiles } from "./attempt-files";
import { buildChildEnvironment } from "./child-environment";
import { processGroupAlive } from "./process-group";
import { wrapperCommandLine, wrapperScriptPath } from "./wrapper";
import { WrapperProcess } from "./wrapper-process";

const PYTHON = defaultTestPython();

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "execkit-wrapper-process-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function start(python = PYTHON): WrapperProcess {
  return WrapperProcess.start({
    python,
    wrapperPath: wrapperScriptPath(),
    env: buildChildEnvironment({ parent: process.env }),
    cwd: dirname(wrapperScriptPath()),
  });
}

function collect(process: WrapperProcess): { stdout: string; stderr: string } {
  const output = { stdout: "", stderr: "" };
  process.claim((stream, chunk) => {
    output[stream] += chunk;
  });
  return output;
}

describe("wrapper.py as a script", () => {
  it("still runs one job from its command line (wrapperCommandLine), as documented", async () => {
    const folder = await createExecutionFolder({ root, name: "script" });
    const attemptFolder = await folder.attemptFolder(1);
    const files = await prepareAttemptFiles({ code: "print('cli')\nresults = {'ok': True}", attemptFolder });
    const { command, args } = wrapperCommandLine(PYTHON, files.wrapperPath, {
      codePath: files.codePath,
      executionFolder: folder.folderPath,
      attemptFolder,
      readOnly: true,
    });
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        command,
        args,
        { env: buildChildEnvironment({ parent: process.env }), timeout: 20_000 },
        (error, out) => (error ? fail(error) : done(out)),
      );
    });
    expect(stdout).toBe("cli\n");
    expect(JSON.parse(await readFile(join(folder.folderPath, "results.json"), "utf8"))).toEqual({ ok: true });
    expect(await readFile(join(attemptFolder, "stdout.txt"), "utf8")).toBe("cli\n");
  });
});

describe("WrapperProcess (the wrapper's spare mode)", () => {
  it("waits ready, runs one job with stdin at /dev/null and without the control pipe, then exits", async () => {
    const folder = await createExecutionFolder({ root, name: "spare", contextData: { n: 3 } });
    const attemptFolder = await folder.attemptFolder(1);
    const { codePath } = await prepareAttemptFiles({
      code: [
        "import os, sys",
        "try:",
        "    os.fstat(3)",
        "    control_open = True",
        "except OSError:",
        "    control_open = False",
        "print('hello from the spare')",
        "results = {'stdin': sys.stdin.read(), 'control_open': control_open, 'n': context.n,",
        "           'cwd': os.getcwd(), 'argv': sys.argv}",
      ].join("\n"),
      attemptFolder,
    });
    const spare = start();
    expect(await spare.ready).toBe(true);
    expect(spare.available).toBe(true);
    const output = collect(spare);
    expect(spare.available).toBe(false);
    spare.send({
      code_path: codePath,
      folder: folder.folderPath,
      attempt_folder: attemptFolder,
      read_only: true,
      output_files: false,
    });
    const exit = await spare.finished;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(spare.acknowledged).toBe(true);
    expect(output.stdout).toBe("hello from the spare\n");
    expect(JSON.parse(await readFile(join(folder.folderPath, "results.json"), "utf8"))).toEqual({
      stdin: "",
      control_open: false,
      n: 3,
      cwd: folder.folderPath,
      argv: [codePath],
    });
    expect(processGroupAlive(spare.child.pid!)).toBe(false);
  });

  it("can be discarded while it waits", async () => {
    const spare = start();
    expect(await spare.ready).toBe(true);
    spare.discard();
    const exit = await spare.finished;
    expect(exit.signal).toBe("SIGKILL");
    expect(spare.acknowledged).toBe(false);
    expect(spare.available).toBe(false);
  });

  it("exits by itself, running nothing, when its parent closes the control pipe (or dies)", async () => {
    const child = spawn(PYTHON, [wrapperScriptPath(), "--serve-fd", "3"], {
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      env: buildChildEnvironment({ parent: process.env }),
    });
    const control = child.stdio[3] as Duplex;
    let said = "";
    control.setEncoding("utf8").on("data", (chunk: string) => {
      said += chunk;
      if (said === "ready\n") control.end();
    });
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(said).toBe("ready\n");
  });

  it("refuses a malformed job with a message on stderr and no acknowledgement", async () => {
    const spare = start();
    const output = collect(spare);
    spare.send({ code_path: "/x/code.py", folder: "/x", read_only: "yes" } as never);
    const exit = await spare.finished;
    expect(exit.code).toBe(1);
    expect(spare.acknowledged).toBe(false);
    expect(output.stderr).toContain("job key 'read_only' must be bool");
  });

  it("reports an interpreter that cannot be started through startError, without throwing", async () => {
    const missing = start(join(root, "no-such-python"));
    const exit = await missing.finished;
    expect(exit).toEqual({ code: null, signal: null });
    expect((missing.startError as NodeJS.ErrnoException).code).toBe("ENOENT");
    expect(await missing.ready).toBe(false);
    expect(missing.available).toBe(false);
  });
});
