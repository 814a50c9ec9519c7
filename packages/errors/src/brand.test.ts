import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as source from "./index";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
type ErrorsModule = typeof source;

/** Every error class the package exports, by name. */
function errorClasses(module: ErrorsModule): Array<[string, typeof source.ExecKitError]> {
  return Object.entries(module).filter(
    (entry): entry is [string, typeof source.ExecKitError] =>
      typeof entry[1] === "function" &&
      (entry[1] === module.ExecKitError || entry[1].prototype instanceof module.ExecKitError),
  );
}

describe("brands", () => {
  it("every class declares its own brand and default code", () => {
    const classes = errorClasses(source);
    expect(classes.length).toBeGreaterThanOrEqual(30);
    const brands = new Set<symbol>();
    for (const [name, cls] of classes) {
      expect(Object.hasOwn(cls, "brand"), name).toBe(true);
      expect(Object.hasOwn(cls, "defaultCode"), name).toBe(true);
      expect(cls.brand).toBe(Symbol.for(`execkit.error.${name}`));
      brands.add(cls.brand);
    }
    expect(brands.size).toBe(classes.length);
  });

  it("isInstance follows the class tree, not siblings", () => {
    const error = new source.RateLimitError("slow down", { status: 429 });
    expect(source.RateLimitError.isInstance(error)).toBe(true);
    expect(source.HTTPStatusError.isInstance(error)).toBe(true);
    expect(source.ExecKitError.isInstance(error)).toBe(true);
    expect(source.AuthenticationError.isInstance(error)).toBe(false);
    expect(source.ExecutorError.isInstance(error)).toBe(false);
    expect(source.ExecKitError.isInstance(new Error("plain"))).toBe(false);
    expect(source.ExecKitError.isInstance(null)).toBe(false);
    expect(source.ExecKitError.isInstance("RateLimitError")).toBe(false);
  });
});

describe("identity across two installed copies of the built package", () => {
  let root: string;
  let copyA: ErrorsModule;
  let copyB: ErrorsModule;
  let copyBRequired: ErrorsModule;

  beforeAll(() => {
    // Two real installs: build once, then place the package in two separate node_modules trees.
    root = mkdtempSync(join(tmpdir(), "execkit-errors-copies-"));
    const outDir = join(root, "build");
    execFileSync(
      process.execPath,
      [
        require_.resolve("tsup/dist/cli-default.js"),
        "src/index.ts",
        "--format",
        "esm,cjs",
        "--out-dir",
        outDir,
        "--silent",
      ],
      { cwd: packageDir, stdio: "pipe" },
    );
    for (const copy of ["a", "b"]) {
      const target = join(root, copy, "node_modules", "@execkit", "errors");
      cpSync(join(packageDir, "package.json"), join(target, "package.json"));
      cpSync(outDir, join(target, "dist"), { recursive: true });
    }
  }, 60_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    copyA = await import(pathToFileURL(join(root, "a/node_modules/@execkit/errors/dist/index.js")).href);
    copyB = await import(pathToFileURL(join(root, "b/node_modules/@execkit/errors/dist/index.js")).href);
    copyBRequired = createRequire(join(root, "b", "index.cjs"))("@execkit/errors");
  });

  it("loads distinct class objects", () => {
    expect(copyA.ExecKitError).not.toBe(copyB.ExecKitError);
    expect(copyB.ExecKitError).not.toBe(copyBRequired.ExecKitError);
  });

  it("recognises every class from the other copies, by isInstance and instanceof", () => {
    for (const [name, classA] of errorClasses(copyA)) {
      const instance = makeInstance(classA);
      for (const other of [copyB, copyBRequired, source]) {
        const classOther = (other as unknown as Record<string, typeof source.ExecKitError>)[name]!;
        expect(classOther.isInstance(instance), name).toBe(true);
        expect(instance instanceof classOther, name).toBe(true);
        expect(other.ExecKitError.isInstance(instance), name).toBe(true);
      }
    }
    const rateLimit = new copyA.RateLimitError("x", { status: 429 });
    expect(copyB.AuthenticationError.isInstance(rateLimit)).toBe(false);
    expect(rateLimit instanceof copyBRequired.AuthenticationError).toBe(false);
  });
});

const require_ = createRequire(import.meta.url);

/** Builds an instance of any error class with plausible arguments. */
function makeInstance(cls: typeof source.ExecKitError): source.ExecKitError {
  const name = cls.name;
  const ctor = cls as unknown as new (...args: unknown[]) => source.ExecKitError;
  switch (name) {
    case "ConnectorSpecError":
      return new ctor("bad", { pointer: "/paths" });
    case "PaginationLimitError":
      return new ctor("cap", { maxPages: 3 });
    case "PythonExecutorException":
      return new ctor("x", "workflow");
    case "CodeRuntimeError":
      return new ctor("x", "tb", 1);
    case "CodeSyntaxError":
      return new ctor("x", []);
    case "CodeGenerationError":
      return new ctor("x", 1, []);
    case "ContainerConnectivityError":
      return new ctor("x", "h", 1);
    case "ExecutionTimeoutError":
      return new ctor(1);
    case "MaxAttemptsExceededError":
      return new ctor("x", "execution", 1, []);
    case "WorkflowError":
      return new ctor("x", "stage");
    default:
      return new ctor("x", { status: 500 });
  }
}
