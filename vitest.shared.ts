import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "vitest/config";

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

/** CI retries a failed test once: real processes and servers meet a loaded machine there. Locally, never. */
const retry = process.env.CI ? 1 : 0;

/**
 * The vitest config of one workspace package: sibling sources by alias, generous timeouts for tests that start
 * real processes and servers, and, in CI, one retry with every retried test named by `vitest.retry-reporter.ts`.
 */
export function packageTestConfig(name: string): UserConfig {
  return defineConfig({
    resolve: { alias: workspaceSourceAliases },
    test: {
      name,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      retry,
      reporters: retry > 0 ? ["default", join(root, "vitest.retry-reporter.ts")] : ["default"],
    },
  });
}
