import type { ErrorCategory } from "@execkit/errors";
import type { ApprovalRequest } from "../approval/approval-request";
import type { WorkflowStage } from "../models/failure";
import type { NotebookType } from "../models/notebook-attempt";
import type { PythonServiceResult } from "../models/result";

/**
 * What `PythonExecutorService.stream` yields, in order. Event names are noun-verb:
 * - `stage-start`: the workflow entered a stage (attempt is the current code attempt, 1-based);
 * - `code-generate`: a generation attempt produced code;
 * - `output-chunk`: the running code printed something;
 * - `notebook-save`: a notebook was written;
 * - `retry-schedule`: a failure will be retried (`regenerate` or `rerun` the same code);
 * - `approval-request`: the run stopped for approval (the last event of that call);
 * - `run-finish`: the run succeeded (the last event).
 * A failed run ends the iteration by throwing the typed error.
 */
export type PythonExecutorEvent =
  | { type: "stage-start"; stage: WorkflowStage; attempt: number }
  | { type: "code-generate"; attempt: number; code: string }
  | { type: "output-chunk"; stream: "stdout" | "stderr"; text: string; attempt: number }
  | {
      type: "notebook-save";
      notebookType: NotebookType;
      notebookPath: string;
      notebookLink: string;
      attempt: number;
    }
  | {
      type: "retry-schedule";
      action: "regenerate" | "rerun";
      category: ErrorCategory;
      message: string;
      attempt: number;
      delayMs: number;
    }
  | { type: "approval-request"; approval: ApprovalRequest }
  | { type: "run-finish"; result: PythonServiceResult };
