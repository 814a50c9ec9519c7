import { ContainerConfigurationError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { type ApprovalMode, decideApproval, decideExecutionMode, decidePolicy } from "./policy";
import type { AnalysisFinding, AnalysisReport } from "./types";

function finding(overrides: Partial<AnalysisFinding>): AnalysisFinding {
  return {
    rule: "process.os_system",
    category: "process",
    severity: "high",
    line: 1,
    column: 0,
    message: "Runs a shell command (os.system)",
    symbol: "os.system",
    ...overrides,
  };
}

function report(findings: AnalysisFinding[] = [], overrides: Partial<AnalysisReport> = {}): AnalysisReport {
  return {
    syntaxValid: true,
    syntaxErrors: [],
    findings,
    imports: [],
    assignsResults: true,
    hasControlSystemWrites: findings.some((f) => f.category === "control_system_write"),
    hasControlSystemReads: findings.some((f) => f.category === "control_system_read"),
    hasHighRisk: findings.some((f) => f.severity === "high"),
    ...overrides,
  };
}

const caput = finding({
  rule: "epics.caput",
  category: "control_system_write",
  severity: "medium",
  line: 4,
  message: "Writes an EPICS process variable (epics.caput)",
  symbol: "epics.caput",
});
const caget = finding({
  rule: "epics.caget",
  category: "control_system_read",
  severity: "low",
  message: "Reads EPICS process variables (epics.caget)",
  symbol: "epics.caget",
});
const system = finding({ line: 7 });
const network = finding({
  rule: "network.http",
  category: "network",
  severity: "medium",
  symbol: "requests.get",
});
const syntaxError = report([], {
  syntaxValid: false,
  syntaxErrors: [{ line: 3, column: 11, message: "invalid syntax" }],
});

describe("decideExecutionMode", () => {
  it("runs read-only when nothing writes, whatever the deployment allows", () => {
    for (const epicsWritesEnabled of [true, false]) {
      expect(decideExecutionMode(report([caget]), { epicsWritesEnabled })).toMatchObject({
        mode: "read_only",
        blocked: false,
      });
    }
    expect(decideExecutionMode(report([caget]), { epicsWritesEnabled: false }).reason).toMatch(
      /Only control-system reads/,
    );
  });

  it("grants write access when the code writes and writes are enabled", () => {
    const decision = decideExecutionMode(report([caput]), { epicsWritesEnabled: true });
    expect(decision).toMatchObject({ mode: "write_access", blocked: false });
    expect(decision.reason).toContain("epics.caput");
  });

  it("blocks writes outright when writes are disabled, and stays read-only", () => {
    const decision = decideExecutionMode(report([caput]), { epicsWritesEnabled: false });
    expect(decision).toMatchObject({ mode: "read_only", blocked: true });
    expect(decision.reason).toMatch(/epicsWritesEnabled is false: the code is blocked/);
  });

  it("rejects a missing executionControl setting, naming it", () => {
    expect(() => decideExecutionMode(report(), {} as never)).toThrow(ContainerConfigurationError);
    expect(() => decideExecutionMode(report(), {} as never)).toThrow(/executionControl\.epicsWritesEnabled/);
  });
});

describe("decideApproval", () => {
  const modes: ApprovalMode[] = ["disabled", "epics_writes", "all_code"];

  it("sends code with syntax errors back for regeneration in every mode", () => {
    for (const mode of modes) {
      const decision = decideApproval(syntaxError, { mode, onHighRisk: "block" });
      expect(decision.action).toBe("regenerate");
      expect(decision.reasons).toEqual(["Syntax error at line 3, column 11: invalid syntax"]);
    }
  });

  it("asks a human about high-risk code by default, even with approval disabled", () => {
    for (const mode of modes) {
      const decision = decideApproval(report([system]), { mode });
      expect(decision.action).toBe("approve");
      expect(decision.reasons[0]).toMatch(/High-risk operations need a human decision/);
      expect(decision.reasons[1]).toBe("line 7: Runs a shell command (os.system) [process.os_system, high]");
    }
  });

  it("blocks high-risk code when configured to", () => {
    const decision = decideApproval(report([system, caget]), { mode: "all_code", onHighRisk: "block" });
    expect(decision.action).toBe("block");
    expect(decision.reasons).toHaveLength(2);
  });

  it("asks for every run in all_code mode", () => {
    expect(decideApproval(report(), { mode: "all_code" }).action).toBe("approve");
  });

  it("asks only for control-system writes in epics_writes mode", () => {
    expect(decideApproval(report([caput]), { mode: "epics_writes" })).toEqual({
      action: "approve",
      reasons: [
        "The code writes to the control system.",
        "line 4: Writes an EPICS process variable (epics.caput) [epics.caput, medium]",
      ],
    });
    expect(decideApproval(report([caget]), { mode: "epics_writes" }).action).toBe("run");
    expect(decideApproval(report([network]), { mode: "epics_writes" }).action).toBe("run");
  });

  it("runs everything that is not high risk when approval is disabled", () => {
    expect(decideApproval(report([caput, network]), { mode: "disabled" })).toEqual({
      action: "run",
      reasons: ["approval.mode is disabled and nothing high-risk was found."],
    });
  });

  it("asks when the execution mode requires approval of every run", () => {
    expect(decideApproval(report(), { mode: "disabled", modeRequiresApproval: true }).action).toBe("approve");
    expect(decideApproval(report(), { mode: "disabled", modeRequiresApproval: false }).action).toBe("run");
  });

  it("rejects unknown settings, naming the key", () => {
    expect(() => decideApproval(report(), { mode: "selective" as never })).toThrow(
      /approval\.mode is "selective"/,
    );
    expect(() => decideApproval(report(), { mode: "disabled", onHighRisk: "ignore" as never })).toThrow(
      /approval\.onHighRisk/,
    );
  });
});

describe("decidePolicy", () => {
  const approval = { mode: "epics_writes" as const };

  it("regenerates unparsable code before looking at anything else", () => {
    expect(
      decidePolicy(syntaxError, { approval, executionControl: { epicsWritesEnabled: false } }),
    ).toMatchObject({
      action: "regenerate",
      mode: "read_only",
    });
  });

  it("blocks forbidden writes even where approval would otherwise be asked", () => {
    const decision = decidePolicy(report([caput]), {
      approval,
      executionControl: { epicsWritesEnabled: false },
    });
    expect(decision.action).toBe("block");
    expect(decision.mode).toBe("read_only");
    expect(decision.reasons[0]).toMatch(/code is blocked/);
  });

  it("asks for approval of allowed writes and runs them with write access", () => {
    expect(
      decidePolicy(report([caput]), { approval, executionControl: { epicsWritesEnabled: true } }),
    ).toMatchObject({
      action: "approve",
      mode: "write_access",
    });
  });

  it("runs read-only analysis code without asking", () => {
    expect(
      decidePolicy(report([caget]), { approval, executionControl: { epicsWritesEnabled: true } }),
    ).toMatchObject({
      action: "run",
      mode: "read_only",
    });
  });
});
