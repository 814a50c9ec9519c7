/**
 * The plain data of a successful run. This shape is what the workflow keeps in its checkpointed state (it must
 * stay JSON-friendly); {@link PythonExecutionSuccess} wraps it for callers.
 */
export interface PythonExecutionSuccessData {
  /** The value of `results` in the user code, read back from `results.json` (NaN and Infinity survive). */
  results: Record<string, unknown>;
  /** What the code printed to stdout. */
  stdout: string;
  /** Wall time of the user code, in seconds. */
  executionTime: number;
  /** The request's execution folder. */
  folderPath: string;
  /** The final notebook (code, outputs, figures). */
  notebookPath: string;
  /** A Jupyter URL of the final notebook when a Jupyter base URL is configured, else a `file://` URL. */
  notebookLink: string;
  /** Every figure the code produced (auto-saved and self-saved). */
  figurePaths: string[];
}

/** The dictionary form of a success, with the reference's keys (see {@link PythonExecutionSuccess.toDict}). */
export interface PythonExecutionSuccessDict {
  results: Record<string, unknown>;
  execution_stdout: string;
  execution_time_seconds: number;
  execution_folder: string;
  notebook_path: string;
  notebook_link: string;
  figure_paths: string[];
  figure_count: number;
}

/** What a successful run produced: results, output, timing and the files it left behind. */
export class PythonExecutionSuccess implements PythonExecutionSuccessData {
  readonly results: Record<string, unknown>;
  readonly stdout: string;
  readonly executionTime: number;
  readonly folderPath: string;
  readonly notebookPath: string;
  readonly notebookLink: string;
  readonly figurePaths: string[];

  constructor(data: PythonExecutionSuccessData) {
    this.results = data.results;
    this.stdout = data.stdout;
    this.executionTime = data.executionTime;
    this.folderPath = data.folderPath;
    this.notebookPath = data.notebookPath;
    this.notebookLink = data.notebookLink;
    this.figurePaths = [...data.figurePaths];
  }

  /** The reference's dictionary form, for code and prompts that expect its snake_case keys. */
  toDict(): PythonExecutionSuccessDict {
    return {
      results: this.results,
      execution_stdout: this.stdout,
      execution_time_seconds: this.executionTime,
      execution_folder: this.folderPath,
      notebook_path: this.notebookPath,
      notebook_link: this.notebookLink,
      figure_paths: [...this.figurePaths],
      figure_count: this.figurePaths.length,
    };
  }
}

/**
 * What `PythonExecutorService.ainvoke` returns when the code ran. The same type comes back whether the run
 * finished in one call or was resumed after an approval. Failures are thrown as typed errors instead.
 *
 * Differs from the reference: its resume path returned a raw state dictionary.
 */
export interface PythonServiceResult {
  /** The successful run. */
  executionResult: PythonExecutionSuccess;
  /** The code that ran. */
  generatedCode: string;
  /** How many times code was generated (0 when `approvedCode` was given). */
  generationAttempt: number;
  /** Analyzer findings and serialization warnings worth a look, as sentences. */
  analysisWarnings: string[];
}
