import { z } from "zod";
import type { AnalysisReport } from "../analysis/types";

/**
 * What an approver sees: the exact code, its hash, the analysis, where it would run and a notebook to open.
 * This is the value of the LangGraph interrupt.
 *
 * Differs from the reference: its approval message left the code out and the notebook link was always empty,
 * so approvers approved code they had not seen.
 */
export interface ApprovalRequest {
  /** The LangGraph thread to resume. */
  threadId: string;
  /** The code that will run if approved. */
  code: string;
  /** Hex SHA-256 of the UTF-8 code; send it back on resume to bind the approval to this code. */
  codeSha256: string;
  /** The static analysis of the code. */
  analysis: AnalysisReport;
  /** `read_only` or `write_access`. */
  executionMode: "read_only" | "write_access";
  /** Why approval is needed, most important first. */
  reasons: string[];
  /** The PRE_EXECUTION notebook (code and analysis), written before this request was raised. */
  notebookPath: string;
  notebookLink: string;
  /** A readable summary for chat interfaces, including the code. */
  userMessage: string;
  /** The request's `sessionContext` (user id, chat id, …), so an interface can route the request. */
  sessionContext?: Record<string, unknown>;
}

/** The zod schema of the resume value: `new Command({ resume: { approved, comment?, codeSha256? } })`. */
export const ApprovalResumeSchema = z
  .object({
    approved: z.boolean({ error: "resume.approved must be true or false" }),
    comment: z.string().max(10_000).optional(),
    codeSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "resume.codeSha256 must be the 64-character hex SHA-256 from the approval")
      .optional(),
  })
  .strict();

/** The approver's answer. */
export type ApprovalResume = z.infer<typeof ApprovalResumeSchema>;

const APPROVAL_INTERRUPT = Symbol.for("execkit.python-executor.approval-interrupt");

/** What `ainvoke` returns when the run stopped for approval. Resume it on the same `thread_id`. */
export interface ApprovalInterrupt {
  readonly status: "awaiting_approval";
  readonly approval: ApprovalRequest;
}

/** Wraps an approval request as the value `ainvoke` returns. */
export function createApprovalInterrupt(approval: ApprovalRequest): ApprovalInterrupt {
  const out = { status: "awaiting_approval" as const, approval };
  Object.defineProperty(out, APPROVAL_INTERRUPT, { value: true, enumerable: false });
  return out;
}

/**
 * True when `ainvoke` stopped for approval rather than returning a result.
 *
 * @example
 * ```ts
 * const out = await service.ainvoke(request, { configurable: { thread_id } });
 * if (isApprovalInterrupt(out)) console.log(out.approval.userMessage);
 * ```
 */
export function isApprovalInterrupt(value: unknown): value is ApprovalInterrupt {
  if (value === null || typeof value !== "object") return false;
  if ((value as Record<symbol, unknown>)[APPROVAL_INTERRUPT] === true) return true;
  // A value that went through JSON (another process, a queue) loses the symbol but keeps its shape.
  const candidate = value as { status?: unknown; approval?: { codeSha256?: unknown; code?: unknown } };
  return (
    candidate.status === "awaiting_approval" &&
    typeof candidate.approval?.codeSha256 === "string" &&
    typeof candidate.approval.code === "string"
  );
}

const CODE_PREVIEW_LINES = 200;

/** Builds the approver's message: task, reasons, findings, mode, notebook and the code itself. */
export function buildApprovalMessage(input: {
  taskObjective: string;
  code: string;
  codeSha256: string;
  analysis: AnalysisReport;
  executionMode: string;
  reasons: readonly string[];
  notebookLink: string;
}): string {
  const lines = input.code.split("\n");
  const shown = lines.slice(0, CODE_PREVIEW_LINES).join("\n");
  const cut =
    lines.length > CODE_PREVIEW_LINES
      ? `\n# … ${lines.length - CODE_PREVIEW_LINES} more lines in the notebook`
      : "";
  const findings =
    input.analysis.findings.length === 0
      ? ["- none"]
      : input.analysis.findings.map(
          (finding) => `- line ${finding.line} [${finding.severity}] ${finding.message} (${finding.rule})`,
        );
  return [
    "HUMAN APPROVAL REQUIRED: Python code is waiting to run.",
    "",
    `Task: ${input.taskObjective}`,
    `Execution mode: ${input.executionMode}`,
    "Why approval is needed:",
    ...input.reasons.map((reason) => `- ${reason}`),
    "Analyzer findings:",
    ...findings,
    `Notebook: ${input.notebookLink}`,
    `Code SHA-256: ${input.codeSha256}`,
    "",
    "```python",
    `${shown}${cut}`,
    "```",
    "",
    "Resume with { approved: true, codeSha256 } to run exactly this code, or { approved: false, comment } to reject it.",
  ].join("\n");
}
