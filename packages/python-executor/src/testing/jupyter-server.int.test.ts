import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerConfigurationError, ContainerConnectivityError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { defaultTestPython, isJupyterAvailable, startJupyterServer } from "./jupyter-server";
import { childProcesses } from "./process-table";

const python = defaultTestPython();
const available = await isJupyterAvailable(python);
if (!available) {
  console.warn(
    `Skipping Jupyter Server fixture tests: ${python} cannot import jupyter_server and ipykernel.`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("isJupyterAvailable", () => {
  it("is false for an interpreter that does not exist", async () => {
    expect(await isJupyterAvailable("/nonexistent/python3")).toBe(false);
  });
});

describe.skipIf(!available)("startJupyterServer", () => {
  it("serves the API with token auth on loopback, and stop() ends the server and its kernels", {
    timeout: 90_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), "execkit-fixture-"));
    const server = await startJupyterServer({ pythonPath: python, rootDir: root });
    try {
      expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(server.rootDir).toBe(root);
      const authorization = { authorization: `token ${server.token}` };
      expect((await fetch(`${server.baseUrl}api/kernels`)).status).toBe(403);
      const started = await fetch(`${server.baseUrl}api/kernels`, {
        method: "POST",
        headers: authorization,
        body: JSON.stringify({ name: "python3" }),
      });
      expect(started.status).toBe(201);
      const contents = (await (
        await fetch(`${server.baseUrl}api/contents`, { headers: authorization })
      ).json()) as {
        path: string;
      };
      expect(contents.path).toBe("");
      const kernels = (await childProcesses(server.pid)).map((entry) => entry.pid);
      expect(kernels.length).toBeGreaterThan(0);
      await server.stop();
      expect(alive(server.pid)).toBe(false);
      for (const kernel of kernels) expect(alive(kernel)).toBe(false);
      await expect(fetch(`${server.baseUrl}api`)).rejects.toThrow();
      await server.stop(); // idempotent
    } finally {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reports an interpreter without jupyter_server as a configuration error", {
    timeout: 30_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), "execkit-fixture-"));
    try {
      const failure = await startJupyterServer({ pythonPath: "/nonexistent/python3", rootDir: root }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ContainerConfigurationError);
      expect((failure as ContainerConfigurationError).configKey).toBe("pythonPath");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("refuses a bad fixed port or token with a configuration error that does not quote the token", {
    timeout: 30_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), "execkit-fixture-"));
    try {
      for (const port of [0, 70_000, 1.5]) {
        const failure = await startJupyterServer({ pythonPath: python, rootDir: root, port }).catch(
          (e: unknown) => e,
        );
        expect(failure).toBeInstanceOf(ContainerConfigurationError);
        expect((failure as ContainerConfigurationError).configKey).toBe("port");
      }
      const badToken = "short token!";
      const failure = await startJupyterServer({ pythonPath: python, rootDir: root, token: badToken }).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(ContainerConfigurationError);
      expect((failure as ContainerConfigurationError).configKey).toBe("token");
      expect(JSON.stringify(failure) + String((failure as Error).message)).not.toContain(badToken);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reports a fixed port that is already taken as a connectivity error naming the port", {
    timeout: 90_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), "execkit-fixture-"));
    const sockets = new Set<import("node:net").Socket>();
    const blocker = createServer((socket) => sockets.add(socket));
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const failure = await startJupyterServer({ pythonPath: python, rootDir: root, port }).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(ContainerConnectivityError);
      expect((failure as ContainerConnectivityError).port).toBe(port);
    } finally {
      // close() alone would wait for the readiness probe's idle sockets; they are ours to end.
      blocker.close();
      for (const socket of sockets) socket.destroy();
      await rm(root, { recursive: true, force: true });
    }
  });
});
