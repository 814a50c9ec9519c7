import { WorkflowError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { toAnalysisReport } from "./analysis-report";

const valid = {
  syntaxValid: true,
  syntaxErrors: [],
  findings: [
    {
      rule: "epics.caput",
      category: "control_system_write",
      severity: "medium",
      line: 2,
      column: 0,
      message: "Writes an EPICS process variable (epics.caput)",
      symbol: "epics.caput",
    },
    {
      rule: "dynamic.eval",
      category: "dynamic_code",
      severity: "high",
      line: 3,
      column: 4,
      message: "Evaluates a string as Python code (builtins.eval)",
    },
  ],
  imports: ["epics"],
  assignsResults: true,
};

describe("toAnalysisReport", () => {
  it("derives the summary flags from the findings", () => {
    const report = toAnalysisReport(valid);
    expect(report.hasControlSystemWrites).toBe(true);
    expect(report.hasControlSystemReads).toBe(false);
    expect(report.hasHighRisk).toBe(true);
    expect(report.findings[1]).not.toHaveProperty("symbol");
    expect(report.imports).toEqual(["epics"]);
  });

  it("keeps the optional syntax error fields", () => {
    const report = toAnalysisReport({
      ...valid,
      syntaxValid: false,
      findings: [],
      syntaxErrors: [
        { line: 1, column: 6, message: "invalid syntax", endLine: 1, endColumn: 7, text: "def f(:" },
      ],
    });
    expect(report.syntaxErrors).toEqual([
      { line: 1, column: 6, message: "invalid syntax", endLine: 1, endColumn: 7, text: "def f(:" },
    ]);
    expect(report.hasHighRisk).toBe(false);
  });

  it.each([
    ["a missing field", { ...valid, imports: undefined }, /result\.imports is not an array/],
    [
      "an unknown severity",
      { ...valid, findings: [{ ...valid.findings[0], severity: "critical" }] },
      /severity/,
    ],
    ["an unknown category", { ...valid, findings: [{ ...valid.findings[0], category: "misc" }] }, /category/],
    [
      "a negative line",
      { ...valid, findings: [{ ...valid.findings[0], line: -1 }] },
      /line is not a non-negative/,
    ],
    ["not an object", "report", /result is not an object/],
  ])("rejects %s with a WorkflowError that says the script is out of step", (_name, raw, pattern) => {
    let caught: unknown;
    try {
      toAnalysisReport(raw);
    } catch (error) {
      caught = error;
    }
    expect(WorkflowError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(pattern);
    expect((caught as Error).message).toMatch(/out of step/);
  });
});
