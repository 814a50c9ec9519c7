/**
 * The service's warm-up: `warmUp()` and the first request start the analyzer and a spare interpreter ahead of
 * the run, and `close()` takes them down again. Needs python3 (EXECKIT_PYTHON, default /usr/bin/python3).
 */
import { Command } from "@langchain/langgraph";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isApprovalInterrupt } from "./approval/approval-request";
import type { ExecutionModeConfig } from "./execution/types";
import { PythonExecutorService } from "./service";
import { outcome, ScriptedAnalyzer, ScriptedRunner, temporaryRoot } from "./service-test-support";
import { defaultTestPython } from "./testing/jupyter-server";
import { childProcesses } from "./testing/process-table";

const PYTHON = defaultTestPython();
const REQUEST = {
  userQuery: "x",
  taskObjective: "x",
  executionFolderName: "warm",
  approvedCode: "results = {'x': 1}",
};

let root: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ root, remove } = await temporaryRoot("execkit-pyexec-warm-"));
});
afterEach(async () => {
  await remove();
});

/** Live Python children of this process, by role: spare wrappers (`--serve-fd`) and analyzers. */
async function pythonChildren(): Promise<{ spares: number[]; analyzers: number[] }> {
  const children = await childProcesses(process.pid);
  return {
    spares: children.filter((child) => child.args.includes("--serve-fd")).map((child) => child.pid),
    analyzers: children.filter((child) => child.args.includes("analyzer.py")).map((child) => child.pid),
  };
}

function service(): PythonExecutorService {
  return new PythonExecutorService({
    executionMethod: "local",
    pythonPath: PYTHON,
    executionRoot: root,
    approval: { mode: "disabled" },
  });
}

describe("PythonExecutorService warm-up", () => {
  it("warmUp() starts the analyzer and a spare interpreter; close() stops both", async () => {
    const warm = service();
    await warm.warmUp();
    const running = await pythonChildren();
    expect(running.spares).toHaveLength(1);
    expect(running.analyzers).toHaveLength(1);
    const out = await warm.ainvoke(REQUEST, { configurable: { thread_id: "w1" } });
    expect(isApprovalInterrupt(out) ? undefined : out.executionResult.results).toEqual({ x: 1 });
    await warm.close();
    expect(await pythonChildren()).toEqual({ spares: [], analyzers: [] });
    await expect(warm.warmUp()).rejects.toThrow(/closed/);
  });

  it("the first new request warms the parts it will need, once; a resume does not", async () => {
    const warmed: string[] = [];
    const analyzer = Object.assign(new ScriptedAnalyzer(), {
      start: async () => {
        warmed.push("analyzer");
      },
    });
    const runner = Object.assign(new ScriptedRunner(async () => outcome({ x: 1 })), {
      warmUp: async (mode?: ExecutionModeConfig) => {
        warmed.push(`runner:${mode?.modeName}`);
      },
    });
    const scripted = new PythonExecutorService({
      executionMethod: "local",
      executionRoot: root,
      approval: { mode: "all_code" },
      analyzer,
      runner,
    });
    try {
      const paused = await scripted.ainvoke(REQUEST, { configurable: { thread_id: "s1" } });
      expect(isApprovalInterrupt(paused)).toBe(true);
      expect(warmed.sort()).toEqual(["analyzer", "runner:read_only"]);
      await scripted.ainvoke(new Command({ resume: { approved: true } }), {
        configurable: { thread_id: "s1" },
      });
      await scripted.ainvoke(REQUEST, { configurable: { thread_id: "s2" } });
      expect(warmed).toHaveLength(2);
      expect(runner.requests).toHaveLength(1);
    } finally {
      await scripted.close();
    }

    // A service whose first call is a resume (another process asked for the approval) starts nothing early.
    const resumer = new PythonExecutorService({
      executionMethod: "local",
      executionRoot: root,
      analyzer,
      runner,
    });
    try {
      await expect(
        resumer.ainvoke(new Command({ resume: { approved: true } }), { configurable: { thread_id: "none" } }),
      ).rejects.toThrow(/no approval waiting/);
      expect(warmed).toHaveLength(2);
    } finally {
      await resumer.close();
    }
  });

  it("starts the next spare on its own shortly after a run", async () => {
    const local = service();
    try {
      await local.ainvoke(REQUEST, { configurable: { thread_id: "n1" } });
      let spares: number[] = [];
      for (let i = 0; i < 60 && spares.length === 0; i++) {
        await new Promise((done) => setTimeout(done, 50));
        spares = (await pythonChildren()).spares;
      }
      expect(spares).toHaveLength(1);
    } finally {
      await local.close();
    }
    expect((await pythonChildren()).spares).toEqual([]);
  });
});
