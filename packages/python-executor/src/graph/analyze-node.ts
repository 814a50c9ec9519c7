import { ApprovalRejectedError, CodeGenerationError, CodeSyntaxError, WorkflowError } from "@execkit/errors";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { decideExecutionMode, decidePolicy } from "../analysis/policy";
import type { AnalysisReport } from "../analysis/types";
import { type ApprovalRequest, buildApprovalMessage } from "../approval/approval-request";
import { codeSha256 } from "../approval/code-hash";
import { NotebookType } from "../models/notebook-attempt";
import type { PythonExecutionStateUpdate, PythonExecutionStateValue } from "../models/state";
import { failureUpdate } from "./failure-policy";
import { configurableOf, currentAttempt, emit } from "./node-support";
import { saveNotebook } from "./save-notebook";
import type { WorkflowDependencies } from "./workflow-dependencies";

function warningsOf(report: AnalysisReport): string[] {
  return report.findings
    .filter((finding) => finding.severity !== "low")
    .map((finding) => `line ${finding.line}: ${finding.message} [${finding.rule}, ${finding.severity}]`);
}

/**
 * Analyzes the code with the real Python AST, applies the policy (mode, approval, block), and writes the
 * PRE_EXECUTION notebook so an approver can open it before deciding. Syntax errors and missing `results` are
 * code errors (regenerate); blocked code ends the run as a policy rejection.
 */
export function createAnalyzeNode(dependencies: WorkflowDependencies) {
  return async function analyze(
    state: PythonExecutionStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<PythonExecutionStateUpdate> {
    const settings = dependencies.settings(configurableOf(config));
    const attempt = currentAttempt(state);
    emit(config, { type: "stage-start", stage: "analysis", attempt });
    const request = state.request!;
    const code = state.generatedCode;
    let report: AnalysisReport | null = null;
    try {
      if (code === null) throw new WorkflowError("There is no code to analyze.", "analysis");
      report = await dependencies.analyzer.analyze(code, { signal: config.signal });
      if (!report.syntaxValid) {
        const issues = report.syntaxErrors.map(
          (issue) => `line ${issue.line}, column ${issue.column}: ${issue.message}`,
        );
        throw new CodeSyntaxError(`The code has syntax errors: ${issues.join("; ")}`, issues);
      }
      if (request.approvedCode === undefined && !report.assignsResults) {
        throw new CodeGenerationError(
          "The code does not assign `results`; store what it computes in a module-level dict named results.",
          state.generationAttempt,
        );
      }
      const modeDecision = decideExecutionMode(report, settings.executionControl);
      const decision = decidePolicy(report, {
        approval: {
          mode: settings.approval.mode,
          onHighRisk: settings.approval.onHighRisk,
          modeRequiresApproval: settings.modes[modeDecision.mode].requiresApproval,
        },
        executionControl: settings.executionControl,
      });
      if (decision.action === "regenerate") {
        throw new CodeSyntaxError(`The code cannot run: ${decision.reasons.join("; ")}`, decision.reasons);
      }
      const sha = codeSha256(code);
      if (decision.action === "block") {
        throw new ApprovalRejectedError(`The code was blocked by policy: ${decision.reasons.join(" ")}`, {
          comment: decision.reasons.join(" "),
          codeSha256: sha,
        });
      }
      const notebook = await saveNotebook(dependencies, config, {
        type: NotebookType.PRE_EXECUTION,
        folder: state.executionFolder!,
        attempt,
        stage: "analysis",
        request,
        code,
        analysis: report,
        reasons: decision.reasons,
        requiresApproval: decision.action === "approve",
        executionMode: decision.mode,
      });
      const base: PythonExecutionStateUpdate = {
        analysisResult: report,
        analysisFailed: false,
        analysisWarnings: warningsOf(report),
        executionMode: settings.modes[decision.mode],
        notebookAttempts: notebook,
      };
      if (decision.action === "run") {
        return { ...base, requiresApproval: false, approvalInterruptData: null, currentStage: "execution" };
      }
      const { notebookPath, notebookLink } = notebook[0]!;
      const threadId = String(configurableOf(config).thread_id ?? "");
      const approval: ApprovalRequest = {
        threadId,
        code,
        codeSha256: sha,
        analysis: report,
        executionMode: decision.mode,
        reasons: decision.reasons,
        notebookPath,
        notebookLink,
        userMessage: buildApprovalMessage({
          taskObjective: request.taskObjective,
          code,
          codeSha256: sha,
          analysis: report,
          executionMode: decision.mode,
          reasons: decision.reasons,
          notebookLink,
        }),
        ...(request.sessionContext ? { sessionContext: request.sessionContext } : {}),
      };
      return { ...base, requiresApproval: true, approvalInterruptData: approval, currentStage: "approval" };
    } catch (error) {
      const update = await failureUpdate(state, error, "analysis", settings, config);
      if (ApprovalRejectedError.isInstance(error)) {
        return {
          ...update,
          failure: { ...update.failure!, outcome: "rejected" },
          analysisResult: report,
          approved: false,
        };
      }
      return { ...update, analysisResult: report, analysisFailed: true };
    }
  };
}
