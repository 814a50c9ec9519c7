import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultTestPython } from "../../testing/jupyter-server";
import { prepareAttemptFiles } from "../attempt-files";
import { kernelCell } from "./kernel-cell";

const python = defaultTestPython();
let folders: string[] = [];

afterEach(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  folders = [];
});

/** Runs the cell in a plain interpreter: the same statements the kernel executes, without a kernel. */
function runCell(cell: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(python, ["-c", cell], { env, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? fail(Object.assign(error, { stderr })) : done({ stdout, stderr }),
    );
  });
}

describe("kernelCell", () => {
  it("hands the mode's environment to the code, quoting any value safely, and forces the Agg backend", {
    timeout: 30_000,
  }, async () => {
    const folder = await mkdtemp(join(tmpdir(), "execkit-kernel-cell-"));
    folders.push(folder);
    const attemptFolder = join(folder, "attempts", "01");
    const code = [
      "import os, matplotlib",
      'results = {k: os.environ.get(k) for k in ("PLAIN", "TRICKY", "UNICODE")}',
      'results["backend"] = matplotlib.get_backend()',
      'results["helpers_left"] = [n for n in globals() if n.startswith("__execkit")]',
    ].join("\n");
    const files = await prepareAttemptFiles({ code, attemptFolder });
    const environment = {
      PLAIN: "gateway:5064",
      TRICKY: "quote\" ' backslash\\ newline\n end \u0001 {braces}",
      UNICODE: "ünïcødé ✓",
    };
    const cell = kernelCell({
      wrapperPath: files.wrapperPath,
      invocation: {
        codePath: files.codePath,
        executionFolder: folder,
        attemptFolder,
        readOnly: false,
        executionMode: "write_access",
      },
      environment,
    });
    // The inline backend a kernel sets must not survive into the run.
    await runCell(cell, {
      PATH: process.env.PATH ?? "",
      MPLBACKEND: "module://matplotlib_inline.backend_inline",
    });
    const results = JSON.parse(await readFile(join(folder, "results.json"), "utf8"));
    expect(results).toEqual({ ...environment, backend: "agg", helpers_left: [] });
  });
});
