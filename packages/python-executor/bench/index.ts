/**
 * Runs every `*.bench.ts` in this folder, one after the other (they start processes and servers; running them
 * side by side would skew each other's timings), and prints a summary of the ratios.
 *
 *   pnpm --filter @execkit/python-executor bench
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchResult {
  name: string;
  ratio: number;
  target: number;
  skipped?: string;
}

const folder = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(folder)
  .filter((file) => file.endsWith(".bench.ts"))
  .sort();
const results: BenchResult[] = [];
for (const file of files) {
  const module = (await import(pathToFileURL(join(folder, file)).href)) as {
    default?: () => Promise<BenchResult>;
  };
  if (typeof module.default !== "function") {
    console.log(`${file}: no default export to run; skipped`);
    continue;
  }
  results.push(await module.default());
}
console.log("\nSummary (median ratios, measured in this run):");
for (const result of results) {
  const verdict = result.skipped
    ? `skipped (${result.skipped})`
    : `${result.ratio.toFixed(2)}x, target <= ${result.target}x: ${result.ratio <= result.target ? "met" : "NOT met"}`;
  console.log(`- ${result.name}: ${verdict}`);
}
