import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
 */
export async function prepareAttemptFiles(input: {
  code: string;
  attemptFolder: string;
}): Promise<AttemptFiles> {
  await mkdir(input.attemptFolder, { recursive: true });
  const codePath = join(input.attemptFolder, CODE_FILE_NAME);
  const wrapperPath = join(input.attemptFolder, WRAPPER_FILE_NAME);
  await Promise.all([writeFile(codePath, input.code, "utf8"), copyFile(wrapperScriptPath(), wrapperPath)]);
  return { codePath, wrapperPath };
}
