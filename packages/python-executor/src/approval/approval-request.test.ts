import { describe, expect, it } from "vitest";
import {
  ApprovalResumeSchema,
  buildApprovalMessage,
  createApprovalInterrupt,
  isApprovalInterrupt,
} from "./approval-request";
import { codeSha256 } from "./code-hash";

const report = {
  syntaxValid: true,
  syntaxErrors: [],
  findings: [
    {
      rule: "epics.caput",
      category: "control_system_write" as const,
      severity: "medium" as const,
      line: 2,
      column: 0,
      message: "writes PV",
    },
  ],
  imports: ["epics"],
  assignsResults: true,
  hasControlSystemWrites: true,
  hasControlSystemReads: false,
  hasHighRisk: false,
};

describe("approval requests", () => {
  it("hashes the UTF-8 bytes of the code", () => {
    expect(codeSha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(codeSha256("é")).toBe("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
    expect(codeSha256("é")).not.toBe(codeSha256("e"));
  });

  it("recognises interrupts, also after a JSON round trip", () => {
    const approval = {
      threadId: "t",
      code: "x = 1",
      codeSha256: codeSha256("x = 1"),
      analysis: report,
      executionMode: "read_only" as const,
      reasons: [],
      notebookPath: "/n.ipynb",
      notebookLink: "file:///n.ipynb",
      userMessage: "m",
    };
    const out = createApprovalInterrupt(approval);
    expect(isApprovalInterrupt(out)).toBe(true);
    expect(isApprovalInterrupt(JSON.parse(JSON.stringify(out)))).toBe(true);
    expect(isApprovalInterrupt({ executionResult: {} })).toBe(false);
    expect(isApprovalInterrupt(null)).toBe(false);
  });

  it("validates resume values strictly", () => {
    expect(ApprovalResumeSchema.safeParse({ approved: true }).success).toBe(true);
    expect(ApprovalResumeSchema.safeParse({ approved: "yes" }).success).toBe(false);
    expect(ApprovalResumeSchema.safeParse({ approved: true, codeSha256: "abc" }).success).toBe(false);
    expect(ApprovalResumeSchema.safeParse({ approved: true, extra: 1 }).success).toBe(false);
  });

  it("shows the code, the reasons, the findings and the hash to the approver", () => {
    const code = "from epics import caput\ncaput('X', 1)\nresults = {}";
    const message = buildApprovalMessage({
      taskObjective: "Set X",
      code,
      codeSha256: codeSha256(code),
      analysis: report,
      executionMode: "write_access",
      reasons: ["The code writes to the control system."],
      notebookLink: "file:///tmp/pre.ipynb",
    });
    for (const part of [
      code,
      "Set X",
      "write_access",
      "writes PV",
      codeSha256(code),
      "file:///tmp/pre.ipynb",
    ]) {
      expect(message).toContain(part);
    }
  });
});
