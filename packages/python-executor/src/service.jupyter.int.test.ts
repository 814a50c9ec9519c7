/**
 * The service in Jupyter mode against a real Jupyter Server on loopback (started here with a random token).
 * Skipped, with a message, when python3 cannot import jupyter_server and ipykernel.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ErrorCategory } from "@execkit/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isApprovalInterrupt } from "./approval/approval-request";
import type { PythonExecutorEvent } from "./graph/workflow-events";
import type { PythonServiceResult } from "./models/result";
import { PythonExecutorService } from "./service";
import { fenced, listNotebooks, RecordingChatModel, temporaryRoot } from "./service-test-support";
import {
  defaultTestPython,
  isJupyterAvailable,
  type RunningJupyterServer,
  startJupyterServer,
} from "./testing/jupyter-server";

const PYTHON = defaultTestPython();
const available = await isJupyterAvailable(PYTHON);
if (!available) {
  console.warn(`Skipping Jupyter service tests: ${PYTHON} cannot import jupyter_server and ipykernel.`);
}

const REQUEST = {
  userQuery: "Square some numbers",
  taskObjective: "Plot squares",
  executionFolderName: "jupyter",
};
const CODE = [
  "import matplotlib.pyplot as plt",
  "squares = [i * i for i in range(5)]",
  "print('squares:', squares)",
  "plt.figure()",
  "plt.plot(squares)",
  "results = {'squares': squares, 'total': sum(squares)}",
].join("\n");

function expectResult(out: unknown): PythonServiceResult {
  if (isApprovalInterrupt(out)) throw new Error("expected a result, got an approval request");
  return out as PythonServiceResult;
}

describe.skipIf(!available)("PythonExecutorService in Jupyter mode (real Jupyter Server)", () => {
  let server: RunningJupyterServer;
  let root: string;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    ({ root, remove } = await temporaryRoot("execkit-pyexec-jupyter-"));
    server = await startJupyterServer({ pythonPath: PYTHON, rootDir: root });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await remove?.();
  }, 60_000);

  function makeService(replies: string[], executionMethod: "local" | "jupyter") {
    const chatModel = new RecordingChatModel(replies);
    const service = new PythonExecutorService({
      executionMethod,
      pythonPath: PYTHON,
      executionRoot: join(root, "runs"),
      jupyter: { baseUrl: server.baseUrl, token: server.token, rootDir: root },
      chatModel,
      approval: { mode: "disabled" },
      timeoutSeconds: 60,
      infrastructureRetryDelayMs: 10,
    });
    return { service, chatModel };
  }

  it("gives the same results, stdout and figure count as local mode, with Jupyter notebook links", async () => {
    const jupyter = makeService([fenced(CODE)], "jupyter");
    const local = makeService([fenced(CODE)], "local");
    try {
      const inKernel = expectResult(
        await jupyter.service.ainvoke(REQUEST, { configurable: { thread_id: "j-1" } }),
      );
      const inProcess = expectResult(
        await local.service.ainvoke(REQUEST, { configurable: { thread_id: "l-1" } }),
      );
      expect(inKernel.executionResult.results).toEqual({ squares: [0, 1, 4, 9, 16], total: 30 });
      expect(inKernel.executionResult.results).toEqual(inProcess.executionResult.results);
      expect(inKernel.executionResult.stdout).toBe(inProcess.executionResult.stdout);
      expect(inKernel.executionResult.figurePaths).toHaveLength(1);
      expect(inProcess.executionResult.figurePaths).toHaveLength(1);
      expect(inKernel.executionResult.notebookLink.startsWith(server.baseUrl.replace(/\/$/, ""))).toBe(true);
      expect(inKernel.executionResult.notebookLink).not.toContain(server.token);
      expect(existsSync(inKernel.executionResult.notebookPath)).toBe(true);
      expect((await listNotebooks(inKernel.executionResult.folderPath)).length).toBeGreaterThanOrEqual(4);
    } finally {
      await jupyter.service.close();
      await local.service.close();
    }
  }, 120_000);

  it("re-runs the same code on a fresh kernel when the kernel is deleted mid-run", async () => {
    // The code announces itself on stdout before it sleeps; the test deletes the kernel when that line streams
    // out, as a crashed kernel or a restarted server would. Triggering on the code's own output (rather than on
    // polling the server's execution_state) keeps the test deterministic on a loaded machine.
    const slow = `import time\nprint('started', flush=True)\ntime.sleep(6)\nresults = {'survived': True}`;
    const { service, chatModel } = makeService([fenced(slow)], "jupyter");
    const headers = { Authorization: `token ${server.token}` };
    const api = (path: string) => new URL(path, server.baseUrl).href;
    let deleted = 0;
    let finished: PythonServiceResult | undefined;
    const reruns: string[] = [];
    try {
      for await (const event of service.stream(REQUEST, { configurable: { thread_id: "j-infra" } })) {
        if (event.type === "output-chunk" && event.text.includes("started") && deleted === 0) {
          const kernels = (await (await fetch(api("api/kernels"), { headers })).json()) as Array<{
            id: string;
          }>;
          for (const kernel of kernels)
            await fetch(api(`api/kernels/${kernel.id}`), { method: "DELETE", headers });
          deleted = kernels.length;
        }
        if (event.type === "retry-schedule") reruns.push(event.action);
        if (event.type === "run-finish") finished = event.result;
      }
      expect(deleted).toBeGreaterThan(0);
      expect(reruns).toEqual(["rerun"]);
      expect(finished?.executionResult.results).toEqual({ survived: true });
      expect(chatModel.prompts).toHaveLength(1);
      expect(finished?.generationAttempt).toBe(1);
    } finally {
      await service.close();
    }
  }, 120_000);
});

describe.skipIf(!available)("PythonExecutorService in Jupyter mode when the server restarts mid-run", () => {
  /**
   * The first backoff before a re-run. The workflow notices the drop while the old server is stopping, so the
   * replacement must answer before this ends, or the re-run meets a closed port and spends another infrastructure
   * retry. A stop plus a cold start takes about 1.5 s on an idle machine; the margin is for a loaded one.
   */
  const RESTART_BACKOFF_MS = 15_000;

  it("re-runs the same code on a replacement server on the same port, without regenerating it", async () => {
    // The kernel's parent is the server process, so the result names the server the code finally ran on.
    const slow = [
      "import os, time",
      "print('started', flush=True)",
      "time.sleep(4)",
      "results = {'server_pid': os.getppid()}",
    ].join("\n");
    const { root, remove } = await temporaryRoot("execkit-pyexec-restart-");
    const servers: RunningJupyterServer[] = [];
    let service: PythonExecutorService | undefined;
    try {
      const first = await startJupyterServer({ pythonPath: PYTHON, rootDir: root });
      servers.push(first);
      const chatModel = new RecordingChatModel([fenced(slow)]);
      service = new PythonExecutorService({
        executionMethod: "jupyter",
        pythonPath: PYTHON,
        executionRoot: join(root, "runs"),
        jupyter: { baseUrl: first.baseUrl, token: first.token, rootDir: root },
        chatModel,
        approval: { mode: "disabled" },
        timeoutSeconds: 60,
        // Spare budget so a restart slower than the backoff still ends in a result, and the count check below
        // reports the slow restart instead of the run dying with ContainerConnectivityError.
        maxInfrastructureRetries: 3,
        infrastructureRetryDelayMs: RESTART_BACKOFF_MS,
      });
      let replacement: RunningJupyterServer | undefined;
      let restartMs = 0;
      let finished: PythonServiceResult | undefined;
      const retries: Array<Extract<PythonExecutorEvent, { type: "retry-schedule" }>> = [];
      // The stream does not wait for its reader: the workflow fails the run and starts its backoff while this
      // loop is still restarting the server, and the restart only has to beat the backoff.
      for await (const event of service.stream(REQUEST, { configurable: { thread_id: "j-restart" } })) {
        if (event.type === "output-chunk" && event.text.includes("started") && replacement === undefined) {
          const restartStart = Date.now();
          await first.stop();
          replacement = await startJupyterServer({
            pythonPath: PYTHON,
            rootDir: root,
            port: Number(new URL(first.baseUrl).port),
            token: first.token,
          });
          servers.push(replacement);
          restartMs = Date.now() - restartStart;
        }
        if (event.type === "retry-schedule") retries.push(event);
        if (event.type === "run-finish") finished = event.result;
      }
      expect(replacement?.baseUrl).toBe(first.baseUrl);
      expect(replacement?.pid).not.toBe(first.pid);
      expect(
        retries,
        `the restart took ${restartMs} ms against a ${RESTART_BACKOFF_MS} ms backoff`,
      ).toHaveLength(1);
      expect(retries[0]).toMatchObject({
        action: "rerun",
        category: ErrorCategory.INFRASTRUCTURE,
        delayMs: RESTART_BACKOFF_MS,
      });
      expect(retries[0]?.message).not.toContain(first.token);
      expect(chatModel.prompts).toHaveLength(1);
      expect(finished?.generationAttempt).toBe(1);
      expect(finished?.generatedCode.trim()).toBe(slow);
      expect(finished?.executionResult.results).toEqual({ server_pid: replacement?.pid });
      expect(finished?.executionResult.stdout).toContain("started");
    } finally {
      await service?.close();
      for (const server of servers) await server.stop();
      await remove();
    }
  }, 150_000);
});
