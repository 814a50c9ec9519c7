import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { ConnectorModel } from "@execkit/core";
import { ExecKitError } from "@execkit/errors";
import { HostedExecutor } from "@execkit/hosted-executor";
import { startFakeCloud } from "@execkit/testing";
import { DEMO_CUSTOMER_ID, PAGE_SIZE } from "../demo-inputs";
import { type Reporter, timed } from "../reporter";
import type { Sandbox } from "../sandbox/sandbox-server";
import { downloadTo, listAll, mapConcurrent, run } from "./executor-helpers";
import type { LocalResults } from "./local-step";
import { startProgress } from "./progress";
import { createShopExecutor } from "./shop-executor";

/** Hosted calls in flight at once, as in step 2's batch. */
const HOSTED_CONCURRENCY = 16;

/** What step 3 proved. */
export interface HostedResults {
  /** Each comparison with step 2 and whether it matched (all do, or the step throws). */
  comparisons: Array<{ what: string; equal: true }>;
  operations: number;
}

/**
 * Step 3: the HostedExecutor sends the same operations through the cloud API (here the fake cloud of
 * @execkit/testing, which runs a LocalExecutor against the sandbox behind it) and every result is compared with
 * step 2's. Switching an agent from local to hosted is this one constructor.
 */
export async function runHostedStep(
  model: ConnectorModel,
  sandbox: Sandbox,
  local: LocalResults,
  outputDir: string,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<HostedResults> {
  reporter.heading(
    3,
    "HostedExecutor",
    "the same operations through the cloud API, results compared with step 2",
  );
  // The Airbyte application the hosted executor signs in as; the cloud holds the connector's own credentials.
  const client = { id: "acme-demo-app", secret: randomBytes(24).toString("base64url") };
  const cloud = await startFakeCloud({
    clients: { [client.id]: client.secret },
    connectors: [
      { id: "acme-shop-demo", workspaceName: "default", definitionId: model.id, name: "Acme Shop (demo)" },
    ],
    createExecutor: () => createShopExecutor(model, sandbox),
  });
  reporter.item("fake cloud", `${cloud.url} (token, connector lookup, execute)`);
  const comparisons: HostedResults["comparisons"] = [];
  const same = (what: string, hosted: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(hosted, expected)) {
      throw new ExecKitError(
        `HostedExecutor and LocalExecutor disagree on ${what}; the two executors should be equal.`,
        {
          code: "DEMO_RESULTS_DIFFER",
        },
      );
    }
    comparisons.push({ what, equal: true });
  };

  let operations = 0;
  try {
    // The connector is found by its definition id in the workspace; pass connectorId to skip the lookup.
    await using hosted = new HostedExecutor({
      airbyteClientId: client.id,
      airbyteClientSecret: client.secret,
      connectorDefinitionId: model.id,
      workspaceName: "default",
      apiUrl: cloud.url,
      model,
    });

    const [health, checkMs] = await timed(() => hosted.check({ signal }));
    operations += 1;
    if (health.data.status !== "healthy") {
      throw new ExecKitError(`The hosted check failed: ${health.data.error ?? health.error}`, {
        code: "DEMO_UNHEALTHY",
      });
    }
    reporter.item(
      "check()",
      `${health.data.status} (${health.data.checked_entity}/${health.data.checked_action})`,
      checkMs,
    );

    const [customers, listMs] = await timed(() => listAll(hosted, "customers", { limit: PAGE_SIZE }, signal));
    operations += Math.ceil(customers.length / PAGE_SIZE);
    same("customers/list", customers, local.customers);
    reporter.item("customers/list (cursor loop)", `${customers.length} customers, equal to local`, listMs);

    const [customer, getMs] = await timed(() =>
      run(hosted, "customers", "get", { customer_id: DEMO_CUSTOMER_ID }, signal),
    );
    operations += 1;
    same("customers/get", customer, local.customer);
    reporter.item("customers/get", `${DEMO_CUSTOMER_ID}, equal to local`, getMs);

    const progress = startProgress(reporter, "hosted gets", local.batchOperations.length);
    const [batch, batchMs] = await timed(() =>
      mapConcurrent(
        local.batchOperations,
        HOSTED_CONCURRENCY,
        ([entity, action, params]) => run(hosted, entity, action, params, signal),
        () => progress.increment(),
      ).finally(() => progress.stop()),
    );
    operations += batch.length;
    same("the batch of gets", batch, local.batch);
    reporter.item(
      "batch of gets",
      `${batch.length} gets, ${HOSTED_CONCURRENCY} at a time, equal to local`,
      batchMs,
    );

    const [charges, chargesMs] = await timed(() => listAll(hosted, "charges", { limit: PAGE_SIZE }, signal));
    operations += Math.ceil(charges.length / PAGE_SIZE);
    same("charges/list", charges, local.charges);
    reporter.item("charges/list (cursor loop)", `${charges.length} charges, equal to local`, chargesMs);

    const [invoice, invoiceMs] = await timed(() =>
      run(hosted, "invoices", "get", { invoice_id: local.invoice.id }, signal),
    );
    operations += 1;
    same("invoices/get of the new invoice", invoice, local.invoice);
    reporter.item("invoices/get", `${local.invoice.number} (created in step 2), equal to local`, invoiceMs);

    const path = join(outputDir, `invoice-${local.invoice.number}.hosted.pdf`);
    const [pdf, pdfMs] = await timed(() =>
      downloadTo(hosted, "invoices", { invoice_id: local.invoice.id }, path, signal),
    );
    operations += 1;
    same("the invoice PDF (sha256)", pdf.sha256, local.pdf.sha256);
    reporter.item("invoices/download", `${pdf.bytes} bytes, same sha256 as local`, pdfMs);
    reporter.note(
      `cloud calls: ${cloud.requestsTo("token").length} token, ${cloud.requestsTo("lookup").length} lookup, ${cloud.requestsTo("execute").length} execute`,
    );
  } finally {
    await cloud.close();
  }
  return { comparisons, operations };
}
