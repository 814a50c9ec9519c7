import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { acmeModel } from "../test/acme-spec";
import { LocalExecutor } from "../src/index";
const body = Buffer.from(JSON.stringify({ data: Array.from({ length: 100 }, (_, i) => ({ id: `i${i}`, name: "x".repeat(150) })), next_cursor: "c", has_more: true }));
const server = createServer((_req, res) => { res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) }); res.end(body); });
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const url = `${origin}/api/items?limit=100`;
const agent = new Agent({ connections: 100 });
const ex = new LocalExecutor({ model: acmeModel(origin), authConfig: { api_key: "tok-123456" } });
const raw = async () => (await request(url, { dispatcher: agent, headers: { authorization: "Bearer tok-123456", accept: "*/*" } })).body.json();
const one = () => ex.execute("items", "list", { params: { limit: 100 } });
async function pool(fn: () => Promise<unknown>, total: number, c: number) {
  let next = 0; const s = performance.now();
  await Promise.all(Array.from({ length: c }, async () => { while (next < total) { next++; await fn(); } }));
  return total / ((performance.now() - s) / 1000);
}
const batch = async (total: number, c: number) => { const s = performance.now(); await ex.executeBatch(Array.from({ length: total }, () => ["items", "list", { limit: 100 }] as const), { concurrency: c }); return total / ((performance.now() - s) / 1000); };
const c = 64;
await pool(raw, 1000, c); await pool(one, 1000, c); await batch(1000, c);
const r: number[] = [], e: number[] = [], b: number[] = [];
for (let i = 0; i < 5; i++) { b.push(await batch(2000, c)); r.push(await pool(raw, 2000, c)); e.push(await pool(one, 2000, c)); }
console.log("raw", r.map((x) => x.toFixed(0)).join(" "));
console.log("pool", e.map((x) => x.toFixed(0)).join(" "));
console.log("batch", b.map((x) => x.toFixed(0)).join(" "));
await agent.close(); await ex.close(); server.close();
