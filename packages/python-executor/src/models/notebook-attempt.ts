import type { NotebookAttempt as NotebookAttemptRecord } from "../notebooks/notebook-attempt";
import { NotebookType } from "../notebooks/notebook-type";

export { NotebookType };

/** The JSON form of a {@link NotebookAttempt}, as the workflow state keeps it (part of the notebooks module). */
export type NotebookAttemptData = NotebookAttemptRecord;

/** One notebook written during a request: which stage wrote it, where it is, and the error it documents. */
export class NotebookAttempt implements NotebookAttemptData {
  readonly notebookType: NotebookType;
  readonly attemptNumber: number;
  readonly stage: string;
  readonly notebookPath: string;
  readonly notebookLink: string;
  readonly errorContext?: string;
  readonly createdAt: string;

  constructor(data: Omit<NotebookAttemptData, "createdAt"> & { createdAt?: string }) {
    this.notebookType = data.notebookType;
    this.attemptNumber = data.attemptNumber;
    this.stage = data.stage;
    this.notebookPath = data.notebookPath;
    this.notebookLink = data.notebookLink;
    this.errorContext = data.errorContext;
    this.createdAt = data.createdAt ?? new Date().toISOString();
  }

  /** The reference's dictionary form (snake_case keys, the type as its string value). */
  toDict(): Record<string, unknown> {
    return {
      notebook_type: this.notebookType,
      attempt_number: this.attemptNumber,
      stage: this.stage,
      notebook_path: this.notebookPath,
      notebook_link: this.notebookLink,
      error_context: this.errorContext ?? null,
      created_at: this.createdAt,
    };
  }
}
