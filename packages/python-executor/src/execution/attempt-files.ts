import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WorkflowError } from "@execkit/errors";
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
 * Saves the code and a copy of the wrapper into the attempt folder (creating it). Both engines run these copies,
 * so the folder shows exactly what ran, and tracebacks name `code.py` with the user's own line numbers.
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
    await Promise.all([writeFile(codePath, input.code, "utf8"), copyFile(source, wrapperPath)]);
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
