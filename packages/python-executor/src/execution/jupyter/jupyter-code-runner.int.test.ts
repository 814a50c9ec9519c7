import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CodeRuntimeError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ExecutionTimeoutError,
  WorkflowError,
} from "@execkit/errors";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  defaultTestPython,
  isJupyterAvailable,
  type RunningJupyterServer,
  startJupyterServer,
} from "../../testing/jupyter-server";
import { LocalCodeRunner } from "../local-runner";
import type { CodeRunRequest, ExecutionModeConfig } from "../types";
import { JupyterCodeRunner, type JupyterCodeRunnerOptions } from "./jupyter-code-runner";
import { parseJupyterEndpoint } from "./jupyter-endpoint";
import { JupyterRestClient } from "./jupyter-rest-client";

const python = defaultTestPython();
const available = await isJupyterAvailable(python);
if (!available) {
  console.warn(
    `Skipping Jupyter runner tests: ${python} cannot import jupyter_server and ipykernel (set EXECKIT_PYTHON).`,
  );
}

const writeMode: ExecutionModeConfig = {
  modeName: "write_access",
  kernelName: "python3",
  allowsWrites: true,
  requiresApproval: false,
  description: "test",
  environment: { EXECKIT_MODE_VAR: "from-the-mode" },
};
const readMode: ExecutionModeConfig = {
  ...writeMode,
  modeName: "read_only",
  allowsWrites: false,
  environment: {},
};

/** Prints in three parts with pauses (so streaming can be observed), plots one figure and returns numpy values. */
const FIGURE_CODE = `
import os, time
import numpy as np
import matplotlib.pyplot as plt
for i in range(3):
    print(f"step {i} ✓", flush=True)
    time.sleep(0.3)
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [1, 4, 9])
plt.show()
results = {
    "x": 1,
    "mean": np.mean([1.0, 2.0, 3.0]),
    "array": np.arange(3),
    "nan": float("nan"),
    "env": os.environ.get("EXECKIT_MODE_VAR"),
    "cwd_is_folder": os.path.exists("context.json"),
}
`;

