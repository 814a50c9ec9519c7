import { pythonAssetPath } from "../python-assets";

/** The wrapper's file name, in the package's `python/` folder and in every attempt folder. */
export const WRAPPER_FILE_NAME = "wrapper.py";

/** Where the packaged wrapper script is (resolved from `src/` under vitest and from `dist/` when installed). */
export function wrapperScriptPath(): string {
  return pythonAssetPath(WRAPPER_FILE_NAME);
}

/** One run of the wrapper: which code, where, and under which restrictions. */
export interface WrapperInvocation {
  /** The saved user code (`<attempt>/code.py`). */
  codePath: string;
  /** The execution folder: the code's working directory; holds `context.json`, `results.json`, `figures/`. */
  executionFolder: string;
  /** Where `execution_metadata.json`, `stdout.txt` and `stderr.txt` go. */
  attemptFolder: string;
  /** Install the runtime guard that makes control-system writes and process spawning raise `PermissionError`. */
  readOnly: boolean;
  /** Cap on the address space of the code, in MiB (`resource.setrlimit(RLIMIT_AS)`). */
  memoryLimitMb?: number;
  /** How many characters of stdout and of stderr the wrapper keeps (the rest is still streamed). */
  maxOutputChars?: number;
  /** The mode's name, recorded in the metadata. */
  executionMode?: string;
  /**
   * Whether the wrapper writes `stdout.txt` and `stderr.txt` itself (default true). The local runner turns this
   * off: it records the process's pipes, which also carry output written straight to the file descriptors.
   */
  outputFiles?: boolean;
}

/**
 * The command line that runs the wrapper as a script: `python3 <wrapper> --code … --folder … …`.
 * Arguments are passed as an argv array, never through a shell, so paths need no quoting.
 */
export function wrapperCommandLine(
  python: string,
  wrapperPath: string,
  invocation: WrapperInvocation,
): { command: string; args: string[] } {
  const args = [
    wrapperPath,
    "--code",
    invocation.codePath,
    "--folder",
    invocation.executionFolder,
    "--attempt-folder",
    invocation.attemptFolder,
  ];
  if (invocation.readOnly) args.push("--read-only");
  if (invocation.memoryLimitMb !== undefined)
    args.push("--memory-limit-mb", String(invocation.memoryLimitMb));
  if (invocation.maxOutputChars !== undefined)
    args.push("--max-output-chars", String(invocation.maxOutputChars));
  if (invocation.executionMode !== undefined) args.push("--execution-mode", invocation.executionMode);
  if (invocation.outputFiles === false) args.push("--no-output-files");
  return { command: python, args };
}

/**
 * The Python source to send to a Jupyter kernel in an `execute_request` so that it runs the same wrapper.
 *
 * The wrapper is exec'd into a private namespace and the helper deletes itself, so nothing leaks into the
 * kernel's user namespace between runs. The cell prints nothing of its own and returns `None`; the outcome is
 * read from the files afterwards, exactly as in local mode (see `collectRunOutcome`). A kernel interrupt ends the
 * cell with `KeyboardInterrupt` after the metadata was written.
 */
export function kernelWrapperSnippet(wrapperPath: string, invocation: WrapperInvocation): string {
  // JSON string literals are valid Python string literals, so every path is quoted safely.
  const literal = (value: unknown): string =>
    value === undefined || value === null
      ? "None"
      : typeof value === "boolean"
        ? value
          ? "True"
          : "False"
        : JSON.stringify(value);
  const args = [
    `code_path=${literal(invocation.codePath)}`,
    `folder=${literal(invocation.executionFolder)}`,
    `attempt_folder=${literal(invocation.attemptFolder)}`,
    `read_only=${literal(invocation.readOnly)}`,
    `memory_limit_mb=${literal(invocation.memoryLimitMb)}`,
    `execution_mode=${literal(invocation.executionMode)}`,
  ];
  if (invocation.maxOutputChars !== undefined)
    args.push(`max_output_chars=${literal(invocation.maxOutputChars)}`);
  return [
    "def __execkit_run():",
    `    path = ${literal(wrapperPath)}`,
    '    namespace = {"__name__": "execkit_wrapper", "__file__": path}',
    '    with open(path, encoding="utf-8") as handle:',
    '        exec(compile(handle.read(), path, "exec"), namespace)',
    `    namespace["run_wrapped"](${args.join(", ")})`,
    "try:",
    "    __execkit_run()",
    "finally:",
    "    del __execkit_run",
    "",
  ].join("\n");
}
