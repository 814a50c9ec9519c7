import { Presets, SingleBar } from "cli-progress";
import type { Reporter } from "../reporter";

/** A progress bar that only draws on a terminal; elsewhere (CI, --quiet, pipes) it stays silent. */
export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

/** Starts a bar of `total` steps labelled `label`. */
export function startProgress(reporter: Reporter, label: string, total: number): Progress {
  if (!reporter.interactive) return { increment() {}, stop() {} };
  const bar = new SingleBar(
    {
      format: `   ${label} [{bar}] {value}/{total} {percentage}%`,
      stream: reporter.stream,
      clearOnComplete: true,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: (by = 1) => bar.increment(by), stop: () => bar.stop() };
}
