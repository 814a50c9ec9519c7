import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthenticationError } from "@execkit/errors";
import type { FakeCloud } from "@execkit/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { HostedExecutor } from "./hosted-executor";
import { hostedFor, startTestCloud } from "./test-fixtures";

let cloud: FakeCloud;
let redirector: Server | undefined;
let executor: HostedExecutor | undefined;
afterEach(async () => {
  await executor?.close();
  executor = undefined;
  redirector?.closeAllConnections();
  await new Promise((resolve) => (redirector ? redirector.close(resolve) : resolve(undefined)));
  redirector = undefined;
  await cloud?.close();
});

/** A server that answers every request with `status` and a Location on the fake cloud (another origin). */
async function startRedirector(status: number): Promise<string> {
  redirector = createServer((request, response) => {
    request.resume();
    response.writeHead(status, { location: `${cloud.url}${request.url}` });
    response.end();
  });
  await new Promise<void>((resolve) => redirector!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
}

describe("redirects (followed as httpx follows them)", () => {
  it("307 keeps the method and body: the token call goes through", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { apiUrl: await startRedirector(307) });
    await executor.check();
    const [token] = cloud.requestsTo("token");
    expect(token!.method).toBe("POST");
    expect(JSON.parse(token!.body)).toHaveProperty("client_secret");
  });

  it("the bearer token is not sent to another origin, so the call there is refused", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { apiUrl: await startRedirector(308), retryConfig: { maxAttempts: 1 } });
    const error = await executor.execute("customers", "list").catch((thrown: unknown) => thrown);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    const executes = cloud.requestsTo("execute");
    expect(executes.length).toBeGreaterThan(0);
    for (const record of executes) expect(record.headers.authorization).toBeUndefined();
  });

  it("303 turns a POST into a GET without a body", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, { apiUrl: await startRedirector(303), retryConfig: { maxAttempts: 1 } });
    const result = await executor.check();
    expect(result.data.status).toBe("unhealthy");
    expect(cloud.requests[0]).toMatchObject({
      method: "GET",
      path: "/api/v1/account/applications/token",
      body: "",
    });
  });
});
