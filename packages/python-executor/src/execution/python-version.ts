import { execFile } from "node:child_process";
import { ContainerConfigurationError, ContainerConnectivityError } from "@execkit/errors";

/** The oldest Python the wrapper supports. */
export const MIN_PYTHON_VERSION: readonly [number, number] = [3, 9];

/**
 * Asks the interpreter for its version and checks it is at least {@link MIN_PYTHON_VERSION}.
 *
 * @returns the version, e.g. `3.11.2`.
 * @throws ContainerConnectivityError the interpreter could not be started (missing, not executable, timed out).
 * @throws ContainerConfigurationError the interpreter is too old or did not answer like Python.
 */
export function checkPythonVersion(
  python: string,
  options: { env?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      python,
      ["-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"],
      { env: options.env, timeout: options.timeoutMs ?? 30_000, signal: options.signal, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          const reason =
            typeof code === "string" ? code : `${error.message.split("\n")[0]} ${stderr.trim()}`.trim();
          reject(
            new ContainerConnectivityError(
              `The Python interpreter "${python}" could not be run (${reason}). Install Python >= ` +
                `${MIN_PYTHON_VERSION.join(".")} or set pythonPath to a working interpreter.`,
              "localhost",
              0,
              { cause: error, technicalDetails: { python, stderr: stderr.slice(-2000) } },
            ),
          );
          return;
        }
        const version = stdout.trim();
        const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
        if (!match) {
          reject(
            new ContainerConfigurationError(
              `"${python}" did not report a Python version (got "${version.slice(0, 200)}").`,
              {
                configKey: "pythonPath",
              },
            ),
          );
          return;
        }
        const [major, minor] = [Number(match[1]), Number(match[2])];
        const [wantMajor, wantMinor] = MIN_PYTHON_VERSION;
        if (major < wantMajor || (major === wantMajor && minor < wantMinor)) {
          reject(
            new ContainerConfigurationError(
              `"${python}" is Python ${version}; the execution wrapper needs Python >= ${MIN_PYTHON_VERSION.join(".")}. ` +
                "Set pythonPath to a newer interpreter.",
              { configKey: "pythonPath", technicalDetails: { python, version } },
            ),
          );
          return;
        }
        resolvePromise(version);
      },
    );
  });
}
