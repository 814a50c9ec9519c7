import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_INVOICE } from "../demo-inputs";
import { generateDataset } from "./dataset";
import { type Sandbox, startSandbox } from "./sandbox-server";

let sandbox: Sandbox;
let token: string;

async function refresh(target: Sandbox, overrides: Record<string, string> = {}): Promise<Response> {
  const { clientId, clientSecret, refreshToken } = target.credentials;
  return fetch(`${target.url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: clientId,
      client_secret: clientSecret,
      ...overrides,
    }),
    signal: AbortSignal.timeout(5_000),
  });
}

function api(path: string, init: RequestInit = {}, bearer = token): Promise<Response> {
  return fetch(`${sandbox.url}/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    signal: AbortSignal.timeout(5_000),
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ tokenTtlMs: 60_000 });
  token = ((await (await refresh(sandbox)).json()) as { access_token: string }).access_token;
});
afterAll(() => sandbox.close());

describe("the generated data", () => {
  it("is the same for the same seed and differs for another", () => {
    expect(generateDataset()).toEqual(generateDataset());
    expect(generateDataset({ seed: 7 }).charges).not.toEqual(generateDataset().charges);
  });

  it("has 200 customers and a few thousand charges over 2025, with unique ids", () => {
    const { customers, charges } = generateDataset();
    expect(customers).toHaveLength(200);
    expect(charges.length).toBeGreaterThan(2_000);
    expect(charges.length).toBeLessThan(6_000);
    expect(new Set(charges.map((charge) => charge.id)).size).toBe(charges.length);
    const months = new Set(
      charges.map((charge) => new Date(charge.created * 1000).toISOString().slice(0, 7)),
    );
    expect([...months].sort()).toEqual(
      Array.from({ length: 12 }, (_, m) => `2025-${String(m + 1).padStart(2, "0")}`),
    );
  });
});

describe("OAuth2", () => {
  it("refuses the expired access token it hands out, and a missing one", async () => {
    expect((await api("/customers", {}, sandbox.credentials.accessToken)).status).toBe(401);
    const anonymous = await fetch(`${sandbox.url}/v1/customers`, { signal: AbortSignal.timeout(5_000) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("invalid_token");
  });

  it("issues tokens only for the right client and refresh token", async () => {
    const ok = await refresh(sandbox);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: "Bearer", expires_in: 60 });
    expect((await refresh(sandbox, { client_secret: "wrong" })).status).toBe(401);
    const badGrant = await refresh(sandbox, { refresh_token: "rt_wrong" });
    expect(badGrant.status).toBe(400);
    expect(await badGrant.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("expires tokens after their lifetime", async () => {
    const shortLived = await startSandbox({ tokenTtlMs: 100 });
    try {
      const { access_token } = (await (await refresh(shortLived)).json()) as { access_token: string };
      const call = () =>
        fetch(`${shortLived.url}/v1/customers?limit=1`, {
          headers: { authorization: `Bearer ${access_token}` },
          signal: AbortSignal.timeout(5_000),
        });
      expect((await call()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await call()).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });
});

describe("the API", () => {
  it("pages through every customer with next_cursor, in order, once each", async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await api(`/customers?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      const page = (await response.json()) as {
        data: Array<{ id: string }>;
        has_more: boolean;
        next_cursor: string | null;
      };
      ids.push(...page.data.map((customer) => customer.id));
      expect(page.has_more).toBe(page.next_cursor !== null);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(200 / 7));
    expect(ids).toEqual(sandbox.data.customers.map((customer) => customer.id));
  });

  it("rejects a bad limit or cursor with 400 and an unknown id with 404", async () => {
    expect((await api("/charges?limit=0")).status).toBe(400);
    expect((await api("/charges?limit=101")).status).toBe(400);
    const badCursor = await api("/charges?cursor=not-a-cursor");
    expect(badCursor.status).toBe(400);
    expect(((await badCursor.json()) as { message: string }).message).toContain("next_cursor");
    expect((await api("/customers/cus_9999")).status).toBe(404);
    expect((await api("/invoices/in_999999/pdf")).status).toBe(404);
  });

  it("filters charges by customer", async () => {
    const page = (await (await api("/charges?customer=cus_0042&limit=100")).json()) as {
      data: Array<{ customer: string }>;
    };
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((charge) => charge.customer === "cus_0042")).toBe(true);
  });

  it("validates invoices/create with 422 and creates a valid one", async () => {
    const unknown = await api("/invoices", {
      method: "POST",
      body: JSON.stringify({ ...DEMO_INVOICE, customer: "cus_9999" }),
    });
    expect(unknown.status).toBe(422);
    const empty = await api("/invoices", {
      method: "POST",
      body: JSON.stringify({ ...DEMO_INVOICE, lines: [] }),
    });
    expect(empty.status).toBe(422);
    expect((await api("/invoices", { method: "POST", body: "[1]" })).status).toBe(400);

    const created = await api("/invoices", { method: "POST", body: JSON.stringify(DEMO_INVOICE) });
    expect(created.status).toBe(201);
    const invoice = (await created.json()) as { id: string; total: number; status: string; due_date: string };
    expect(invoice).toMatchObject({ status: "open", total: 120_000 + 15_000, due_date: "2026-01-15" });
    expect(await (await api(`/invoices/${invoice.id}`)).json()).toEqual(invoice);
  });
});

describe("invoice PDFs", () => {
  it("are well-formed: header, trailer and an xref table whose offsets point at their objects", () => {
    const pdf = sandbox.invoicePdf(sandbox.data.invoices[0]!.id).toString("latin1");
    expect(pdf.startsWith("%PDF-1.4\n")).toBe(true);
    expect(pdf.endsWith("%%EOF\n")).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n/.exec(pdf)?.[1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe("xref");
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) =>
      Number(match[1]),
    );
    expect(offsets.length).toBe(7);
    offsets.forEach((offset, index) => {
      expect(pdf.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`);
    });
  });

  it("are byte-identical across sandboxes for the same invoice", async () => {
    const other = await startSandbox();
    try {
      const id = sandbox.data.invoices[3]!.id;
      expect(other.invoicePdf(id).equals(sandbox.invoicePdf(id))).toBe(true);
    } finally {
      await other.close();
    }
  });
});
