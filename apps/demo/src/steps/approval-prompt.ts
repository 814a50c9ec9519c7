import { createInterface } from "node:readline/promises";
import type { ApprovalRequest, ApprovalResume } from "@execkit/python-executor";
import type { Reporter } from "../reporter";

/** How the demo answers an approval request. */
export interface ApprovalPolicy {
  /** `--yes`: approve without asking. */
  autoApprove: boolean;
  /** Where to ask; only a terminal can answer. */
  input: NodeJS.ReadStream;
}

/**
 * Shows what the approver is asked to approve (the exact code, the static analysis, the PRE_EXECUTION notebook)
 * and returns the resume value: approved with `--yes` or a "y" typed at a terminal, else rejected with the reason.
 * The code hash goes back with an approval, so only this exact code can run.
 */
export async function decideApproval(
  approval: ApprovalRequest,
  policy: ApprovalPolicy,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<ApprovalResume> {
  const mustAsk = !policy.autoApprove;
  // With --quiet and --yes nobody reads it; when a human must answer, it is shown whatever the flags.
  const show = mustAsk ? (text: string) => reporter.always(text) : (text: string) => reporter.note(text);
  show("");
  show(
    reporter.style("bold", `   Approval needed (${approval.executionMode}): ${approval.reasons.join("; ")}`),
  );
  show(reporter.style("dim", `   ┌── code to run (sha256 ${approval.codeSha256.slice(0, 12)}…)`));
  approval.code.split("\n").forEach((line, index) => {
    show(`   │ ${reporter.style("dim", String(index + 1).padStart(3))}  ${line}`);
  });
  show(reporter.style("dim", "   └──"));
  const { findings, imports, assignsResults } = approval.analysis;
  show(
    `   static analysis: imports ${imports.join(", ") || "nothing"}; assigns results: ${assignsResults ? "yes" : "no"}`,
  );
  if (findings.length === 0) show("   findings: none");
  for (const finding of findings)
    show(`   finding: line ${finding.line} [${finding.severity}] ${finding.message}`);
  show(`   notebook to review: ${approval.notebookPath}`);

  if (policy.autoApprove) {
    reporter.note("approved by --yes");
    return { approved: true, codeSha256: approval.codeSha256, comment: "approved with --yes" };
  }
  if (!policy.input.isTTY) {
    return {
      approved: false,
      comment: "no terminal to ask for approval and --yes was not given",
    };
  }
  const prompt = createInterface({ input: policy.input, output: reporter.stream });
  // readline swallows Ctrl-C at a prompt (it only pauses); pass it on so the demo's handler aborts the run.
  prompt.once("SIGINT", () => process.kill(process.pid, "SIGINT"));
  try {
    const answer = await prompt.question("   Run this code? [y/N] ", { signal });
    const approved = /^y(es)?$/i.test(answer.trim());
    return approved
      ? { approved: true, codeSha256: approval.codeSha256, comment: "approved at the terminal" }
      : { approved: false, comment: "declined at the terminal" };
  } finally {
    prompt.close();
  }
}
