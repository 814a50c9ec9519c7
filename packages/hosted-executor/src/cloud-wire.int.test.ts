import { execFileSync } from "node:child_process";
import type { FakeCloud } from "@execkit/testing";
import { afterEach, describe, expect, it } from "vitest";
import { encodeQuery } from "./cloud-protocol";
import type { HostedExecutor } from "./hosted-executor";
import { CLIENT_ID, CLIENT_SECRET, CONNECTOR, hostedFor, startTestCloud } from "./test-fixtures";

const PYTHON = process.env.EXECKIT_PYTHON ?? "/usr/bin/python3";

/** Runs a Python snippet on `input`: Python itself says what the reference's encoders produce. */
function python(code: string, input: string): string {
  try {
    return execFileSync(PYTHON, ["-c", code], { input, encoding: "utf8", timeout: 10_000 });
  } catch (error) {
    throw new Error(`python3 is needed for this test (${PYTHON}); set EXECKIT_PYTHON. ${String(error)}`);
  }
}

let cloud: FakeCloud;
let executor: HostedExecutor | undefined;
afterEach(async () => {
  await executor?.close();
  executor = undefined;
  await cloud?.close();
});

/** Headers that carry meaning; undici's own (host, connection, content-length) are left out. */
function meaningful(headers: Record<string, string>): Record<string, string> {
  const { host, connection, "content-length": _length, ...rest } = headers;
  return rest;
}

describe("wire format (as the reference client sends it)", () => {
  it("sends the token call without Authorization and the exact JSON body", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list", { params: { limit: 10 } });
    const [token] = cloud.requestsTo("token");
    expect(token).toMatchObject({ method: "POST", path: "/api/v1/account/applications/token", rawQuery: "" });
    expect(meaningful(token!.headers)).toEqual({
      accept: "*/*",
      "x-adp-agent-sdk": "airbyte-agent-sdk",
      "content-type": "application/json",
    });
    expect(token!.body).toBe(`{"client_id":"${CLIENT_ID}","client_secret":"${CLIENT_SECRET}"}`);
  });

  it("sends execute with the bearer token and {entity, action, params} in this order", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute({ entity: "customers", action: "list", params: { limit: 10, q: "é ✓" } });
    const [execute] = cloud.requestsTo("execute");
    expect(execute).toMatchObject({
      method: "POST",
      path: `/api/v1/integrations/connectors/${CONNECTOR.id}/execute`,
      rawQuery: "",
    });
    expect(meaningful(execute!.headers)).toEqual({
      accept: "*/*",
      "x-adp-agent-sdk": "airbyte-agent-sdk",
      authorization: `Bearer ${cloud.issuedTokens[0]}`,
      "content-type": "application/json",
    });
    expect(execute!.body).toBe('{"entity":"customers","action":"list","params":{"limit":10,"q":"é ✓"}}');
  });

  it('sends "params": null when no params are given, in both call forms', async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    await executor.execute({ entity: "customers", action: "list" });
    expect(cloud.requestsTo("execute").map((record) => record.body)).toEqual([
      '{"entity":"customers","action":"list","params":null}',
      '{"entity":"customers","action":"list","params":null}',
    ]);
  });

  it("looks the connector up with workspace_name and definition_id, organization as a header", async () => {
    cloud = await startTestCloud();
    cloud.addConnector({
      id: "conn-org",
      workspaceName: "acme team/1",
      definitionId: "def-9",
      organizationId: "org-7",
    });
    executor = hostedFor(cloud, {
      connectorId: undefined,
      workspaceName: "acme team/1",
      connectorDefinitionId: "def-9",
      organizationId: "org-7",
    });
    await executor.execute("customers", "list");
    expect(cloud.requests.map((record) => record.endpoint)).toEqual(["token", "lookup", "execute"]);
    const [lookup] = cloud.requestsTo("lookup");
    expect(lookup).toMatchObject({
      method: "GET",
      path: "/api/v1/integrations/connectors",
      rawQuery: "workspace_name=acme+team%2F1&definition_id=def-9",
      body: "",
    });
    expect(meaningful(lookup!.headers)).toEqual({
      accept: "*/*",
      "x-adp-agent-sdk": "airbyte-agent-sdk",
      authorization: `Bearer ${cloud.issuedTokens[0]}`,
      "x-organization-id": "org-7",
    });
    for (const record of cloud.requests) expect(record.headers["x-organization-id"]).toBe("org-7");
    expect(cloud.requestsTo("execute")[0]!.path).toBe("/api/v1/integrations/connectors/conn-org/execute");
  });

  it('defaults the workspace to "default" and the organization to AIRBYTE_ORGANIZATION_ID', async () => {
    cloud = await startTestCloud();
    cloud.addConnector({ id: "conn-default", workspaceName: "default", definitionId: "def-d" });
    executor = hostedFor(cloud, {
      connectorId: undefined,
      connectorDefinitionId: "def-d",
      env: { AIRBYTE_ORGANIZATION_ID: "org-env" },
    });
    await executor.execute("customers", "list");
    expect(cloud.requestsTo("lookup")[0]!.rawQuery).toBe("workspace_name=default&definition_id=def-d");
    expect(cloud.requests.every((record) => record.headers["x-organization-id"] === "org-env")).toBe(true);
  });

  it("sends no X-Organization-Id when none is set", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    await executor.execute("customers", "list");
    expect(cloud.requests.some((record) => "x-organization-id" in record.headers)).toBe(false);
  });

  it("takes credentials and the API host from the environment when not given", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud, {
      airbyteClientId: undefined,
      airbyteClientSecret: undefined,
      apiUrl: undefined,
      env: {
        AIRBYTE_CLIENT_ID: CLIENT_ID,
        AIRBYTE_CLIENT_SECRET: CLIENT_SECRET,
        SDK_DEV_ADP_API_HOST: `${cloud.url}/`,
      },
    });
    expect(executor.apiUrl).toBe(cloud.url);
    const result = await executor.execute("customers", "list");
    expect(result.success).toBe(true);
    expect(JSON.parse(cloud.requestsTo("token")[0]!.body)).toEqual({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it("returns {success, data: result, meta: connector_metadata}", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    expect(await executor.execute("customers", "list")).toEqual({
      success: true,
      data: [{ id: "c1" }, { id: "c2" }],
      error: null,
      meta: { next_cursor: "n2" },
    });
    expect(await executor.execute("customers", "get", { params: { id: "c9" } })).toEqual({
      success: true,
      data: { id: "c9" },
      error: null,
      meta: null,
    });
  });
});

