import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ContainerConfigurationError } from "@execkit/errors";

/** The folder, shipped beside `dist/`, that holds the package's Python scripts. */
const ASSET_FOLDER = "python";
// src/ and dist/ sit directly under the package root; a bundler may nest chunks a little deeper.
const MAX_LEVELS_UP = 6;

let cachedRoot: string | undefined;

/**
 * The absolute path of one of the package's Python scripts (`analyzer.py`, `wrapper.py`, …).
 *
 * The scripts ship in `python/` at the package root (`files: ["dist", "python"]`). This walks up from this
 * module's own folder to the first folder holding `python/<name>`, so the same code finds them from `src/` under
 * vitest and from `dist/` in both the ESM and the CJS build.
 *
 * @throws ContainerConfigurationError when the script cannot be found (a broken or partial install).
 */
export function pythonAssetPath(name: string): string {
  if (cachedRoot !== undefined) {
    const cached = join(cachedRoot, ASSET_FOLDER, name);
    if (existsSync(cached)) return cached;
  }
  const searched: string[] = [];
  let current = moduleDirectory();
  for (let level = 0; level <= MAX_LEVELS_UP; level += 1) {
    const candidate = join(current, ASSET_FOLDER, name);
    searched.push(candidate);
    if (existsSync(candidate)) {
      cachedRoot = current;
      return candidate;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  throw new ContainerConfigurationError(
    `The Python script ${JSON.stringify(name)} of @execkit/python-executor was not found (looked at ` +
      `${searched.join(", ")}). Reinstall the package: its "python" folder must sit beside "dist".`,
    { technicalDetails: { searched } },
  );
}

/**
 * This module's folder. Both builds define `__dirname` (the CJS one natively, the ESM one through tsup's
 * `shims`, from `import.meta.url`); the source, as vitest runs it, has only `import.meta.url`.
 */
function moduleDirectory(): string {
  if (typeof __dirname === "string" && __dirname.length > 0) return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}
