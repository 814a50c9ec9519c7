import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WorkflowError } from "@execkit/errors";
import { METADATA_FILE_NAME } from "./run-metadata";
import { WRAPPER_FILE_NAME, wrapperScriptPath } from "./wrapper";

/** The user code's file name in every attempt folder. */
export const CODE_FILE_NAME = "code.py";

/** The files {@link prepareAttemptFiles} wrote. */
export interface AttemptFiles {
  /** `<attempt>/code.py`: the code exactly as it will run. */
  codePath: string;
  /** `<attempt>/wrapper.py`: the copy of the wrapper that will run it, kept for audit. */
  wrapperPath: string;
}

/**
 * Saves the code and a copy of the wrapper into the attempt folder (creating it), and removes the metadata of
 * an earlier run there. The folder then shows exactly what ran: the Jupyter engine and freshly started local
 * processes run this copy itself, and a local spare only runs if the packaged wrapper it loaded is unchanged.
 * Tracebacks name `code.py` with the user's own line numbers.
 *
 * @throws WorkflowError (`ATTEMPT_FILES_FAILED`) when the folder cannot be written.
 * @throws ContainerConfigurationError when the packaged wrapper script is missing (a broken install).
 */
export async function prepareAttemptFiles(input: {
  code: string;
  attemptFolder: string;
}): Promise<AttemptFiles> {
  const codePath = join(input.attemptFolder, CODE_FILE_NAME);
  const wrapperPath = join(input.attemptFolder, WRAPPER_FILE_NAME);
  const source = wrapperScriptPath();
  try {
    await mkdir(input.attemptFolder, { recursive: true });
    await Promise.all([
      writeFile(codePath, input.code, "utf8"),
      copyFile(source, wrapperPath),
      // Metadata left by an earlier run in this folder must not pass for this run's (a wrapper that never
      // starts writes none, and the engines read "no metadata" as "did not start").
      rm(join(input.attemptFolder, METADATA_FILE_NAME), { force: true }),
    ]);
  } catch (error) {
    throw new WorkflowError(
      `The code could not be saved in ${input.attemptFolder}: ${(error as Error).message}. Check that the ` +
        "execution root is writable and has free space.",
      "execution",
      { code: "ATTEMPT_FILES_FAILED", cause: error },
    );
  }
  return { codePath, wrapperPath };
}
