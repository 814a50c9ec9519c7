import { Redactor } from "@execkit/errors";
import { normalizeExecuteArguments, resolveRetryConfig } from "@execkit/core";
import { startFakeCloud } from "@execkit/testing";
import { Agent, request } from "undici";
import { CloudTransport } from "../src/cloud-transport";
import { HostedExecutor } from "../src/index";
import { parseExecuteResponse } from "../src/response-parsing";
import { withRetries } from "../src/retry-policy";
const cloud = await startFakeCloud({ clients: { a: "bbbb" }, connectors: [{ id: "c", workspaceName: "default", definitionId: "d" }],
  createExecutor: () => ({ async execute() { return { success: true, data: [{ id: 1 }], meta: null }; }, async check() { return { success: true, data: { status: "healthy" as const } }; } }) });
const ex = new HostedExecutor({ airbyteClientId: "a", airbyteClientSecret: "bbbb", connectorId: "c", apiUrl: cloud.url, env: {} });
const cfg = { entity: "customers", action: "list", params: { limit: 10 } };
await ex.execute(cfg);
const token = cloud.issuedTokens[0]!;
const life = new AbortController();
const tr = new CloudTransport({ apiUrl: cloud.url, timeoutMs: 300000, redactor: new Redactor(), lifetime: life.signal });
const agent = new Agent();
const config = resolveRetryConfig();
const url = `${cloud.url}/api/v1/integrations/connectors/c/execute`;
const headers = { accept: "*/*", "x-adp-agent-sdk": "airbyte-agent-sdk", authorization: `Bearer ${token}`, "content-type": "application/json" };
const red = new Redactor();
const fns: Record<string, () => Promise<unknown>> = {
  raw: async () => { const r = await request(url, { method: "POST", headers, body: JSON.stringify(cfg), dispatcher: agent }); return JSON.parse(await r.body.text()); },
  transport: async () => parseExecuteResponse(await tr.send({ method: "POST", path: "/api/v1/integrations/connectors/c/execute", body: cfg, token }), red),
  layered: async () => { const { config: c } = normalizeExecuteArguments(cfg); return parseExecuteResponse(await withRetries({ config, safeToRepeat: true, what: "x" }, async () => tr.send({ method: "POST", path: "/api/v1/integrations/connectors/c/execute", body: { entity: c.entity, action: c.action, params: c.params ?? null }, token })), red); },
  hosted: () => ex.execute(cfg),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
const keys = Object.keys(fns);
for (let i = 0; i < 6000; i++) {
  const order = [...keys.slice(i % keys.length), ...keys.slice(0, i % keys.length)];
  for (const k of order) { const s = process.hrtime.bigint(); await fns[k]!(); if (i > 500) times[k]!.push(Number(process.hrtime.bigint() - s) / 1e3); }
  cloud.clearRequests();
}
for (const [k, t] of Object.entries(times)) { t.sort((a, b) => a - b); console.log(k.padEnd(10), t[t.length >> 1]!.toFixed(1), "µs"); }
await ex.close(); await tr.close(); await agent.close(); await cloud.close();
