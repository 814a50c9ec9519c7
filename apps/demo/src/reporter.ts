import { styleText } from "node:util";

type Style = Parameters<typeof styleText>[0];

/** Options of {@link Reporter}. */
export interface ReporterOptions {
  /** Print only the summary and errors. */
  quiet?: boolean;
  /** Where output goes; default `process.stdout`. */
  stream?: NodeJS.WriteStream;
}

/**
 * Everything the demo prints goes through here, so `--quiet` and colours are decided in one place. Colours are
 * used only on a terminal and never when `NO_COLOR` is set.
 */
export class Reporter {
  readonly quiet: boolean;
  readonly stream: NodeJS.WriteStream;
  readonly #color: boolean;
  /** The step running now (`2 (LocalExecutor)`), named in a failure message. */
  step: string | undefined;

  constructor(options: ReporterOptions = {}) {
    this.quiet = options.quiet ?? false;
    this.stream = options.stream ?? process.stdout;
    this.#color = Boolean(this.stream.isTTY) && process.env.NO_COLOR === undefined;
  }

  /** True when a progress bar can redraw itself in place. */
  get interactive(): boolean {
    return !this.quiet && Boolean(this.stream.isTTY);
  }

  /** A step's heading: its number, its name and what it shows. */
  heading(step: number, title: string, shows: string): void {
    this.step = `${step} (${title})`;
    if (this.quiet) return;
    this.#write(`\n${this.style("bold", `${step}. ${title}`)}  ${this.style("dim", shows)}`);
  }

  /** One operation and how long it took. */
  item(label: string, detail: string, ms?: number): void {
    if (this.quiet) return;
    const time = ms === undefined ? "" : this.style("dim", `  ${formatMs(ms)}`);
    this.#write(`   ${this.style("green", "✓")} ${label.padEnd(28)} ${detail}${time}`);
  }

  /** A remark under the current step. */
  note(text: string): void {
    if (!this.quiet) this.#write(text === "" ? "" : `     ${this.style("dim", text)}`);
  }

  /** Text shown even with `--quiet` (the summary, approval prompts that need an answer). */
  always(text = ""): void {
    this.#write(text);
  }

  /** `text` styled when colours are on. */
  style(format: Style, text: string): string {
    return this.#color ? styleText(format, text) : text;
  }

  #write(text: string): void {
    this.stream.write(`${text}\n`);
  }
}

/** `1 refresh`, `2 refreshes`. */
export function plural(count: number, noun: string, suffix = "s"): string {
  return `${count} ${noun}${count === 1 ? "" : suffix}`;
}

/** `123 ms` below a second, `1.23 s` above. */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

/** Runs `work` and returns its value with the elapsed milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}
