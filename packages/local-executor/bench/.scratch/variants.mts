import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { LocalExecutor } from "../../src/index";
import { acmeModel } from "../../test/acme-spec";
import { median } from "../stats";
const records = Array.from({ length: 100 }, (_, i) => ({ id: `item_${i}`, name: `Item number ${i}`, description: `Record ${i}: a short description to parse.`, private: i % 7 === 0, owner: { id: `user_${i % 13}`, email: `user${i % 13}@example.com` }, tags: ["alpha", "beta"], created: 1_700_000_000 + i }));
const listBody = Buffer.from(JSON.stringify({ data: records, next_cursor: "c2", has_more: true }));
const server = createServer((req, res) => { res.writeHead(200, { "content-type": "application/json", "content-length": String(listBody.length) }); res.end(listBody); });
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const url = `${origin}/api/items?limit=100`;
const executor = new LocalExecutor({ model: acmeModel(origin), authConfig: { api_key: "bench-token-123456" } });
const a1 = new Agent({ connections: 100 }), a2 = new Agent({ connections: 100 });
const v: Record<string, () => Promise<unknown>> = {
  raw: async () => { const r = await request(url, { dispatcher: a1, headers: { authorization: "Bearer bench-token-123456", accept: "*/*" } }); return r.body.json(); },
  rawLike: async () => { const r = await request(url, { method: "GET", dispatcher: a2, headers: { accept: "*/*", "user-agent": "execkit-local-executor/0.1.0", authorization: "Bearer bench-token-123456" }, body: undefined, signal: undefined, headersTimeout: 30000, bodyTimeout: 30000 }); return JSON.parse(await r.body.text()); },
  exec: () => executor.execute("items", "list", { params: { limit: 100 } }),
};
const names = Object.keys(v); const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < 400; i++) for (const n of names) await v[n]!();
for (let i = 0; i < 3000; i++) { const order = i % 3 === 0 ? names : i % 3 === 1 ? [names[1]!, names[2]!, names[0]!] : [names[2]!, names[0]!, names[1]!]; for (const n of order) { const s = performance.now(); await v[n]!(); times[n]!.push(performance.now() - s); } }
const base = median(times.raw!);
for (const n of names) console.log(n.padEnd(8), median(times[n]!).toFixed(4), (median(times[n]!) / base).toFixed(3));
await executor.close(); await a1.close(); await a2.close(); server.closeAllConnections(); server.close();
