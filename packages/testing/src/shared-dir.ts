import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
// @vitest/runner (not vitest) so that importing this package outside a test run does not throw.
import { describe, it } from "@vitest/runner";

/** One connector spec found in the shared specs folder. */
export interface SharedSpec {
  /** The spec's folder name, e.g. `stripe`. */
  readonly name: string;
  /** Absolute path of its `connector.yaml`. */
  readonly file: string;
  /** Absolute path of its golden traffic file, when one exists. */
  readonly goldenFile?: string;
}

/** Walks up from `start` to the folder holding `pnpm-workspace.yaml`. */
function findRepoRoot(start: string): string | undefined {
  let current = resolve(start);
  for (;;) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The shared reference folder (connector specs and golden traffic): `EXECKIT_SHARED_DIR` when set, else
 * `<repo root>/../shared`. Returns `undefined` when the folder does not exist, so callers can skip cleanly.
 *
 * @example
 * ```ts
 * const dir = sharedDir();
 * if (dir === undefined) console.warn("no shared specs here");
 * ```
 */
export function sharedDir(): string | undefined {
  const fromEnv = process.env.EXECKIT_SHARED_DIR;
  if (fromEnv) return isDirectory(fromEnv) ? resolve(fromEnv) : undefined;
  // The repo root is found from the working directory: vitest runs each package with its own folder as cwd.
  const root = findRepoRoot(process.cwd());
  if (root === undefined) return undefined;
  const candidate = resolve(root, "..", "shared");
  return isDirectory(candidate) ? candidate : undefined;
}

/** `<shared>/airbyte-specs`, or `undefined` when absent. */
export function sharedSpecsDir(): string | undefined {
  const base = sharedDir();
  if (base === undefined) return undefined;
  const dir = join(base, "airbyte-specs");
  return isDirectory(dir) ? dir : undefined;
}

/** `<shared>/airbyte-golden`, or `undefined` when absent. */
export function sharedGoldenDir(): string | undefined {
  const base = sharedDir();
  if (base === undefined) return undefined;
  const dir = join(base, "airbyte-golden");
  return isDirectory(dir) ? dir : undefined;
}

/**
 * Every `<name>/connector.yaml` in the shared specs folder, sorted by name; an empty list when the folder is
 * absent.
 */
export function listSharedSpecs(): SharedSpec[] {
  const specs = sharedSpecsDir();
  if (specs === undefined) return [];
  const golden = sharedGoldenDir();
  const out: SharedSpec[] = [];
  for (const name of readdirSync(specs).sort()) {
    const file = join(specs, name, "connector.yaml");
    if (!existsSync(file)) continue;
    const goldenFile = golden === undefined ? undefined : join(golden, `${name}.json`);
    out.push({
      name,
      file,
      ...(goldenFile !== undefined && existsSync(goldenFile) ? { goldenFile } : {}),
    });
  }
  return out;
}

/** The message a suite skipped for lack of shared specs carries. */
export const SHARED_SPECS_MISSING =
  "shared connector specs not found: set EXECKIT_SHARED_DIR or place them at <repo root>/../shared/airbyte-specs";

/**
 * `describe` that runs only when the shared specs exist, and otherwise registers one skipped test whose name
 * says why, so a skipped run is visible in the report instead of silently empty.
 *
 * @example
 * ```ts
 * describeWithSharedSpecs("conformance", (specs) => {
 *   for (const spec of specs) it(spec.name, async () => { … });
 * });
 * ```
 */
export function describeWithSharedSpecs(name: string, body: (specs: SharedSpec[]) => void): void {
  const specs = listSharedSpecs();
  if (specs.length === 0) {
    describe(name, () => {
      it.skip(`skipped: ${SHARED_SPECS_MISSING}`, () => {});
    });
    return;
  }
  describe(name, () => body(specs));
}
