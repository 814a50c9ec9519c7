import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExecKitError } from "@execkit/errors";

/**
 * The demo's own folder (apps/demo). The demo runs from `src/` (tsx, tests) and from the bundled `dist/cli.js`,
 * so its files are found by walking up to the folder that holds `connectors/`, not by a fixed relative path.
 */
export function demoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    if (existsSync(join(dir, "connectors")) && existsSync(join(dir, "package.json"))) return dir;
    dir = dirname(dir);
  }
  throw new ExecKitError(
    "The demo's connectors/ folder was not found next to its code; reinstall the demo.",
    {
      code: "DEMO_FILES_MISSING",
    },
  );
}

/** The connector definition the demo ships and serves. */
export function connectorPath(): string {
  return join(demoRoot(), "connectors", "acme-shop", "connector.yaml");
}

/** The analysis code that goes to the Python service as `approvedCode`. */
export function analysisCodePath(): string {
  return join(demoRoot(), "src", "analysis", "revenue.py");
}
