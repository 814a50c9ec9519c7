import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutionFolder } from "../files/execution-folder";
import { defaultTestPython } from "../testing/jupyter-server";
import { prepareAttemptFiles } from "./attempt-files";
import { kernelCell } from "./jupyter/kernel-cell";
import { collectRunOutcome } from "./run-outcome";
import { wrapperCommandLine, wrapperScriptPath } from "./wrapper";

const PYTHON = defaultTestPython();
const run = promisify(execFile);

let root: string;
beforeAll(async () => {
  // Quotes, a backslash, spaces and non-ASCII in the path: the kernel snippet must quote them all.
  root = join(await mkdtemp(join(tmpdir(), "execkit-wrapper-")), `it's a "dir" \\ ü`);
  await mkdir(root, { recursive: true });
});
afterAll(async () => {
  await rm(dirname(root), { recursive: true, force: true });
});

describe("wrapperCommandLine", () => {
  it("builds an argv without a shell", () => {
    const line = wrapperCommandLine("/usr/bin/python3", "/w/wrapper.py", {
      codePath: "/f/attempts/01/code.py",
      executionFolder: "/f dir/x",
      attemptFolder: "/f/attempts/01",
      readOnly: true,
      memoryLimitMb: 256,
      executionMode: "read_only",
    });
    expect(line).toEqual({
      command: "/usr/bin/python3",
      args: [
        "/w/wrapper.py",
        "--code",
        "/f/attempts/01/code.py",
        "--folder",
        "/f dir/x",
        "--attempt-folder",
        "/f/attempts/01",
        "--read-only",
        "--memory-limit-mb",
        "256",
        "--execution-mode",
        "read_only",
      ],
    });
    expect(wrapperScriptPath()).toMatch(/python[/\\]wrapper\.py$/);
  });
});

describe("the wrapper in a kernel cell", () => {
  it("runs the wrapper in-process twice (as a reused kernel would) without leaking state", async () => {
    const folder = await createExecutionFolder({ root, name: 'kernel\'s "folder"', contextData: { n: 2 } });
    const first = await prepareAttemptFiles({
      code: "import subprocess\ntry:\n    subprocess.run(['true'])\n    blocked = False\nexcept PermissionError:\n    blocked = True\nprint('first')\nresults = {'blocked': blocked, 'n': context.n}",
      attemptFolder: await folder.attemptFolder(1),
    });
    const second = await prepareAttemptFiles({
      code: "import subprocess, os\nresults = {'out': subprocess.check_output(['echo', 'hi'], text=True), 'leak': 'blocked' in globals()}",
      attemptFolder: await folder.attemptFolder(2),
    });
    const snippet = async (files: typeof first, attemptFolder: string, readOnly: boolean) =>
      kernelCell({
        wrapperPath: files.wrapperPath,
        wrapperSha256: createHash("sha256")
          .update(await readFile(files.wrapperPath))
          .digest("hex"),
        invocation: { codePath: files.codePath, executionFolder: folder.folderPath, attemptFolder, readOnly },
        environment: {},
      });
    // The "kernel": one interpreter that runs both cells, then reports what is left in its namespace and cwd.
    const program = [
      "import os",
      "start = os.getcwd()",
      await snippet(first, await folder.attemptFolder(1), true),
      await snippet(second, await folder.attemptFolder(2), false),
      "names = sorted(n for n in globals() if 'execkit' in n)",
      "print('STATE', names, os.getcwd() == start)",
    ].join("\n");
    const { stdout } = await run(PYTHON, ["-c", program], { cwd: root, timeout: 30_000 });
    expect(stdout).toContain("first\n");
    expect(stdout).toContain("STATE [] True");

    const outcome1 = await collectRunOutcome({
      executionFolder: folder.folderPath,
      attemptFolder: await folder.attemptFolder(1),
      attempt: 1,
      wrapperPath: first.wrapperPath,
    });
    expect(outcome1.stdout).toBe("first\n");
    const outcome2 = await collectRunOutcome({
      executionFolder: folder.folderPath,
      attemptFolder: await folder.attemptFolder(2),
      attempt: 2,
      wrapperPath: second.wrapperPath,
    });
    // The guard of the first (read-only) run was removed again; the second run is write-access.
    expect(outcome2.results).toEqual({ out: "hi\n", leak: false });
    const metadata = JSON.parse(
      await readFile(join(await folder.attemptFolder(1), "execution_metadata.json"), "utf8"),
    );
    expect(metadata).toMatchObject({
      success: true,
      read_only_guard: true,
      guard_refusals: ["subprocess.run"],
    });
  });
});
