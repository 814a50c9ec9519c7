import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerConfigurationError, WorkflowError } from "@execkit/errors";
import { afterEach, describe, expect, it } from "vitest";
import type { CodeRunRequest, ExecutionModeConfig } from "../types";
import { JupyterCodeRunner } from "./jupyter-code-runner";

const mode: ExecutionModeConfig = {
  modeName: "read_only",
  kernelName: "python3",
  allowsWrites: false,
  requiresApproval: false,
  description: "",
  environment: {},
};

let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  folders = [];
});

async function request(overrides: Partial<CodeRunRequest>): Promise<CodeRunRequest> {
  const folder = await mkdtemp(join(tmpdir(), "execkit-jupyter-unit-"));
  folders.push(folder);
  return {
    code: "results = 1",
    executionFolder: folder,
    attemptFolder: join(folder, "attempts", "01"),
    attempt: 1,
    mode,
    timeoutSeconds: 10,
    ...overrides,
  };
}

// Nothing listens on port 9: every check below must fail before the runner touches the network.
const baseUrl = "http://127.0.0.1:9/";

describe("JupyterCodeRunner input checks", () => {
  it("refuses a base URL with credentials and non-positive options, naming the key", () => {
    expect(() => new JupyterCodeRunner({ baseUrl: "http://user:pw@127.0.0.1:8888/" })).toThrow(
      ContainerConfigurationError,
    );
    for (const [key, value] of [
      ["interruptGraceMs", -1],
      ["requestTimeoutMs", 0],
      ["memoryLimitMb", Number.NaN],
    ] as const) {
      try {
        new JupyterCodeRunner({ baseUrl, [key]: value });
        expect.unreachable(`${key}=${value} was accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(ContainerConfigurationError);
        expect((error as ContainerConfigurationError).configKey).toBe(`jupyter.${key}`);
      }
    }
  });

  it("refuses a bad timeout and a bad environment before contacting the server", async () => {
    const runner = new JupyterCodeRunner({ baseUrl });
    try {
      const timeout = await runner.run(await request({ timeoutSeconds: 0 })).catch((error: unknown) => error);
      expect(timeout).toBeInstanceOf(ContainerConfigurationError);
      expect((timeout as ContainerConfigurationError).configKey).toBe("timeoutSeconds");
      const env = await runner
        .run(await request({ mode: { ...mode, environment: { "A=B": "x" } } }))
        .catch((error: unknown) => error);
      expect(env).toBeInstanceOf(ContainerConfigurationError);
      expect((env as ContainerConfigurationError).configKey).toBe("modes.read_only.environment");
    } finally {
      await runner.close();
    }
  });

  it("ends with WorkflowError EXECUTION_ABORTED for an already aborted signal, and refuses runs after close()", async () => {
    const runner = new JupyterCodeRunner({ baseUrl });
    const aborted = await runner
      .run(await request({ signal: AbortSignal.abort(new Error("no")) }))
      .catch((error: unknown) => error);
    expect(aborted).toBeInstanceOf(WorkflowError);
    expect((aborted as WorkflowError).code).toBe("EXECUTION_ABORTED");
    await runner.close();
    await runner.close();
    await expect(runner.run(await request({}))).rejects.toBeInstanceOf(WorkflowError);
  });
});
