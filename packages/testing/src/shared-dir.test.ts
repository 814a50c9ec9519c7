import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listSharedSpecs, sharedDir, sharedGoldenDir, sharedSpecsDir } from "./shared-dir";

const saved = process.env.EXECKIT_SHARED_DIR;

afterEach(() => {
  if (saved === undefined) delete process.env.EXECKIT_SHARED_DIR;
  else process.env.EXECKIT_SHARED_DIR = saved;
});

describe("shared dir", () => {
  it("honours EXECKIT_SHARED_DIR and lists specs with their golden files", () => {
    const root = mkdtempSync(join(tmpdir(), "execkit-shared-"));
    try {
      mkdirSync(join(root, "airbyte-specs", "beta"), { recursive: true });
      mkdirSync(join(root, "airbyte-specs", "alpha"), { recursive: true });
      mkdirSync(join(root, "airbyte-specs", "empty"), { recursive: true });
      mkdirSync(join(root, "airbyte-golden"));
      writeFileSync(join(root, "airbyte-specs", "alpha", "connector.yaml"), "openapi: 3.1.0\n");
      writeFileSync(join(root, "airbyte-specs", "beta", "connector.yaml"), "openapi: 3.1.0\n");
      writeFileSync(join(root, "airbyte-golden", "alpha.json"), "{}");
      process.env.EXECKIT_SHARED_DIR = root;
      expect(sharedDir()).toBe(root);
      expect(sharedSpecsDir()).toBe(join(root, "airbyte-specs"));
      expect(sharedGoldenDir()).toBe(join(root, "airbyte-golden"));
      expect(listSharedSpecs()).toEqual([
        {
          name: "alpha",
          file: join(root, "airbyte-specs", "alpha", "connector.yaml"),
          goldenFile: join(root, "airbyte-golden", "alpha.json"),
        },
        { name: "beta", file: join(root, "airbyte-specs", "beta", "connector.yaml") },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("returns undefined and an empty list when the folder is absent", () => {
    process.env.EXECKIT_SHARED_DIR = join(tmpdir(), "execkit-no-such-dir-0b1d");
    expect(sharedDir()).toBeUndefined();
    expect(sharedSpecsDir()).toBeUndefined();
    expect(listSharedSpecs()).toEqual([]);
  });
});
