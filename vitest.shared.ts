import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Resolves every `@execkit/*` workspace package to its TypeScript source during tests, so a package's tests
 * never run against a stale `dist/` of a sibling. The published packages resolve through their `exports` maps.
 */
export const workspaceSourceAliases: Record<string, string> = Object.fromEntries(
  readdirSync(join(root, "packages")).map((folder) => [
    `@execkit/${folder}`,
    join(root, "packages", folder, "src", "index.ts"),
  ]),
);
