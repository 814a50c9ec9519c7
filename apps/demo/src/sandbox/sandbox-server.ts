import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type Dataset, type DatasetOptions, generateDataset } from "./dataset";
import { renderInvoicePdf } from "./invoice-pdf";
import { type InvoiceInput, ShopStore, StoreError } from "./shop-store";
import { type SandboxCredentials, TokenIssuer } from "./token-issuer";

/** Options of {@link startSandbox}. */
export interface SandboxOptions extends DatasetOptions {
  /** Lifetime of issued access tokens in ms. Default 1,000, so the demo sees refreshes while it runs. */
  tokenTtlMs?: number;
}

/** What the sandbox has served so far. */
export interface SandboxStats {
  /** API calls (everything under `/v1`), whatever their answer. */
  apiRequests: number;
  /** Calls refused with 401 because the token was missing, unknown or expired. */
  unauthorized: number;
  /** Access tokens issued by the token endpoint. */
  tokensIssued: number;
}

/** A running sandbox; see {@link startSandbox}. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`: the value of the connector's `api_origin` server variable. */
  readonly url: string;
  /** The OAuth2 client and tokens to give an executor (the access token has already expired). */
  readonly credentials: SandboxCredentials;
  /** The data the sandbox serves (invoices grow as they are created). */
  readonly data: Dataset;
  readonly stats: SandboxStats;
  /** Lifetime of the access tokens it issues, in ms. */
  readonly tokenTtlMs: number;
  /** The PDF bytes `GET /v1/invoices/{id}/pdf` serves for an invoice. */
  invoicePdf(invoiceId: string): Buffer;
  /** Stops the server and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the Acme Shop API of `connectors/acme-shop/connector.yaml` on 127.0.0.1 with a random port: OAuth2
 * refresh with short-lived tokens, cursor-paged lists of customers, charges and invoices, invoice creation and
 * invoice PDFs. Its data comes from a seeded generator, so every run serves the same records.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const data = generateDataset(options);
  const store = new ShopStore(data);
  const tokenTtlMs = options.tokenTtlMs ?? 1_000;
  const issuer = new TokenIssuer(tokenTtlMs);
  const stats: SandboxStats = { apiRequests: 0, unauthorized: 0, tokensIssued: 0 };
  const invoicePdf = (id: string) => {
    const invoice = store.invoice(id);
    return renderInvoicePdf(
      invoice,
      data.customers.find((customer) => customer.id === invoice.customer),
    );
  };

  const route = async (request: IncomingMessage, url: URL): Promise<Reply> => {
    const method = request.method ?? "GET";
    if (url.pathname === "/oauth/token" && method === "POST") {
      const answer = issuer.refresh(new URLSearchParams(await readBody(request)));
      stats.tokensIssued = issuer.issued;
      return answer.ok ? json(200, answer.body) : json(answer.status, answer.body);
    }
    if (!url.pathname.startsWith("/v1/"))
      return json(404, { error: "not_found", message: `No route ${method} ${url.pathname}.` });
    stats.apiRequests += 1;
    const rejection = issuer.rejection(request.headers.authorization);
    if (rejection) {
      stats.unauthorized += 1;
      return {
        ...json(401, { error: "invalid_token", message: rejection }),
        headers: { "www-authenticate": 'Bearer error="invalid_token"' },
      };
    }
    const path = url.pathname.slice("/v1".length);
    const query = url.searchParams;
    const idIn = (pattern: RegExp) => {
      const match = pattern.exec(path);
      return match ? decodeURIComponent(match[1]!) : undefined;
    };
    const customerId = idIn(/^\/customers\/([^/]+)$/);
    const invoiceId = idIn(/^\/invoices\/([^/]+)$/);
    const pdfId = idIn(/^\/invoices\/([^/]+)\/pdf$/);
    if (method === "GET" && path === "/customers") return json(200, store.customers(query));
    if (method === "GET" && customerId) return json(200, store.customer(customerId));
    if (method === "GET" && path === "/charges") return json(200, store.charges(query));
    if (method === "GET" && path === "/invoices") return json(200, store.invoices(query));
    if (method === "POST" && path === "/invoices")
      return json(201, store.createInvoice(await readJson(request)));
    if (method === "GET" && invoiceId) return json(200, store.invoice(invoiceId));
    if (method === "GET" && pdfId)
      return { status: 200, headers: { "content-type": "application/pdf" }, body: invoicePdf(pdfId) };
    return json(404, { error: "not_found", message: `No route ${method} ${url.pathname}.` });
  };

  const server = createServer((request, response) => {
    void respond(request, response);
  });
  const respond = async (request: IncomingMessage, response: ServerResponse) => {
    let reply: Reply;
    try {
      reply = await route(request, new URL(request.url ?? "/", "http://sandbox.local"));
    } catch (error) {
      reply =
        error instanceof StoreError
          ? json(error.status, { error: "invalid_request", message: error.message })
          : json(500, { error: "internal", message: "The sandbox failed to answer this request." });
    }
    response.writeHead(reply.status, { ...reply.headers, "content-length": String(reply.body.length) });
    response.end(reply.body);
  };

  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    credentials: issuer.credentials,
    data,
    stats,
    tokenTtlMs,
    invoicePdf,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function json(status: number, body: unknown): Reply {
  return { status, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) };
}

/** Bodies of this API are small; a larger one is refused rather than buffered. */
const MAX_BODY_BYTES = 1_000_000;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StoreError(400, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(request: IncomingMessage): Promise<InvoiceInput> {
  const text = await readBody(request);
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as InvoiceInput;
  } catch {
    // Falls through to the 400 below: the client sent something that is not a JSON object.
  }
  throw new StoreError(400, "The body must be a JSON object.");
}
