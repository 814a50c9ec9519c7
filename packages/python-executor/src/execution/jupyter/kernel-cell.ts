import { kernelWrapperSnippet, type WrapperInvocation } from "../wrapper";

/**
 * The cell the runner sends to the kernel: a short preamble, then the wrapper call that local mode runs too.
 *
 * The preamble exists because a kernel is not a fresh interpreter:
 * - the execution mode's environment must reach the code, and a subprocess would get it at spawn time, but a
 *   kernel is already running, so `os.environ` is updated in place (the kernel belongs to this one mode, so the
 *   values never leak into another mode's runs);
 * - ipykernel sets `MPLBACKEND` to its inline backend, which shows figures as `display_data` and closes them at
 *   the end of the cell (and on `plt.show()`), so the wrapper would find none to save. Forcing Agg, as local mode
 *   has, makes both modes save the same figures.
 */
export function kernelCell(input: {
  wrapperPath: string;
  invocation: WrapperInvocation;
  environment: Readonly<Record<string, string>>;
}): string {
  const environment = JSON.stringify(input.environment);
  const preamble = [
    "def __execkit_prepare():",
    "    import os, sys",
    // A JSON object of strings is also a valid Python dict literal.
    `    os.environ.update(${environment})`,
    '    os.environ["MPLBACKEND"] = "Agg"',
    '    if "matplotlib" in sys.modules:',
    '        sys.modules["matplotlib"].use("Agg", force=True)',
    "try:",
    "    __execkit_prepare()",
    "finally:",
    "    del __execkit_prepare",
  ].join("\n");
  return `${preamble}\n${kernelWrapperSnippet(input.wrapperPath, input.invocation)}`;
}