describe.skipIf(!available)("JupyterCodeRunner against a real Jupyter Server", () => {
  let root: string;
  let server: RunningJupyterServer;
  let runners: JupyterCodeRunner[] = [];
  let counter = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "execkit-jupyter-runner-"));
    server = await startJupyterServer({ pythonPath: python, rootDir: root });
  });

  afterEach(async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    runners = [];
  });

  afterAll(async () => {
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  function runner(options: Partial<JupyterCodeRunnerOptions> = {}): JupyterCodeRunner {
    const created = new JupyterCodeRunner({ baseUrl: server.baseUrl, token: server.token, ...options });
    runners.push(created);
    return created;
  }

  async function request(code: string, overrides: Partial<CodeRunRequest> = {}): Promise<CodeRunRequest> {
    counter += 1;
    const executionFolder = join(root, "runs", `execution_${counter}`);
    await mkdir(executionFolder, { recursive: true });
    await writeFile(join(executionFolder, "context.json"), JSON.stringify({ data: { n: 3 } }));
    return {
      code,
      executionFolder,
      attemptFolder: join(executionFolder, "attempts", "01"),
      attempt: 1,
      mode: writeMode,
      timeoutSeconds: 30,
      ...overrides,
    };
  }

  function rest(): JupyterRestClient {
    return new JupyterRestClient({ endpoint: parseJupyterEndpoint(server.baseUrl), token: server.token });
  }

  it("runs code: results, streamed stdout and a figure, with the mode's environment", {
    timeout: 60_000,
  }, async () => {
    const chunks: { text: string; at: number }[] = [];
    const jupyter = runner();
    const started = Date.now();
    const outcome = await jupyter.run(
      await request(FIGURE_CODE, {
        onOutput: (stream, text) => stream === "stdout" && chunks.push({ text, at: Date.now() }),
      }),
    );
    const finished = Date.now();
    expect(outcome.results).toEqual({
      x: 1,
      mean: 2,
      array: [0, 1, 2],
      nan: Number.NaN,
      env: "from-the-mode",
      cwd_is_folder: true,
    });
    expect(outcome.stdout).toBe("step 0 ✓\nstep 1 ✓\nstep 2 ✓\n");
    // Streamed as it was printed: the first line arrived well before the run ended.
    expect(chunks.map((chunk) => chunk.text).join("")).toContain("step 0 ✓\nstep 1 ✓\nstep 2 ✓\n");
    expect(chunks[0]!.at).toBeLessThan(finished - 400);
    expect(chunks[0]!.at).toBeGreaterThanOrEqual(started);
    expect(outcome.figurePaths).toHaveLength(1);
    expect(outcome.figurePaths[0]).toMatch(/figures\/figure_01\.png$/);
    const png = await readFile(outcome.figurePaths[0]!);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(outcome.executionTimeSeconds).toBeGreaterThan(0.8);
    expect(outcome.wrapperPath).toMatch(/attempts\/01\/wrapper\.py$/);
    expect(await readFile(outcome.wrapperPath, "utf8")).toContain("def run_wrapped(");
  });

  it("gives the same results, stdout and figure count as the local runner", { timeout: 60_000 }, async () => {
    const code = `${FIGURE_CODE}\nplt.figure(); plt.plot([0, 1]); plt.savefig("mine.png")\nprint("unicode: αβγ 日本")\n`;
    const local = new LocalCodeRunner({ pythonPath: python });
    try {
      const jupyterRequest = await request(code);
      const localRequest = await request(code);
      const viaJupyter = await runner().run(jupyterRequest);
      const viaLocal = await local.run(localRequest);
      expect(viaJupyter.results).toEqual(viaLocal.results);
      expect(viaJupyter.stdout).toBe(viaLocal.stdout);
      expect(viaJupyter.stderr).toBe(viaLocal.stderr);
      const relative = (paths: string[], folder: string) =>
        paths.map((path) => path.slice(folder.length + 1));
      expect(relative(viaJupyter.figurePaths, jupyterRequest.executionFolder)).toEqual([
        "figures/figure_01.png",
        "figures/figure_02.png",
        "mine.png",
      ]);
      expect(relative(viaLocal.figurePaths, localRequest.executionFolder)).toEqual(
        relative(viaJupyter.figurePaths, jupyterRequest.executionFolder),
      );
      expect(viaJupyter.warnings).toEqual(viaLocal.warnings);
    } finally {
      await local.close();
    }
  });

  it("reports an exception in the code as CodeRuntimeError with the traceback", {
    timeout: 60_000,
  }, async () => {
    const jupyter = runner();
    const failure = await jupyter
      .run(await request('print("before")\nvalues = [1, 2]\nresults = values[0] / 0\n', { attempt: 2 }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CodeRuntimeError);
    const error = failure as CodeRuntimeError;
    expect(error.message).toContain("ZeroDivisionError");
    expect(error.message).toContain("line 3");
    expect(error.tracebackInfo).toContain("ZeroDivisionError");
    expect(error.tracebackInfo).toContain("code.py");
    expect(error.executionAttempt).toBe(2);
    expect(error.technicalDetails.stdout).toBe("before\n");
    expect(error.folderPath).toContain(join(root, "runs"));
  });

  it("reuses one kernel per mode, without leaking variables between runs", { timeout: 60_000 }, async () => {
    const jupyter = runner();
    await jupyter.run(await request("secret_leftover = 42\nresults = 1"));
    const first = await jupyter.kernelIdFor(writeMode);
    const second = await jupyter.run(await request('results = {"leaked": "secret_leftover" in globals()}'));
    expect(second.results).toEqual({ leaked: false });
    expect(await jupyter.kernelIdFor(writeMode)).toBe(first);
    await jupyter.run(await request("results = 2", { mode: readMode }));
    const readKernel = await jupyter.kernelIdFor(readMode);
    expect(readKernel).toBeDefined();
    expect(readKernel).not.toBe(first);
    const client = rest();
    try {
      const ids = (await client.listKernels()).map((kernel) => kernel.id).sort();
      expect(ids).toEqual([first, readKernel].sort());
    } finally {
      await client.close();
    }
  });

  it("applies the read-only guard in a read-only mode", { timeout: 60_000 }, async () => {
    const failure = await runner()
      .run(await request('import subprocess\nsubprocess.run(["true"])\nresults = 1', { mode: readMode }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CodeRuntimeError);
    expect((failure as CodeRuntimeError).message).toContain("PermissionError");
  });

  it("interrupts an infinite loop on time and keeps the kernel usable", { timeout: 60_000 }, async () => {
    const jupyter = runner();
    await jupyter.run(await request("results = 0"));
    const kernelId = await jupyter.kernelIdFor(writeMode);
    const started = Date.now();
    const failure = await jupyter
      .run(await request("while True:\n    pass\n", { timeoutSeconds: 1.5 }))
      .catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(ExecutionTimeoutError);
    expect((failure as ExecutionTimeoutError).timeoutSeconds).toBe(1.5);
    expect((failure as ExecutionTimeoutError).technicalDetails.action).toBe("interrupted");
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(8_000);
    const after = await jupyter.run(await request('results = "alive"'));
    expect(after.results).toBe("alive");
    expect(await jupyter.kernelIdFor(writeMode)).toBe(kernelId);
  });

  it("restarts a kernel whose code ignores the interrupt", { timeout: 60_000 }, async () => {
    const jupyter = runner({ interruptGraceMs: 1_000 });
    const stubborn =
      "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except KeyboardInterrupt:\n        pass\n";
    const failure = await jupyter
      .run(await request(stubborn, { timeoutSeconds: 1 }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExecutionTimeoutError);
    expect((failure as ExecutionTimeoutError).technicalDetails.action).toBe("restarted");
    const after = await jupyter.run(await request('results = "fresh"'));
    expect(after.results).toBe("fresh");
  });

  it("stops the run when the caller aborts, and the kernel stays usable", { timeout: 60_000 }, async () => {
    const jupyter = runner();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user pressed stop")), 1_000);
    const failure = await jupyter
      .run(await request("import time\ntime.sleep(30)", { signal: controller.signal }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowError);
    expect((failure as WorkflowError).code).toBe("EXECUTION_ABORTED");
    expect((failure as WorkflowError).technicalDetails.aborted).toBe(true);
    expect((await jupyter.run(await request("results = 3"))).results).toBe(3);
  });

  it("reports a kernel that died under the code as ContainerConnectivityError, and replaces it for the next run", {
    timeout: 90_000,
  }, async () => {
    const jupyter = runner();
    await jupyter.run(await request("results = 0"));
    const kernelId = await jupyter.kernelIdFor(writeMode);
    const failure = await jupyter
      .run(await request('import os\nprint("going", flush=True)\nos._exit(1)'))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    expect((failure as Error).message).toContain("died");
    expect((await jupyter.run(await request("results = 7"))).results).toBe(7);
    // A kernel that failed a run is replaced rather than trusted again (its state is unknown).
    const replacement = await jupyter.kernelIdFor(writeMode);
    expect(replacement).toBeDefined();
    expect(replacement).not.toBe(kernelId);
  });

  it("stops waiting for a kernel start on abort, and keeps the kernel for the next run", {
    timeout: 60_000,
  }, async () => {
    const jupyter = runner();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const failure = await jupyter
      .run(await request("results = 1", { signal: controller.signal }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowError);
    expect((failure as WorkflowError).code).toBe("EXECUTION_ABORTED");
    expect((failure as WorkflowError).technicalDetails.started).toBe(false);
    expect((await jupyter.run(await request("results = 6"))).results).toBe(6);
    const client = rest();
    try {
      // The start the aborted run asked for is the kernel the next run used: nothing was left behind.
      expect(await client.listKernels()).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it("fails with ContainerConnectivityError when the kernel is deleted mid-run, then recovers", {
    timeout: 60_000,
  }, async () => {
    const jupyter = runner();
    await jupyter.run(await request("results = 0"));
    const kernelId = (await jupyter.kernelIdFor(writeMode))!;
    const client = rest();
    try {
      const running = jupyter.run(await request('print("started", flush=True)\nimport time\ntime.sleep(30)'));
      setTimeout(() => void client.shutdownKernel(kernelId), 800);
      const started = Date.now();
      const failure = await running.catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ContainerConnectivityError);
      const error = failure as ContainerConnectivityError;
      expect(error.host).toBe("127.0.0.1");
      expect(error.port).toBe(Number(new URL(server.baseUrl).port));
      expect(error.isRetryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
      // The infrastructure retry runs the same code again: a new kernel is started for it.
      expect((await jupyter.run(await request("results = 4"))).results).toBe(4);
      expect(await jupyter.kernelIdFor(writeMode)).not.toBe(kernelId);
    } finally {
      await client.close();
    }
  });

  it("replaces a kernel that vanished between runs without failing the next run", {
    timeout: 60_000,
  }, async () => {
    const jupyter = runner();
    await jupyter.run(await request("results = 0"));
    const kernelId = (await jupyter.kernelIdFor(writeMode))!;
    const client = rest();
    try {
      await client.shutdownKernel(kernelId);
      expect(await client.getKernel(kernelId)).toBeUndefined();
      expect((await jupyter.run(await request("results = 5"))).results).toBe(5);
      const replacement = await jupyter.kernelIdFor(writeMode);
      expect(replacement).toBeDefined();
      expect(replacement).not.toBe(kernelId);
    } finally {
      await client.close();
    }
  });

  it("names a missing kernel spec as a configuration error", { timeout: 30_000 }, async () => {
    const failure = await runner()
      .run(await request("results = 1", { mode: { ...writeMode, kernelName: "no-such-kernel" } }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConfigurationError);
    expect((failure as ContainerConfigurationError).message).toContain('"no-such-kernel"');
    expect((failure as ContainerConfigurationError).message).toContain("python3");
  });

  it("rejects a wrong token as a configuration error that does not quote it", {
    timeout: 30_000,
  }, async () => {
    const wrongToken = "wrong-token-4f8a9c2e1b7d";
    const failure = await runner({ token: wrongToken })
      .run(await request("results = 1"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConfigurationError);
    expect((failure as ContainerConfigurationError).configKey).toBe("jupyter.token");
    expect(JSON.stringify((failure as ContainerConfigurationError).toJSON())).not.toContain(wrongToken);
  });

  it("shuts its kernels down on close()", { timeout: 60_000 }, async () => {
    const jupyter = runner();
    await jupyter.run(await request("results = 1"));
    await jupyter.run(await request("results = 1", { mode: readMode }));
    const client = rest();
    try {
      expect(await client.listKernels()).toHaveLength(2);
      await jupyter.close();
      expect(await client.listKernels()).toEqual([]);
      await expect(jupyter.run(await request("results = 1"))).rejects.toBeInstanceOf(WorkflowError);
    } finally {
      await client.close();
    }
  });
});

describe.skipIf(!available)("JupyterCodeRunner when the server goes away", () => {
  it("fails with ContainerConnectivityError when the server stops mid-run", { timeout: 90_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), "execkit-jupyter-stop-"));
    const server = await startJupyterServer({ pythonPath: python, rootDir: root });
    const jupyter = new JupyterCodeRunner({ baseUrl: server.baseUrl, token: server.token });
    try {
      const executionFolder = join(root, "execution_stop");
      const base = { executionFolder, attempt: 1, mode: writeMode, timeoutSeconds: 60 };
      await jupyter.run({
        ...base,
        code: "results = 0",
        attemptFolder: join(executionFolder, "attempts", "01"),
      });
      const running = jupyter.run({
        ...base,
        code: "import time\ntime.sleep(60)",
        attemptFolder: join(executionFolder, "attempts", "02"),
      });
      setTimeout(() => void server.stop(), 800);
      const failure = await running.catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ContainerConnectivityError);
      expect((failure as ContainerConnectivityError).port).toBe(Number(new URL(server.baseUrl).port));
      // With the server gone, the next run fails fast with the same category.
      await server.stop();
      const next = await jupyter
        .run({ ...base, code: "results = 1", attemptFolder: join(executionFolder, "attempts", "03") })
        .catch((error: unknown) => error);
      expect(next).toBeInstanceOf(ContainerConnectivityError);
      expect((next as ContainerConnectivityError).message).toContain("not reachable");
    } finally {
      await jupyter.close();
      await server.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  it("fails with ContainerConnectivityError when nothing listens at the base URL", {
    timeout: 30_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), "execkit-jupyter-none-"));
    const jupyter = new JupyterCodeRunner({ baseUrl: "http://127.0.0.1:9/", token: "t0k3n-abcdef" });
    try {
      const failure = await jupyter
        .run({
          code: "results = 1",
          executionFolder: root,
          attemptFolder: join(root, "attempts", "01"),
          attempt: 1,
          mode: writeMode,
          timeoutSeconds: 10,
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ContainerConnectivityError);
      expect((failure as ContainerConnectivityError).host).toBe("127.0.0.1");
      expect((failure as ContainerConnectivityError).port).toBe(9);
      expect((failure as ContainerConnectivityError).message).toContain("ECONNREFUSED");
    } finally {
      await jupyter.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
