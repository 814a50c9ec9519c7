import { WorkflowError } from "@execkit/errors";
import type { AnalysisFinding, AnalysisReport, FindingCategory, FindingSeverity, SyntaxIssue } from "./types";

const SEVERITIES: ReadonlySet<string> = new Set<FindingSeverity>(["low", "medium", "high"]);
const CATEGORIES: ReadonlySet<string> = new Set<FindingCategory>([
  "process",
  "dynamic_code",
  "filesystem_write",
  "network",
  "native_code",
  "deserialization",
  "control_system_read",
  "control_system_write",
  "other",
]);

/**
 * Turns the analyzer script's `result` object into an {@link AnalysisReport}, checking every field: a mismatch
 * means the script and this package are out of step, which must fail loudly rather than pass code unchecked.
 * The summary flags are derived here from the findings, so they cannot disagree with them.
 *
 * @throws WorkflowError when the result does not have the expected shape.
 */
export function toAnalysisReport(raw: unknown): AnalysisReport {
  const result = asRecord(raw, "result");
  const syntaxValid = expectBoolean(result.syntaxValid, "result.syntaxValid");
  const syntaxErrors = expectArray(result.syntaxErrors, "result.syntaxErrors").map((item, index) =>
    toSyntaxIssue(item, `result.syntaxErrors[${index}]`),
  );
  const findings = expectArray(result.findings, "result.findings").map((item, index) =>
    toFinding(item, `result.findings[${index}]`),
  );
  const imports = expectArray(result.imports, "result.imports").map((item, index) =>
    expectString(item, `result.imports[${index}]`),
  );
  return {
    syntaxValid,
    syntaxErrors,
    findings,
    imports,
    assignsResults: expectBoolean(result.assignsResults, "result.assignsResults"),
    hasControlSystemWrites: findings.some((finding) => finding.category === "control_system_write"),
    hasControlSystemReads: findings.some((finding) => finding.category === "control_system_read"),
    hasHighRisk: findings.some((finding) => finding.severity === "high"),
  };
}

function toSyntaxIssue(raw: unknown, path: string): SyntaxIssue {
  const item = asRecord(raw, path);
  const issue: SyntaxIssue = {
    line: expectInteger(item.line, `${path}.line`),
    column: expectInteger(item.column, `${path}.column`),
    message: expectString(item.message, `${path}.message`),
  };
  if (item.endLine !== undefined) issue.endLine = expectInteger(item.endLine, `${path}.endLine`);
  if (item.endColumn !== undefined) issue.endColumn = expectInteger(item.endColumn, `${path}.endColumn`);
  if (item.text !== undefined) issue.text = expectString(item.text, `${path}.text`);
  return issue;
}

function toFinding(raw: unknown, path: string): AnalysisFinding {
  const item = asRecord(raw, path);
  const severity = expectString(item.severity, `${path}.severity`);
  const category = expectString(item.category, `${path}.category`);
  if (!SEVERITIES.has(severity)) throw malformed(`${path}.severity is ${JSON.stringify(severity)}`);
  if (!CATEGORIES.has(category)) throw malformed(`${path}.category is ${JSON.stringify(category)}`);
  const finding: AnalysisFinding = {
    rule: expectString(item.rule, `${path}.rule`),
    category: category as FindingCategory,
    severity: severity as FindingSeverity,
    line: expectInteger(item.line, `${path}.line`),
    column: expectInteger(item.column, `${path}.column`),
    message: expectString(item.message, `${path}.message`),
  };
  if (item.symbol !== undefined && item.symbol !== null)
    finding.symbol = expectString(item.symbol, `${path}.symbol`);
  return finding;
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw malformed(`${path} is not an object`);
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(`${path} is not an array`);
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") throw malformed(`${path} is not a string`);
  return value;
}

function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw malformed(`${path} is not a boolean`);
  return value;
}

function expectInteger(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw malformed(`${path} is not a non-negative integer`);
  }
  return value;
}

function malformed(detail: string): WorkflowError {
  return new WorkflowError(
    `The static analyzer returned a malformed report (${detail}). The analyzer script and @execkit/python-executor ` +
      "are out of step; reinstall the package.",
    "analysis",
  );
}
