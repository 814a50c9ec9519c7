import { ContainerConfigurationError } from "@execkit/errors";
import type { AnalysisFinding, AnalysisReport } from "./types";

/** The two execution modes the policy picks between. */
export type PolicyExecutionMode = "read_only" | "write_access";

/** The part of the deployment's execution control the policy needs (an `ExecutionControlConfig` fits). */
export interface ExecutionControlSettings {
  /** Whether control-system writes are permitted at all in this deployment. */
  readonly epicsWritesEnabled: boolean;
}

/** What {@link decideExecutionMode} concluded. */
export interface ExecutionModeDecision {
  /** The mode to run in. `read_only` whenever the code is blocked, so a caller that ignores `blocked` stays safe. */
  mode: PolicyExecutionMode;
  /** True when the code writes to the control system and the deployment forbids writes: it must not run. */
  blocked: boolean;
  /** One sentence on why, for logs and the approver. */
  reason: string;
}

/**
 * Picks the execution mode from what the analyzer found.
 *
 * | control-system writes found | `epicsWritesEnabled` | result |
 * |---|---|---|
 * | no | any | `read_only` |
 * | yes | `true` | `write_access` |
 * | yes | `false` | `read_only`, `blocked: true` |
 *
 * Differs from the reference: its `ExecutionControlConfig.get_execution_mode` quietly downgraded writes to
 * read-only, while its policy analyzer sent them back for regeneration. Writes that the deployment forbids are
 * refused outright here: no approval can grant them and regenerating would only hide the intent.
 */
export function decideExecutionMode(
  report: AnalysisReport,
  executionControl: ExecutionControlSettings,
): ExecutionModeDecision {
  if (typeof executionControl?.epicsWritesEnabled !== "boolean") {
    throw new ContainerConfigurationError(
      "executionControl.epicsWritesEnabled must be a boolean; pass { epicsWritesEnabled: false } to keep " +
        "control-system writes off.",
      { configKey: "executionControl.epicsWritesEnabled" },
    );
  }
  if (!report.hasControlSystemWrites) {
    return {
      mode: "read_only",
      blocked: false,
      reason: report.hasControlSystemReads
        ? "Only control-system reads were found: running read-only."
        : "No control-system writes were found: running read-only.",
    };
  }
  if (executionControl.epicsWritesEnabled) {
    return {
      mode: "write_access",
      blocked: false,
      reason: `Control-system writes were found (${describeSymbols(writeFindings(report))}): running with write access.`,
    };
  }
  return {
    mode: "read_only",
    blocked: true,
    reason:
      `The code writes to the control system (${describeSymbols(writeFindings(report))}) but ` +
      "executionControl.epicsWritesEnabled is false: the code is blocked.",
  };
}

/** When code needs a human: never, only for control-system writes, or always. */
export type ApprovalMode = "disabled" | "epics_writes" | "all_code";

/** What happens to high-risk code: a human decides (`approve`) or it is refused (`block`). */
export type HighRiskAction = "approve" | "block";

/** The approval settings the policy needs. */
export interface ApprovalPolicyOptions {
  mode: ApprovalMode;
  /** Default `approve`. */
  onHighRisk?: HighRiskAction;
  /**
   * Whether the chosen execution mode asks for approval of every run (`ExecutionModeConfig.requiresApproval`).
   * Differs from the reference, which read this setting and never used it.
   */
  modeRequiresApproval?: boolean;
}

/** What to do with analyzed code. */
export type PolicyAction = "run" | "approve" | "block" | "regenerate";

/** The policy's verdict and every reason behind it, most important first. */
export interface ApprovalDecision {
  action: PolicyAction;
  reasons: string[];
}

const APPROVAL_MODES: readonly ApprovalMode[] = ["disabled", "epics_writes", "all_code"];
const HIGH_RISK_ACTIONS: readonly HighRiskAction[] = ["approve", "block"];

