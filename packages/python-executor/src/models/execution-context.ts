import { NotebookAttempt, type NotebookAttemptData } from "./notebook-attempt";

/** The JSON form of a {@link PythonExecutionContext}, as the workflow state keeps it. */
export interface PythonExecutionContextData {
  /** The request's execution folder. */
  folderPath: string;
  /** A Jupyter URL of the folder when a Jupyter base URL is configured, else a `file://` URL. */
  folderUrl: string;
  /** `<folderPath>/attempts`. */
  attemptsFolder: string;
  /** `<folderPath>/context.json`, when context data was saved. */
  contextFilePath?: string;
  /**
   * How many attempt folders an adopted folder (`existingExecutionFolder`) already held; this request's
   * attempts are numbered after them. 0 for a new folder.
   */
  attemptOffset?: number;
}

/** The files of one request: its folder, where attempts go, and every notebook written so far. */
export class PythonExecutionContext {
  folderPath?: string;
  folderUrl?: string;
  attemptsFolder?: string;
  contextFilePath?: string;
  readonly notebookAttempts: NotebookAttempt[];

  constructor(data: Partial<PythonExecutionContextData> & { notebookAttempts?: NotebookAttemptData[] } = {}) {
    this.folderPath = data.folderPath;
    this.folderUrl = data.folderUrl;
    this.attemptsFolder = data.attemptsFolder;
    this.contextFilePath = data.contextFilePath;
    this.notebookAttempts = (data.notebookAttempts ?? []).map((attempt) => new NotebookAttempt(attempt));
  }

  /** True once the execution folder exists. */
  get isInitialized(): boolean {
    return this.folderPath !== undefined;
  }

  /** Records a notebook. */
  addNotebookAttempt(attempt: NotebookAttempt): void {
    this.notebookAttempts.push(attempt);
  }

  /** The number the next notebook gets (1-based). */
  getNextAttemptNumber(): number {
    return this.notebookAttempts.length + 1;
  }
}
