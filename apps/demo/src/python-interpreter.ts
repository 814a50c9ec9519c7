import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { ContainerConfigurationError } from "@execkit/errors";

/**
 * The interpreter of step 4: `EXECKIT_PYTHON`, else Debian's `/usr/bin/python3` when it exists (another python3
 * earlier on PATH, such as a bare virtualenv, often lacks matplotlib), else `python3` on PATH.
 */
export function resolvePython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EXECKIT_PYTHON) return env.EXECKIT_PYTHON;
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/**
 * Fails in a second, before any other step, when the interpreter is missing or cannot import what the analysis
 * needs, rather than after the executors ran.
 */
export function assertPythonReady(
  pythonPath: string,
  modules: readonly string[] = ["pandas", "matplotlib"],
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      pythonPath,
      ["-c", `import ${modules.join(", ")}`],
      { timeout: 30_000 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        const missing = /No module named '([^']+)'/.exec(stderr)?.[1];
        const reason =
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? `the Python interpreter ${pythonPath} was not found`
            : missing
              ? `${pythonPath} cannot import ${missing}`
              : `${pythonPath} failed to import ${modules.join(" and ")}`;
        reject(
          new ContainerConfigurationError(
            `Step 4 needs Python with ${modules.join(" and ")}, but ${reason}.`,
            { configKey: "pythonPath" },
          ),
        );
      },
    );
  });
}
