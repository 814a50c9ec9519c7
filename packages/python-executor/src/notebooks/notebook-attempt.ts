import type { NotebookType } from "./notebook-type";

/** One notebook written during a request (the seed's `NotebookAttempt`). Plain data, safe to checkpoint. */
export interface NotebookAttempt {
  notebookType: NotebookType;
  /** The attempt it belongs to (1-based). */
  attemptNumber: number;
  /** The workflow stage it was written at, e.g. `generation`, `pre_execution`, `execution`, `complete`, `failed`. */
  stage: string;
  /** Absolute path of the `.ipynb` file; it exists when this record is returned. */
  notebookPath: string;
  /** A Jupyter URL when a Jupyter base URL is configured, else a `file://` URL. */
  notebookLink: string;
  /** The error the notebook documents, if any (one line). */
  errorContext?: string;
  /** ISO 8601 time it was written. */
  createdAt: string;
}
