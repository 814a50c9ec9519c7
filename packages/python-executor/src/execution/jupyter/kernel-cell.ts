import type { WrapperInvocation } from "../wrapper";

/** What {@link kernelCell} needs to build the cell for one run. */
export interface KernelCellInput {
  /** The wrapper copy in the attempt folder, as the kernel sees the path. */
  wrapperPath: string;
  /** SHA-256 (hex) of that wrapper's content: the key under which the kernel keeps it compiled. */
  wrapperSha256: string;
  invocation: WrapperInvocation;
  /** The execution mode's environment variables. */
  environment: Readonly<Record<string, string>>;
}

/**
 * The cell the runner sends to the kernel: it prepares the kernel, then calls the same `run_wrapped` that local
 * mode runs as a script, with the same arguments, so both modes write the same files.
 *
 * Three things differ from a fresh interpreter, and the cell deals with each:
 * - The mode's environment must reach the code. A subprocess gets it at spawn time; a kernel is already running,
 *   so `os.environ` is updated in place (the kernel belongs to this one mode, so the values never reach another
 *   mode's runs).
 * - ipykernel sets `MPLBACKEND` to its inline backend, which shows figures as `display_data` and closes them at
 *   the end of the cell (and on `plt.show()`), so the wrapper would find none to save. Forcing Agg, as local mode
 *   has, makes both modes save the same figures.
 * - The kernel lives on between runs, so the wrapper is compiled once per kernel and kept in `sys.modules` under
 *   its content hash (compiling it costs more than a warm run). A wrapper with other content gets its own entry,
 *   so a kernel never runs a stale copy; the copy in the attempt folder is byte-for-byte the code that ran.
 *
 * The helpers delete themselves, so nothing appears in the kernel's user namespace; the user code runs in a fresh
 * namespace of its own anyway.
 */
export function kernelCell(input: KernelCellInput): string {
  const { invocation } = input;
  const args = [
    `code_path=${pythonLiteral(invocation.codePath)}`,
    `folder=${pythonLiteral(invocation.executionFolder)}`,
    `attempt_folder=${pythonLiteral(invocation.attemptFolder)}`,
    `read_only=${pythonLiteral(invocation.readOnly)}`,
    `memory_limit_mb=${pythonLiteral(invocation.memoryLimitMb)}`,
    `execution_mode=${pythonLiteral(invocation.executionMode)}`,
  ];
  if (invocation.maxOutputChars !== undefined)
    args.push(`max_output_chars=${pythonLiteral(invocation.maxOutputChars)}`);
  const moduleKey = `_execkit_wrapper_${input.wrapperSha256.slice(0, 32)}`;
  return [
    "def __execkit_run():",
    "    import os, sys, types",
    `    os.environ.update(${pythonLiteral(input.environment)})`,
    '    os.environ["MPLBACKEND"] = "Agg"',
    '    if "matplotlib" in sys.modules:',
    '        sys.modules["matplotlib"].use("Agg", force=True)',
    `    wrapper = sys.modules.get(${pythonLiteral(moduleKey)})`,
    "    if wrapper is None:",
    `        path = ${pythonLiteral(input.wrapperPath)}`,
    `        wrapper = types.ModuleType(${pythonLiteral(moduleKey)})`,
    "        wrapper.__file__ = path",
    '        with open(path, encoding="utf-8") as handle:',
    '            exec(compile(handle.read(), path, "exec", dont_inherit=True), wrapper.__dict__)',
    "        sys.modules[wrapper.__name__] = wrapper",
    `    wrapper.run_wrapped(${args.join(", ")})`,
    "try:",
    "    __execkit_run()",
    "finally:",
    "    del __execkit_run",
    "",
  ].join("\n");
}

/**
 * A Python literal for a JSON-like value. JSON strings are valid Python string literals (every escape JSON.stringify
 * produces means the same in Python), and a JSON object of strings is a valid dict literal.
 */
function pythonLiteral(value: unknown): string {
  if (value === undefined || value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return JSON.stringify(value);
}
