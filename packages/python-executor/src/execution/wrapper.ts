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
