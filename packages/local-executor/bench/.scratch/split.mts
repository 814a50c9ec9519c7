import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request, type Dispatcher } from "undici";
import { LocalExecutor } from "../../src/index";
import { acmeModel } from "../../test/acme-spec";
import { median } from "../stats";
const records = Array.from({ length: 100 }, (_, i) => ({ id: `item_${i}`, name: `Item number ${i}`, description: `Record ${i}: a short description to parse.`, private: i % 7 === 0, owner: { id: `user_${i % 13}`, email: `user${i % 13}@example.com` }, tags: ["alpha", "beta"], created: 1_700_000_000 + i }));
const listBody = Buffer.from(JSON.stringify({ data: records, next_cursor: "c2", has_more: true }));
const server = createServer((req, res) => { res.writeHead(200, { "content-type": "application/json", "content-length": String(listBody.length) }); res.end(listBody); });
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const url = `${origin}/api/items?limit=100`;
let tDispatch = 0, tComplete = 0;
class Timed extends Agent {
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    tDispatch = performance.now();
    const h = handler as any;
    const wrapped = new Proxy(h, { get(t, p) { const v = t[p]; if ((p === "onComplete" || p === "onResponseEnd") && typeof v === "function") return (...a: unknown[]) => { tComplete = performance.now(); return v.apply(t, a); }; return typeof v === "function" ? v.bind(t) : v; } });
    return super.dispatch(opts, wrapped);
  }
}
const a1 = new Timed({ connections: 100 }), a2 = new Timed({ connections: 100 });
const executor = new LocalExecutor({ model: acmeModel(origin), authConfig: { api_key: "bench-token-123456" }, dispatcher: a2 });
const v: Record<string, () => Promise<unknown>> = {
  raw: async () => { const r = await request(url, { dispatcher: a1, headers: { authorization: "Bearer bench-token-123456", accept: "*/*" } }); return r.body.json(); },
  exec: () => executor.execute("items", "list", { params: { limit: 100 } }),
};
const stats: Record<string, { pre: number[]; wire: number[]; post: number[]; total: number[] }> = { raw: { pre: [], wire: [], post: [], total: [] }, exec: { pre: [], wire: [], post: [], total: [] } };
for (let i = 0; i < 400; i++) for (const n of ["raw", "exec"]) await v[n]!();
for (let i = 0; i < 3000; i++) for (const n of i % 2 ? ["raw", "exec"] : ["exec", "raw"]) { const s = performance.now(); await v[n]!(); const e = performance.now(); const st = stats[n]!; st.pre.push(tDispatch - s); st.wire.push(tComplete - tDispatch); st.post.push(e - tComplete); st.total.push(e - s); }
for (const n of ["raw", "exec"]) { const st = stats[n]!; console.log(n, "pre", (median(st.pre) * 1000).toFixed(1), "wire", (median(st.wire) * 1000).toFixed(1), "post", (median(st.post) * 1000).toFixed(1), "total", (median(st.total) * 1000).toFixed(1), "us"); }
await executor.close(); await a1.close(); await a2.close(); server.closeAllConnections(); server.close();
