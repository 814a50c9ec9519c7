import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
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

/**
 * Executes cells one after another in one interpreter and one shared namespace, as a kernel does, then reports
 * what is left in that namespace and which wrapper modules were compiled.
 */
const DRIVER = `
import json, sys
namespace = {"__name__": "__main__"}
for cell in json.loads(sys.argv[1]):
    exec(compile(cell, "<cell>", "exec"), namespace)
print(json.dumps({
    "namespace": sorted(k for k in namespace if not k.startswith("__builtins__")),
    "wrappers": sorted(k for k in sys.modules if k.startswith("_execkit_wrapper_")),
}))
`;

function runCells(
  cells: string[],
  env: Record<string, string>,
): Promise<{ namespace: string[]; wrappers: string[] }> {
  return new Promise((done, fail) => {
    execFile(
      python,
      ["-c", DRIVER, JSON.stringify(cells)],
      { env, timeout: 30_000 },
      (error, stdout, stderr) => (error ? fail(Object.assign(error, { stderr })) : done(JSON.parse(stdout))),
    );
  });
}

async function cellFor(
  folder: string,
  attempt: string,
  code: string,
  environment: Record<string, string> = {},
): Promise<string> {
  const attemptFolder = join(folder, "attempts", attempt);
  const files = await prepareAttemptFiles({ code, attemptFolder });
  return kernelCell({
    wrapperPath: files.wrapperPath,
    wrapperSha256: createHash("sha256")
      .update(await readFile(files.wrapperPath))
      .digest("hex"),
    invocation: {
      codePath: files.codePath,
      executionFolder: folder,
      attemptFolder,
      readOnly: false,
      executionMode: "write_access",
    },
    environment,
  });
}

describe("kernelCell", () => {
  it("hands the mode's environment to the code, quoting any value safely, and forces the Agg backend", {
    timeout: 30_000,
  }, async () => {
    const folder = await mkdtemp(join(tmpdir(), "execkit-kernel-cell-"));
    folders.push(folder);
    const environment = {
      PLAIN: "gateway:5064",
      TRICKY: "quote\" ' backslash\\ newline\n end \u0001 {braces}",
      UNICODE: "ünïcødé ✓",
    };
    const code = [
      "import os, matplotlib",
      'results = {k: os.environ.get(k) for k in ("PLAIN", "TRICKY", "UNICODE")}',
      'results["backend"] = matplotlib.get_backend()',
    ].join("\n");
    // The inline backend a kernel sets must not survive into the run.
    const report = await runCells([await cellFor(folder, "01", code, environment)], {
      PATH: process.env.PATH ?? "",
      MPLBACKEND: "module://matplotlib_inline.backend_inline",
    });
    const results = JSON.parse(await readFile(join(folder, "results.json"), "utf8"));
    expect(results).toEqual({ ...environment, backend: "agg" });
    // The cell cleans up after itself: the kernel's namespace is as it was.
    expect(report.namespace).toEqual(["__name__"]);
  });

  it("compiles the wrapper once per kernel and reuses it for later runs", { timeout: 30_000 }, async () => {
    const folder = await mkdtemp(join(tmpdir(), "execkit-kernel-cell-"));
    folders.push(folder);
    const cells = [
      await cellFor(folder, "01", "results = 1"),
      await cellFor(folder, "02", "results = 2"),
      await cellFor(folder, "03", "results = 3"),
    ];
    const report = await runCells(cells, { PATH: process.env.PATH ?? "" });
    expect(report.wrappers).toHaveLength(1);
    expect(JSON.parse(await readFile(join(folder, "results.json"), "utf8"))).toBe(3);
    for (const attempt of ["01", "02", "03"]) {
      const metadata = JSON.parse(
        await readFile(join(folder, "attempts", attempt, "execution_metadata.json"), "utf8"),
      );
      expect(metadata).toMatchObject({ phase: "finished", success: true, results_saved: true });
    }
  });
});
