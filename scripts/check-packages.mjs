#!/usr/bin/env node
// Checks what users actually install: packs every publishable package, lints each tarball with publint and
// @arethetypeswrong/cli, then installs @execkit/core (with its dependencies, from tarballs) into an empty
// folder and imports it from both an .mjs and a .cjs file; runs code through both builds of python-executor.
// Run after `pnpm build` (the root script does both).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const work = mkdtempSync(join(tmpdir(), "execkit-check-packages-"));
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (command, args, options = {}) => execFileSync(command, args, { stdio: "inherit", ...options });

const packages = readdirSync(join(root, "packages"))
  .map((folder) => ({ folder, dir: join(root, "packages", folder) }))
  .map((entry) => ({ ...entry, manifest: JSON.parse(readFileSync(join(entry.dir, "package.json"), "utf8")) }))
  .filter((entry) => !entry.manifest.private);

let failures = 0;
const tarballs = {};
try {
  for (const { dir, manifest } of packages) {
    console.log(`\n▶ ${manifest.name}`);
    const out = execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: dir, encoding: "utf8" });
    const tarball = out.trim().split("\n").pop().trim();
    tarballs[manifest.name] = tarball;
    for (const [label, command, args] of [
      ["publint", bin("publint"), ["run", tarball, "--strict"]],
      ["attw", bin("attw"), [tarball, "--profile", "node16", "--format", "table-flipped"]],
    ]) {
      try {
        run(command, args, { cwd: dir });
        console.log(`  ✓ ${label}`);
      } catch {
        console.error(`  ✗ ${label} failed for ${manifest.name}`);
        failures++;
      }
    }
  }

  // Selective install: only @execkit/core and what it needs, from the tarballs just packed.
  const consumer = join(work, "consumer");
  run("mkdir", ["-p", consumer]);
  const local = {
    "@execkit/core": `file:${tarballs["@execkit/core"]}`,
    "@execkit/errors": `file:${tarballs["@execkit/errors"]}`,
  };
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, dependencies: local, overrides: local }, null, 2),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: consumer });
  const probe = `
    const core = MODULE_CORE; const errors = MODULE_ERRORS;
    const model = core.loadConnectorModel({
      openapi: "3.1.0",
      info: { title: "Probe", version: "1.0.0", "x-airbyte-connector-definition-id": "00000000-0000-4000-8000-000000000000",
              "x-airbyte-external-documentation-urls": [{ url: "https://example.com/docs", type: "api_reference" }] },
      servers: [{ url: "https://api.example.com" }],
      paths: { "/items": { get: { "x-airbyte-entity": "items", "x-airbyte-action": "list", responses: { "200": { description: "ok" } } } } },
    });
    if (model.entities.length !== 1 || core.Action.LIST !== "list") throw new Error("core did not load a model");
    const error = new errors.RateLimitError("slow", { status: 429 });
    if (!errors.ExecKitError.isInstance(error)) throw new Error("errors brand check failed");
    console.log("  ✓ imported from " + KIND);
  `;
  writeFileSync(
    join(consumer, "probe.mjs"),
    `import * as c from "@execkit/core"; import * as e from "@execkit/errors";\n${probe.replace("MODULE_CORE", "c").replace("MODULE_ERRORS", "e").replace("KIND", '"ESM (.mjs)"')}`,
  );
  writeFileSync(
    join(consumer, "probe.cjs"),
    probe
      .replace("MODULE_CORE", 'require("@execkit/core")')
      .replace("MODULE_ERRORS", 'require("@execkit/errors")')
      .replace("KIND", '"CommonJS (.cjs)"'),
  );
  console.log("\n▶ selective install of @execkit/core");
  for (const file of ["probe.mjs", "probe.cjs"]) {
    try {
      run(process.execPath, [file], { cwd: consumer });
    } catch {
      console.error(`  ✗ ${file} failed`);
      failures++;
    }
  }

  // The built python-executor finds its Python scripts beside dist/ and loads the optional SQLite checkpointer
  // from both builds: a run with a checkpoint file, from ESM and from CommonJS.
  console.log("\n▶ @execkit/python-executor builds run Python and load SQLite");
  const pythonPackage = join(root, "packages", "python-executor");
  const python = process.env.EXECKIT_PYTHON ?? "/usr/bin/python3";
  const serviceProbe = (load, kind) => `
    const { PythonExecutorService } = ${load};
    const { mkdtempSync, existsSync } = require("node:fs");
    const folder = mkdtempSync(require("node:path").join(require("node:os").tmpdir(), "execkit-probe-"));
    const sqlitePath = folder + "/checkpoints.sqlite";
    const service = new PythonExecutorService({ executionMethod: "local", pythonPath: ${JSON.stringify(python)},
      executionRoot: folder, approval: { mode: "disabled" }, checkpointer: { sqlitePath } });
    const out = await service.ainvoke({ userQuery: "probe", taskObjective: "probe", executionFolderName: "probe",
      approvedCode: "results = {'x': 1}" }, { configurable: { thread_id: "probe" } });
    await service.close();
    if (out.executionResult.results.x !== 1 || !existsSync(sqlitePath)) throw new Error("the run did not complete");
    require("node:fs").rmSync(folder, { recursive: true, force: true });
    console.log("  ✓ ran code with a SQLite checkpoint from ${kind}");
  `;
  const probes = {
    "probe-python.mjs": `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);\n${serviceProbe('await import("./dist/index.js")', "ESM")}`,
    "probe-python.cjs": `(async () => {${serviceProbe('require("./dist/index.cjs")', "CommonJS")}})().catch((error) => { console.error(error); process.exit(1); });`,
  };
  for (const [file, source] of Object.entries(probes)) {
    const path = join(pythonPackage, file);
    writeFileSync(path, source);
    try {
      run(process.execPath, [path], { cwd: pythonPackage });
    } catch {
      console.error(`  ✗ ${file} failed`);
      failures++;
    } finally {
      rmSync(path, { force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`\ncheck:packages: ${failures} problem(s)`);
  process.exit(1);
}
console.log("\ncheck:packages: every package packs, lints and imports cleanly");
