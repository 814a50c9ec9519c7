import {
  type Charge,
  type Customer,
  type Dataset,
  type Invoice,
  type InvoiceLine,
  invoiceIds,
  isoDate,
  SANDBOX_NOW,
} from "./dataset";

/** A page of a list, in the API's wire shape. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** A request the store refuses: the HTTP status and a message for the client. */
export class StoreError extends Error {
  constructor(
    readonly status: 400 | 404 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** The body of `POST /v1/invoices`. */
export interface InvoiceInput {
  customer?: unknown;
  lines?: unknown;
  currency?: unknown;
  days_until_due?: unknown;
  memo?: unknown;
}

/**
 * The sandbox's data and its rules: filtering, cursor pages and invoice creation. Cursors are opaque to clients
 * (base64url of the next offset), as a real API's would be.
 */
export class ShopStore {
  readonly #data: Dataset;
  readonly #customers: Map<string, Customer>;

  constructor(data: Dataset) {
    this.#data = data;
    this.#customers = new Map(data.customers.map((customer) => [customer.id, customer]));
  }

  /** `GET /customers`: a page, optionally only the customer with `email`. */
  customers(query: URLSearchParams): Page<Customer> {
    const email = query.get("email");
    return page(
      email === null ? this.#data.customers : this.#data.customers.filter((c) => c.email === email),
      query,
    );
  }

  /** `GET /customers/{id}`; 404 when unknown. */
  customer(id: string): Customer {
    const customer = this.#customers.get(id);
    if (!customer) throw new StoreError(404, `No customer ${id}.`);
    return customer;
  }

  /** `GET /charges`: a page, optionally one customer's, optionally since `created_gte`. */
  charges(query: URLSearchParams): Page<Charge> {
    const customer = query.get("customer");
    const since = query.get("created_gte");
    const sinceTime = since === null ? undefined : Number(since);
    if (sinceTime !== undefined && !Number.isInteger(sinceTime)) {
      throw new StoreError(400, "created_gte must be a unix time in seconds.");
    }
    const charges = this.#data.charges.filter(
      (charge) =>
        (customer === null || charge.customer === customer) &&
        (sinceTime === undefined || charge.created >= sinceTime),
    );
    return page(charges, query);
  }

  /** `GET /invoices`: a page, optionally filtered by customer and status. */
  invoices(query: URLSearchParams): Page<Invoice> {
    const customer = query.get("customer");
    const status = query.get("status");
    const invoices = this.#data.invoices.filter(
      (invoice) =>
        (customer === null || invoice.customer === customer) &&
        (status === null || invoice.status === status),
    );
    return page(invoices, query);
  }

  /** `GET /invoices/{id}`; 404 when unknown. */
  invoice(id: string): Invoice {
    const invoice = this.#data.invoices.find((candidate) => candidate.id === id);
    if (!invoice) throw new StoreError(404, `No invoice ${id}.`);
    return invoice;
  }

  /** Validates and stores a new open invoice, stamped with the sandbox's fixed clock. */
  createInvoice(input: InvoiceInput): Invoice {
    if (typeof input.customer !== "string" || !this.#customers.has(input.customer)) {
      throw new StoreError(
        422,
        `customer must be the id of an existing customer; got ${JSON.stringify(input.customer)}.`,
      );
    }
    if (!Array.isArray(input.lines) || input.lines.length === 0 || input.lines.length > 50) {
      throw new StoreError(422, "lines must be a list of 1 to 50 items.");
    }
    const lines = input.lines.map(validLine);
    const days = input.days_until_due ?? 30;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 0 || days > 120) {
      throw new StoreError(422, "days_until_due must be an integer from 0 to 120.");
    }
    if (input.memo !== undefined && (typeof input.memo !== "string" || input.memo.length > 500)) {
      throw new StoreError(422, "memo must be a string of at most 500 characters.");
    }
    if (input.currency !== undefined && input.currency !== "usd")
      throw new StoreError(422, "currency must be usd.");
    const invoice: Invoice = {
      ...invoiceIds(this.#data.invoices.length + 1, SANDBOX_NOW),
      customer: input.customer,
      status: "open",
      currency: "usd",
      lines,
      total: lines.reduce((sum, line) => sum + line.unit_amount * line.quantity, 0),
      memo: typeof input.memo === "string" ? input.memo : null,
      created: SANDBOX_NOW,
      due_date: isoDate(SANDBOX_NOW + days * 86_400),
    };
    this.#data.invoices.push(invoice);
    return invoice;
  }
}

function validLine(value: unknown, index: number): InvoiceLine {
  const line = (value ?? {}) as Record<string, unknown>;
  const ok =
    typeof line.description === "string" &&
    line.description.length > 0 &&
    Number.isInteger(line.unit_amount) &&
    (line.unit_amount as number) >= 0 &&
    Number.isInteger(line.quantity) &&
    (line.quantity as number) >= 1;
  if (!ok) {
    throw new StoreError(
      422,
      `lines[${index}] needs a description, a unit_amount in cents and a quantity of at least 1.`,
    );
  }
  return {
    description: line.description as string,
    unit_amount: line.unit_amount as number,
    quantity: line.quantity as number,
  };
}

function page<T>(items: readonly T[], query: URLSearchParams): Page<T> {
  const limitText = query.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new StoreError(400, "limit must be an integer from 1 to 100.");
  const cursor = query.get("cursor");
  const offset = cursor === null || cursor === "" ? 0 : decodeCursor(cursor);
  const data = items.slice(offset, offset + limit);
  const nextOffset = offset + data.length;
  const hasMore = nextOffset < items.length;
  return { data, has_more: hasMore, next_cursor: hasMore ? encodeCursor(nextOffset) : null };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match)
    throw new StoreError(
      400,
      "cursor is not a cursor this API issued; pass next_cursor from the previous page.",
    );
  return Number(match[1]);
}
