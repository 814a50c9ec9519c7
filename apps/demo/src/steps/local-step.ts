import { join } from "node:path";
import type { ConnectorModel } from "@execkit/core";
import { ExecKitError } from "@execkit/errors";
import type { BatchOperation } from "@execkit/local-executor";
import { BATCH_CONCURRENCY, DEMO_CUSTOMER_ID, DEMO_INVOICE, PAGE_SIZE } from "../demo-inputs";
import { plural, type Reporter, timed } from "../reporter";
import type { Charge, Customer, Invoice } from "../sandbox/dataset";
import type { Sandbox } from "../sandbox/sandbox-server";
import { downloadTo, run, type SavedDownload } from "./executor-helpers";
import { startProgress } from "./progress";
import { createShopExecutor } from "./shop-executor";

/** What step 2 fetched; step 3 runs the same operations and compares, step 4 analyses the charges. */
export interface LocalResults {
  customers: Customer[];
  customer: Customer;
  /** The data of each batch operation, in input order. */
  batch: unknown[];
  batchOperations: Array<[entity: string, action: string, params: Record<string, unknown>]>;
  charges: Charge[];
  invoice: Invoice;
  pdf: SavedDownload;
  operations: number;
  tokenRefreshes: number;
}

/**
 * Step 2: the LocalExecutor calls the API directly. check(), paginate() through customers and charges, a get, a
 * batch of a few hundred gets, invoices/create and the invoice PDF streamed to disk.
 */
export async function runLocalStep(
  model: ConnectorModel,
  sandbox: Sandbox,
  outputDir: string,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<LocalResults> {
  reporter.heading(
    2,
    "LocalExecutor",
    "calls the API straight from this process: auth, paging, batches, files",
  );
  let tokenRefreshes = 0;
  let operations = 0;
  await using executor = createShopExecutor(model, sandbox, () => {
    tokenRefreshes += 1;
  });

  const [health, checkMs] = await timed(() => executor.check({ signal }));
  operations += 1;
  if (health.data.status !== "healthy") {
    throw new ExecKitError(`The sandbox API is not healthy: ${health.data.error ?? health.error}`, {
      code: "DEMO_UNHEALTHY",
    });
  }
  reporter.item(
    "check()",
    `${health.data.status} (${health.data.checked_entity}/${health.data.checked_action})`,
    checkMs,
  );
  if (sandbox.stats.unauthorized > 0) {
    reporter.note("its first request carried an expired access token: 401, token refreshed, request retried");
  }

  const [customers, customersMs] = await timed(() =>
    collect<Customer>(executor.paginate("customers", "list", { params: { limit: PAGE_SIZE }, signal })),
  );
  operations += Math.ceil(customers.length / PAGE_SIZE);
  reporter.item("customers/list paginate()", `${customers.length} customers`, customersMs);

  const [customer, getMs] = await timed(() =>
    run<Customer>(executor, "customers", "get", { customer_id: DEMO_CUSTOMER_ID }, signal),
  );
  operations += 1;
  reporter.item("customers/get", `${customer.id} ${customer.name} (${customer.plan})`, getMs);

  // Every customer, then the first invoices: a few hundred independent gets.
  const batchOperations: LocalResults["batchOperations"] = [
    ...customers.map(
      (c) => ["customers", "get", { customer_id: c.id }] as [string, string, Record<string, unknown>],
    ),
    ...sandbox.data.invoices
      .slice(0, 100)
      .map((i) => ["invoices", "get", { invoice_id: i.id }] as [string, string, Record<string, unknown>]),
  ];
  const [batch, batchMs] = await timed(() => runBatch(executor, batchOperations, reporter, signal));
  operations += batchOperations.length;
  reporter.item(
    "executeBatch",
    `${batch.length} gets, ${BATCH_CONCURRENCY} at a time, all succeeded`,
    batchMs,
  );

  const [charges, chargesMs] = await timed(() =>
    collect<Charge>(executor.paginate("charges", "list", { params: { limit: PAGE_SIZE }, signal })),
  );
  operations += Math.ceil(charges.length / PAGE_SIZE);
  reporter.item(
    "charges/list paginate()",
    `${charges.length} charges in ${Math.ceil(charges.length / PAGE_SIZE)} pages`,
    chargesMs,
  );

  const [invoice, createMs] = await timed(() =>
    run<Invoice>(
      executor,
      "invoices",
      "create",
      structuredClone(DEMO_INVOICE) as Record<string, unknown>,
      signal,
    ),
  );
  operations += 1;
  reporter.item(
    "invoices/create",
    `${invoice.number} for ${invoice.customer}, ${dollars(invoice.total)}`,
    createMs,
  );

  const pdfPath = join(outputDir, `invoice-${invoice.number}.pdf`);
  const [pdf, pdfMs] = await timed(() =>
    downloadTo(executor, "invoices", { invoice_id: invoice.id }, pdfPath, signal),
  );
  operations += 1;
  reporter.item("invoices/download", `${pdf.bytes} bytes streamed to ${pdfPath}`, pdfMs);
  reporter.note(
    `OAuth2: ${plural(tokenRefreshes, "token refresh", "es")} (tokens live ${sandbox.tokenTtlMs / 1000} s): ` +
      `one after the 401${tokenRefreshes > 1 ? `, ${tokenRefreshes - 1} ahead of expiry` : ""}`,
  );

  return { customers, customer, batch, batchOperations, charges, invoice, pdf, operations, tokenRefreshes };
}

/** Runs the batch with bounded concurrency; `onSettled` moves the bar as each operation finishes. */
async function runBatch(
  executor: ReturnType<typeof createShopExecutor>,
  operations: readonly BatchOperation[],
  reporter: Reporter,
  signal: AbortSignal,
): Promise<unknown[]> {
  const progress = startProgress(reporter, "executeBatch", operations.length);
  try {
    const items = await executor.executeBatch(operations, {
      concurrency: BATCH_CONCURRENCY,
      signal,
      onSettled: () => progress.increment(),
    });
    return items.map((item) => {
      if (item.status === "rejected") throw item.error;
      if (!item.result.success) {
        throw new ExecKitError(`A batch operation did not run: ${item.result.error}`, {
          code: "DEMO_OPERATION_FAILED",
        });
      }
      return item.result.data;
    });
  } finally {
    progress.stop();
  }
}

async function collect<T>(records: AsyncIterable<unknown>): Promise<T[]> {
  const all: T[] = [];
  for await (const record of records) all.push(record as T);
  return all;
}

/** Cents as `$1,234.00`. */
export function dollars(cents: number): string {
  return `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
