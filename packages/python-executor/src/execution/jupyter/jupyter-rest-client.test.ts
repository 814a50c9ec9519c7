import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ContainerConfigurationError, ContainerConnectivityError } from "@execkit/errors";
import { afterEach, describe, expect, it } from "vitest";
import { parseJupyterEndpoint } from "./jupyter-endpoint";
import { JupyterRestClient } from "./jupyter-rest-client";

const TOKEN = "jupyter-token-5b1e8f0c9d";

interface Recorded {
  method?: string;
  url?: string;
  authorization?: string;
  body: string;
}

let servers: Server[] = [];
let clients: JupyterRestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  servers = [];
});

/** A loopback HTTP server that answers like the parts of Jupyter Server the test needs. */
async function fakeServer(
  handle: (request: IncomingMessage, response: ServerResponse, body: string) => void,
): Promise<{ baseUrl: string; recorded: Recorded[] }> {
  const recorded: Recorded[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      recorded.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        body,
      });
      handle(request, response, body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`, recorded };
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function client(baseUrl: string, requestTimeoutMs?: number): JupyterRestClient {
  const created = new JupyterRestClient({
    endpoint: parseJupyterEndpoint(baseUrl),
    token: TOKEN,
    requestTimeoutMs,
  });
  clients.push(created);
  return created;
}

describe("JupyterRestClient", () => {
  it("calls the API under the base path with the token header and parses JSON", async () => {
    const fake = await fakeServer((_request, response) =>
      json(response, 201, { id: "k1", name: "python3", execution_state: "starting" }),
    );
    const model = await client(fake.baseUrl).startKernel("python3", { path: "runs" });
    expect(model).toEqual({ id: "k1", name: "python3", execution_state: "starting" });
    expect(fake.recorded[0]).toEqual({
      method: "POST",
      url: "/prefix/api/kernels",
      authorization: `token ${TOKEN}`,
      body: JSON.stringify({ name: "python3", path: "runs" }),
    });
  });

  it("turns a rejected token into ContainerConfigurationError without quoting the token", async () => {
    const fake = await fakeServer((_request, response) =>
      json(response, 403, { message: `Forbidden ${TOKEN}` }),
    );
    const failure = await client(fake.baseUrl)
      .listKernels()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConfigurationError);
    expect((failure as ContainerConfigurationError).configKey).toBe("jupyter.token");
    expect(JSON.stringify((failure as ContainerConfigurationError).toJSON())).not.toContain(TOKEN);
  });

  it("names a missing kernel spec, listing the ones the server has", async () => {
    const fake = await fakeServer((request, response) => {
      if (request.url?.endsWith("/api/kernelspecs")) {
        json(response, 200, {
          default: "python3",
          kernelspecs: { python3: { name: "python3" }, ir: { name: "ir" } },
        });
        return;
      }
      json(response, 500, {
        message: "Unhandled error",
        traceback: "jupyter_client.kernelspec.NoSuchKernel: No such kernel named epics",
      });
    });
    const failure = await client(fake.baseUrl)
      .startKernel("epics")
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConfigurationError);
    expect((failure as Error).message).toContain('no kernel spec named "epics" (it has: python3, ir)');
  });

  it("maps 404s: undefined for getKernel and shutdownKernel, ContainerConnectivityError for interrupt", async () => {
    const fake = await fakeServer((_request, response) =>
      json(response, 404, { message: "Kernel does not exist" }),
    );
    const rest = client(fake.baseUrl);
    expect(await rest.getKernel("gone")).toBeUndefined();
    await expect(rest.shutdownKernel("gone")).resolves.toBeUndefined();
    const failure = await rest.interruptKernel("gone").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    expect((failure as Error).message).toContain("kernel is gone");
  });

  it("reports other failure statuses as ContainerConnectivityError with the server's message", async () => {
    const fake = await fakeServer((_request, response) =>
      json(response, 502, { message: "Bad gateway", reason: "upstream" }),
    );
    const failure = await client(fake.baseUrl)
      .getServerInfo()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContainerConnectivityError);
    const error = failure as ContainerConnectivityError;
    expect(error.message).toContain("HTTP 502");
    expect(error.message).toContain("Bad gateway: upstream");
    expect(error.technicalDetails).toMatchObject({ method: "GET", path: "api", status: 502 });
  });

  it("reports a refused connection and a silent server as ContainerConnectivityError", async () => {
    const fake = await fakeServer(() => {
      // Never answers.
    });
    const silent = await client(fake.baseUrl, 300)
      .listKernels()
      .catch((error: unknown) => error);
    expect(silent).toBeInstanceOf(ContainerConnectivityError);
    expect((silent as Error).message).toContain("no answer in time");

    const refused = await client("http://127.0.0.1:9/")
      .listKernels()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ContainerConnectivityError);
    expect((refused as ContainerConnectivityError).port).toBe(9);
    expect((refused as Error).message).toContain("ECONNREFUSED");
  });

  it("rethrows the caller's abort reason unchanged", async () => {
    const fake = await fakeServer(() => {});
    const controller = new AbortController();
    const reason = new Error("stop now");
    setTimeout(() => controller.abort(reason), 50);
    await expect(client(fake.baseUrl).listKernels(controller.signal)).rejects.toBe(reason);
  });
});