describe("JSON body", () => {
  it("matches httpx's json= encoding (compact, ensure_ascii=False) byte for byte", async () => {
    cloud = await startTestCloud();
    executor = hostedFor(cloud);
    const params = {
      query: 'say "hi"\n\ttab \\ slash / ünï ✓ 😀 \u2028 \u0001',
      nested: { list: [1, 2.5, -0.125, 1e21, true, false, null], empty: {}, none: [] },
      limit: 10,
    };
    await executor.execute("customers", "create", { params });
    const sent = cloud.requestsTo("execute")[0]!.body;
    const expected = python(
      "import json,sys; body=json.load(sys.stdin); print(json.dumps(body, separators=(',',':'), ensure_ascii=False, allow_nan=False), end='')",
      JSON.stringify({ entity: "customers", action: "create", params }),
    );
    expect(sent).toBe(expected);
  });
});

describe("query encoding", () => {
  it("matches Python's urllib.parse.urlencode byte for byte", () => {
    const samples = [
      "plain",
      "a b",
      "a+b",
      "~tilde*star",
      "x/y?z&w=v",
      "it's (ok)!",
      "ünïcödé ✓",
      "%41",
      "",
      "-_.~",
    ];
    const query = Object.fromEntries(samples.map((value, index) => [`k${index} ${value}`, value]));
    const expected = python(
      "import json,sys,urllib.parse; print(urllib.parse.urlencode(json.load(sys.stdin)), end='')",
      JSON.stringify(query),
    );
    expect(encodeQuery(query)).toBe(expected);
  });
});
