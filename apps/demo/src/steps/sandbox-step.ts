import { type ConnectorModel, loadConnectorModel } from "@execkit/core";
import { connectorPath } from "../paths";
import { type Reporter, timed } from "../reporter";
import { type Sandbox, startSandbox } from "../sandbox/sandbox-server";

/**
 * Step 1: loads the demo's connector definition and starts the sandbox API that implements it on loopback.
 * Nothing leaves this machine.
 */
export async function runSandboxStep(
  reporter: Reporter,
): Promise<{ model: ConnectorModel; sandbox: Sandbox }> {
  reporter.heading(1, "Sandbox API", "our own connector definition, served on 127.0.0.1 with generated data");
  const [model, loadMs] = await timed(async () => loadConnectorModel(connectorPath()));
  const operations = model.entities.flatMap((entity) =>
    entity.operations.map((op) => `${entity.name}/${op.action}`),
  );
  reporter.item("loadConnectorModel", `${model.name}: ${operations.join(", ")}`, loadMs);
  const [sandbox, startMs] = await timed(() => startSandbox());
  const { customers, charges, invoices } = sandbox.data;
  reporter.item("sandbox", `${sandbox.url}/v1`, startMs);
  reporter.note(
    `${customers.length} customers, ${charges.length} charges over 2025, ${invoices.length} invoices; ` +
      `OAuth2 tokens expire after ${sandbox.tokenTtlMs / 1000} s`,
  );
  return { model, sandbox };
}
