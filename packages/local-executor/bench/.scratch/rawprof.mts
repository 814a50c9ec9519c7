import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
const records = Array.from({ length: 100 }, (_, i) => ({ id: `item_${i}`, name: `Item number ${i}`, description: `Record ${i}: a short description to parse.`, private: i % 7 === 0, owner: { id: `user_${i % 13}`, email: `user${i % 13}@example.com` }, tags: ["alpha", "beta"], created: 1_700_000_000 + i }));
const listBody = Buffer.from(JSON.stringify({ data: records, next_cursor: "c2", has_more: true }));
const server = createServer((req, res) => { res.writeHead(200, { "content-type": "application/json", "content-length": String(listBody.length) }); res.end(listBody); });
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const agent = new Agent({ connections: 100 });
const t0 = performance.now();
for (let i = 0; i < 8000; i++) { const r = await request(`${origin}/api/items?limit=100`, { dispatcher: agent, headers: { authorization: "Bearer x", accept: "*/*" } }); const b = await r.body.json() as any; if (b.data.length !== 100) throw 1; }
console.log("raw", performance.now() - t0);
await agent.close(); server.closeAllConnections(); server.close();
