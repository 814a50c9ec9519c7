import {
  ApprovalRejectedError,
  AuthenticationError,
  CodeGenerationError,
  CodeRuntimeError,
  CodeSyntaxError,
  ConnectorSpecError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecKitError,
  ExecutionTimeoutError,
  InvalidConfigurationError,
  MaxAttemptsExceededError,
  NetworkError,
  PythonExecutorException,
  RequestAbortedError,
  RequestTimeoutError,
  TokenRefreshError,
} from "@execkit/errors";

const PYTHON_HINT =
  "set EXECKIT_PYTHON to a python3 that has pandas and matplotlib (Debian: apt install python3-pandas python3-matplotlib)";

/**
 * Turns any failure into the one line the demo prints: what failed, then what to do. Error messages of
 * @execkit/errors are already redacted, so they are safe to show; stack traces never are shown.
 */
export function failureMessage(error: unknown, step: string | undefined, interrupted: boolean): string {
  const where = step ? ` in step ${step}` : "";
  if (interrupted || RequestAbortedError.isInstance(error))
    return `The demo was interrupted${where}; nothing is left running.`;
  const message = oneLine(error instanceof Error ? error.message : String(error));
  return `The demo failed${where}: ${message} → ${hintFor(error)}`;
}

function hintFor(error: unknown): string {
  if (ApprovalRejectedError.isInstance(error)) {
    return "run `pnpm demo --yes` to approve the analysis code, or run the demo in a terminal and answer y.";
  }
  if (ExecutionTimeoutError.isInstance(error)) return "the machine may be busy; run the demo again.";
  if (ContainerConnectivityError.isInstance(error)) {
    return "the Jupyter Server stopped answering; run with --mode local, or check that `python3 -m jupyter_server --version` works.";
  }
  if (ContainerConfigurationError.isInstance(error)) return `${PYTHON_HINT}.`;
  if (
    CodeRuntimeError.isInstance(error) ||
    CodeSyntaxError.isInstance(error) ||
    CodeGenerationError.isInstance(error) ||
    MaxAttemptsExceededError.isInstance(error)
  ) {
    const folder = (error as PythonExecutorException).folderPath;
    const where = folder ? `open the FINAL_FAILURE notebook in ${folder} for the traceback; ` : "";
    return `${where}if a module is missing, ${PYTHON_HINT}.`;
  }
  if (PythonExecutorException.isInstance(error))
    return "the notebooks under <output>/executed_scripts show what happened.";
  if (InvalidConfigurationError.isInstance(error)) return "run `pnpm demo --help` for the options.";
  if (ConnectorSpecError.isInstance(error))
    return "restore apps/demo/connectors/acme-shop/connector.yaml from git.";
  if (AuthenticationError.isInstance(error) || TokenRefreshError.isInstance(error)) {
    return "the sandbox refused the demo's own credentials, which is a bug; please report it with this line.";
  }
  if (NetworkError.isInstance(error) || RequestTimeoutError.isInstance(error)) {
    return "a loopback server did not answer; check that nothing blocks 127.0.0.1 (a proxy, a firewall) and run the demo again.";
  }
  if (ExecKitError.isInstance(error) && (error as ExecKitError).code === "DEMO_RESULTS_DIFFER") {
    return "this is a bug in an executor; please report it with this line.";
  }
  if (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    error.code.startsWith("E")
  ) {
    return "a file or process could not be used; check the --output folder is writable and run the demo again.";
  }
  return "this looks like a bug in the demo; run again with EXECKIT_DEMO_DEBUG=1 for details and report it.";
}

/**
 * Messages of Python failures can span lines (a traceback follows the error); the demo's contract is one line,
 * so only the first is shown and the hint says where the rest is.
 */
function oneLine(message: string, max = 400): string {
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const first = (lines[0] ?? "") + (lines.length > 1 ? " (…)" : "");
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
