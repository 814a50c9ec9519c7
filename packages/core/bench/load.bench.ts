/**
 * Cold-load benchmark of the connector.yaml loader against a raw `yaml` parse of the same text, in one run.
 *
 *   pnpm --filter @execkit/core bench
 *
 * "Cold" means every iteration loads from the text again: no model, no parsed document and no resolved
 * `$ref` is reused between iterations (each `loadConnectorModel()` call starts from scratch). The file is read
 * once beforehand so disk time does not blur the ratio. Target: full load <= 2x the raw parse.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadConnectorModel } from "../src/index";

const sharedDir =
  process.env.EXECKIT_SHARED_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared");
const specsDir = join(sharedDir, "airbyte-specs");
let names: string[];
try {
  names = readdirSync(specsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
} catch {
  console.log(`Skipped: no connector specs at ${specsDir} (set EXECKIT_SHARED_DIR).`);
  process.exit(0);
}
const texts = names.map((name) => ({
  name,
  text: readFileSync(join(specsDir, name, "connector.yaml"), "utf8"),
}));
const stripe = texts.filter((spec) => spec.name === "stripe");

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median time of `fn` over all specs, alternating with the baseline so both see the same machine load. */
function compare(label: string, specs: { name: string; text: string }[]): void {
  const raw: number[] = [];
  const load: number[] = [];
  const build: number[] = [];
  const parsed = specs.map((spec) => parse(spec.text) as Record<string, unknown>);
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    let start = performance.now();
    for (const spec of specs) parse(spec.text);
    const rawTime = performance.now() - start;
    start = performance.now();
    for (const spec of specs) loadConnectorModel(spec.text, { file: spec.name });
    const loadTime = performance.now() - start;
    // The loader's own work: validation, $ref resolution, model building and freezing (plus the defensive copy
    // of the caller's object), without YAML.
    start = performance.now();
    for (const document of parsed) loadConnectorModel(document);
    const buildTime = performance.now() - start;
    if (round >= WARMUP) {
      raw.push(rawTime);
      load.push(loadTime);
      build.push(buildTime);
    }
  }
  const bytes = specs.reduce((sum, spec) => sum + spec.text.length, 0);
  const rawMedian = median(raw);
  const loadMedian = median(load);
  const ratio = loadMedian / rawMedian;
  console.log(
    `${label.padEnd(28)} ${(bytes / 1024).toFixed(0).padStart(6)} KB   yaml.parse ${rawMedian.toFixed(1).padStart(8)} ms   ` +
      `loadConnectorModel ${loadMedian.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)}x ${ratio <= 2 ? "(target <= 2x: met)" : "(target <= 2x: MISSED)"}   ` +
      `from parsed object ${median(build).toFixed(1).padStart(7)} ms (${(median(build) / rawMedian).toFixed(2)}x)`,
  );
}

console.log(`Node ${process.version}; median of ${ROUNDS} rounds after ${WARMUP} warm-up rounds`);
compare("stripe (1 spec)", stripe);
compare(`all shared specs (${texts.length})`, texts);
