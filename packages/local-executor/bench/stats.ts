/** Small statistics helpers of the benchmarks. */

/** The median of `values` (the upper middle for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `min–max` of `values` with `digits` decimals, to show how far rounds spread. */
export function spread(values: readonly number[], digits = 2): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

/**
 * A full garbage collection when the runtime allows one, so every timed run starts from the same heap instead of
 * paying for the previous run's garbage. `--expose-gc` is turned on at runtime: `pnpm bench` needs no flags.
 */
export const collectGarbage: () => void = await (async () => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    const { setFlagsFromString } = await import("node:v8");
    const { runInNewContext } = await import("node:vm");
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return () => {};
  }
})();
