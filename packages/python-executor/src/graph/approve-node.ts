import { ApprovalRejectedError, WorkflowError } from "@execkit/errors";
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  type ApprovalRequest,
  type ApprovalResume,
  ApprovalResumeSchema,
} from "../approval/approval-request";
import { codeSha256 } from "../approval/code-hash";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { failureUpdate } from "./failure-policy";
import { configurableOf, currentAttempt, emit } from "./node-support";
import type { WorkflowDependencies } from "./workflow-dependencies";

function rejection(message: string, comment: string | undefined, sha: string): ApprovalRejectedError {
  return new ApprovalRejectedError(message, { comment, codeSha256: sha });
}

/**
 * Stops the run with a LangGraph `interrupt()` carrying the approval request, and checks the answer on resume.
 * The node has no side effects before `interrupt()` (LangGraph re-runs it from the top on resume); the
 * notebook the approver opens was written by the analysis node.
 *
 * The answer must be `{ approved: boolean, comment?, codeSha256? }`. A hash that is not the hash of the code
 * about to run is a rejection, as is anything that is not a valid answer: the code never runs unless a human
 * approved exactly this code.
 */
export function createApproveNode(dependencies: WorkflowDependencies) {
  return async function approve(
    state: PythonExecutionStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<PythonExecutionStateUpdate> {
    const settings = dependencies.settings(configurableOf(config));
    const payload: ApprovalRequest | null = state.approvalInterruptData;
    if (!payload || state.generatedCode === null) {
      return failureUpdate(
        state,
        new WorkflowError("The approval step was reached without an approval request.", "approval"),
        "approval",
        settings,
        config,
      );
    }
    emit(config, { type: "stage-start", stage: "approval", attempt: currentAttempt(state) });
    const answer: unknown = interrupt(payload);
    // The hash is recomputed from the checkpointed code, never taken from the payload or the answer.
    const sha = codeSha256(state.generatedCode);
    const parsed = ApprovalResumeSchema.safeParse(answer);
    let error: ApprovalRejectedError | undefined;
    let resume: ApprovalResume | null = null;
    if (!parsed.success) {
      error = rejection(
        `The approval answer is invalid (${parsed.error.issues.map((issue) => issue.message).join("; ")}); the code was not run.`,
        undefined,
        sha,
      );
    } else {
      resume = parsed.data;
      if (!resume.approved) {
        error = rejection(
          `The code was rejected${resume.comment ? `: ${resume.comment}` : "."}`,
          resume.comment,
          sha,
        );
      } else if (resume.codeSha256 !== undefined && resume.codeSha256.toLowerCase() !== sha) {
        error = rejection(
          `The approval was for other code (codeSha256 ${resume.codeSha256} does not match ${sha}); the code was not run.`,
          resume.comment,
          sha,
        );
      }
    }
    if (error) {
      const update = await failureUpdate(state, error, "approval", settings, config);
      return {
        ...update,
        failure: { ...update.failure!, outcome: "rejected" },
        approved: false,
        approvalResult: resume,
      };
    }
    return { approved: true, approvalResult: resume, currentStage: "execution" };
  };
}