/**
 * Decides whether analyzed code runs, waits for a human, is refused, or goes back to the generator.
 * The first matching row wins:
 *
 * | # | condition | action |
 * |---|---|---|
 * | 1 | the code does not parse | `regenerate` (the syntax errors are the reasons) |
 * | 2 | a high-severity finding, `onHighRisk: "block"` | `block` |
 * | 3 | a high-severity finding, `onHighRisk: "approve"` (default), any approval mode | `approve` |
 * | 4 | `mode: "all_code"` | `approve` |
 * | 5 | `mode: "epics_writes"` and control-system writes were found | `approve` |
 * | 6 | `modeRequiresApproval` | `approve` |
 * | 7 | otherwise | `run` |
 *
 * High-risk code stops for a human even with `mode: "disabled"`: disabling approval turns off routine
 * reviews, not the safety net; choose `onHighRisk: "block"` to refuse such code without asking.
 * Writes that the deployment forbids are blocked by {@link decideExecutionMode}, not here; {@link decidePolicy}
 * combines both.
 *
 * Differs from the reference: it sent high-risk code back for regeneration, burning retries on false positives
 * such as `df.eval(`, and never showed it to a human.
 *
 * @throws ContainerConfigurationError when `mode` or `onHighRisk` is not one of the documented values.
 */
export function decideApproval(report: AnalysisReport, options: ApprovalPolicyOptions): ApprovalDecision {
  const onHighRisk = options?.onHighRisk ?? "approve";
  if (!APPROVAL_MODES.includes(options?.mode)) {
    throw new ContainerConfigurationError(
      `approval.mode is ${JSON.stringify(options?.mode)}; use one of ${APPROVAL_MODES.join(", ")}.`,
      { configKey: "approval.mode" },
    );
  }
  if (!HIGH_RISK_ACTIONS.includes(onHighRisk)) {
    throw new ContainerConfigurationError(
      `approval.onHighRisk is ${JSON.stringify(onHighRisk)}; use "approve" or "block".`,
      { configKey: "approval.onHighRisk" },
    );
  }

  if (!report.syntaxValid) {
    return {
      action: "regenerate",
      reasons: report.syntaxErrors.map(
        (issue) => `Syntax error at line ${issue.line}, column ${issue.column}: ${issue.message}`,
      ),
    };
  }

  const highRisk = report.findings.filter((finding) => finding.severity === "high");
  if (highRisk.length > 0) {
    const reasons = highRisk.map(describeFinding);
    return onHighRisk === "block"
      ? { action: "block", reasons: ["High-risk operations are blocked by approval.onHighRisk.", ...reasons] }
      : { action: "approve", reasons: ["High-risk operations need a human decision.", ...reasons] };
  }

  if (options.mode === "all_code") {
    return { action: "approve", reasons: ["approval.mode is all_code: every run needs approval."] };
  }
  if (options.mode === "epics_writes" && report.hasControlSystemWrites) {
    return {
      action: "approve",
      reasons: ["The code writes to the control system.", ...writeFindings(report).map(describeFinding)],
    };
  }
  if (options.modeRequiresApproval === true) {
    return { action: "approve", reasons: ["The execution mode requires approval of every run."] };
  }
  return { action: "run", reasons: [runReason(options.mode, report)] };
}

/** Everything {@link decidePolicy} needs. */
export interface PolicyOptions {
  approval: ApprovalPolicyOptions;
  executionControl: ExecutionControlSettings;
}

/** The combined verdict: what to do and in which mode. */
export interface PolicyDecision extends ApprovalDecision {
  mode: PolicyExecutionMode;
}

/**
 * {@link decideExecutionMode} then {@link decideApproval}: syntax errors regenerate first (nothing else is
 * known about unparsable code), then forbidden control-system writes block, then the approval table applies.
 */
export function decidePolicy(report: AnalysisReport, options: PolicyOptions): PolicyDecision {
  const approval = decideApproval(report, options.approval);
  if (approval.action === "regenerate") return { ...approval, mode: "read_only" };
  const mode = decideExecutionMode(report, options.executionControl);
  if (mode.blocked) {
    return { action: "block", mode: mode.mode, reasons: [mode.reason, ...approval.reasons] };
  }
  return { ...approval, mode: mode.mode };
}

function writeFindings(report: AnalysisReport): AnalysisFinding[] {
  return report.findings.filter((finding) => finding.category === "control_system_write");
}

function describeSymbols(findings: readonly AnalysisFinding[]): string {
  const symbols = [...new Set(findings.map((finding) => finding.symbol ?? finding.rule))];
  return symbols.length > 0 ? symbols.join(", ") : "unknown call";
}

function describeFinding(finding: AnalysisFinding): string {
  return `line ${finding.line}: ${finding.message} [${finding.rule}, ${finding.severity}]`;
}

function runReason(mode: ApprovalMode, report: AnalysisReport): string {
  if (mode === "disabled") return "approval.mode is disabled and nothing high-risk was found.";
  return report.hasControlSystemReads
    ? "Only control-system reads were found; approval.mode epics_writes asks only for writes."
    : "No control-system writes were found; approval.mode epics_writes asks only for writes.";
}
