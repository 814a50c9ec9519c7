import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ConnectorModel,
  findCheckOperation,
  loadConnectorModel,
  type OperationModel,
} from "@execkit/core";
import { ExecKitError } from "@execkit/errors";
import {
  applyAuthMapping,
  describeWithSharedSpecs,
  type FaultTarget,
  generateParams,
  type MockApi,
  needsInitialRefresh,
  startMockApi,
} from "@execkit/testing";
import { afterAll, expect, it } from "vitest";
import { LocalExecutor } from "./local-executor";

/**
 * Runs every operation of every shared spec with logging on and unique secret values, forces the failures
 * that carry credentials near an error (401, 500 whose body echoes the request's headers, a refused token
 * refresh whose body echoes the refresh request) and checks that no secret reaches the log file, an error
 * message, `String(error)`, a stack or `toJSON()`.
 */

const workDir = mkdtempSync(join(tmpdir(), "execkit-secrets-scan-"));

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Echoes what the client sent, as some APIs do in their error bodies: the worst case for redaction. */
function echo(request: FaultTarget): unknown {
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
  return {
    error: "echo",
    headers: request.headers,
    body: request.body,
    path: request.path,
    // Decoded too, so basic-auth specs put the raw username and password in front of the redactor.
    ...(basic ? { basic: Buffer.from(basic, "base64").toString("utf8") } : {}),
  };
}

/** Every secret the executor could leak: raw credentials, their mapped forms, and tokens the mock issued. */
function secretsOf(model: ConnectorModel, mock: MockApi): string[] {
  const values = new Set<string>();
  for (const scheme of model.securitySchemes) {
    const credentials = mock.credentials(scheme.name);
    for (const value of Object.values(credentials)) values.add(value);
    for (const value of Object.values(applyAuthMapping(scheme, credentials)))
      if (value.length >= 8) values.add(value);
  }
  for (const token of mock.issuedTokens) values.add(token);
  return [...values];
}

function errorTexts(error: unknown): string[] {
  if (!(error instanceof Error)) return [String(error)];
  const texts = [error.message, String(error), error.stack ?? ""];
  if (ExecKitError.isInstance(error)) texts.push(JSON.stringify((error as ExecKitError).toJSON()));
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 8; depth++) {
    texts.push(cause.message, cause.stack ?? "");
    cause = cause.cause;
  }
  return texts;
}

function readLogs(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), "utf8"))
    .join("\n");
}

async function runScheme(
  model: ConnectorModel,
  mock: MockApi,
  scheme: string,
  logFile: string,
  texts: string[],
  operations: readonly OperationModel[],
): Promise<number> {
  const executor = new LocalExecutor({
    model,
    authConfig: mock.credentials(scheme),
    ...(model.multiAuth ? { authScheme: scheme } : {}),
    configValues: { ...mock.configValues },
    dispatcher: mock.dispatcher,
    enableLogging: true,
    logFile,
    // Small, so entries spill to the file during the run and not only on close().
    maxLogs: 5,
    retryConfig: { maxAttempts: 2, initialDelaySeconds: 0, maxDelaySeconds: 0 },
    timeoutMs: 10_000,
  });
  let errors = 0;
  const run = async (operation: OperationModel): Promise<void> => {
    mock.preferOperation(operation.entity, operation.action);
    try {
      const result = await executor.execute({
        entity: operation.entity,
        action: operation.action,
        params: generateParams(operation, model),
      });
      if (result.error) texts.push(result.error);
      const data = result.data;
      if (data !== null && typeof data === "object" && Symbol.asyncIterator in data) {
        for await (const _chunk of data as AsyncIterable<Uint8Array>) {
          // Drain the download so its log entry is complete.
        }
      }
    } catch (error) {
      errors += 1;
      texts.push(...errorTexts(error));
    }
  };
  try {
    for (const operation of operations) await run(operation);
    const target = findCheckOperation(model)?.operation ?? operations[0]!;
    for (const status of [401, 500, 429]) {
      const fault = mock.inject({
        match: { kind: "api" },
        status,
        headers: status === 429 ? { "retry-after": "0" } : {},
        body: echo,
        times: Number.POSITIVE_INFINITY,
      });
      await run(target);
      fault.remove();
    }
    const check = await executor.check();
    if (check.error) texts.push(check.error);
    // The entries still in memory count as logs too.
    texts.push(JSON.stringify(executor.logs));
  } finally {
    await executor.close();
  }
  return errors;
}

describeWithSharedSpecs("secrets scan: logs and errors of every operation carry no credential", (specs) => {
  for (const spec of specs) {
    it(spec.name, async () => {
      const model = loadConnectorModel(spec.file);
      // A fresh salt per run: the values exist nowhere else, so any occurrence is a leak.
      const mock = await startMockApi(model, { salt: randomBytes(8).toString("hex") });
      const dir = mkdtempSync(join(workDir, `${spec.name}-`));
      const texts: string[] = [];
      let errors = 0;
      try {
        for (const [i, scheme] of model.securitySchemes.entries()) {
          // Every operation under the first scheme; the others on the check operation.
          const operations =
            i === 0 ? model.operations : [findCheckOperation(model)?.operation ?? model.operations[0]!];
          errors += await runScheme(
            model,
            mock,
            scheme.name,
            join(dir, `${scheme.name}.jsonl`),
            texts,
            operations,
          );
          if (needsInitialRefresh(scheme, mock.credentials(scheme.name))) {
            // A refused refresh whose answer echoes the refresh request (client secret, refresh token).
            const fault = mock.inject({
              match: { kind: "token" },
              status: 400,
              body: echo,
              times: Number.POSITIVE_INFINITY,
            });
            errors += await runScheme(
              model,
              mock,
              scheme.name,
              join(dir, `${scheme.name}-refresh.jsonl`),
              texts,
              [findCheckOperation(model)?.operation ?? model.operations[0]!],
            );
            fault.remove();
          }
        }
        const logs = readLogs(dir);
        expect(logs.length, "the log files should not be empty").toBeGreaterThan(0);
        const secrets = secretsOf(model, mock);
        const leaks: string[] = [];
        for (const secret of secrets) {
          if (logs.includes(secret)) leaks.push(`log file contains ${secret.slice(0, 12)}…`);
          const text = texts.find((t) => t.includes(secret));
          if (text !== undefined)
            leaks.push(`an error or in-memory log contains ${secret.slice(0, 12)}…: ${text.slice(0, 200)}`);
        }
        expect(errors, "the forced faults should have raised errors").toBeGreaterThan(0);
        // The scan has teeth only if the executor really saw secrets in error bodies it had to handle.
        const echoed = mock.requests
          .filter((r) => r.faulted)
          .map((r) => JSON.stringify(r.response?.json ?? ""));
        expect(
          echoed.some((body) => secrets.some((secret) => body.includes(secret))),
          "some faulted answers should echo a credential back",
        ).toBe(true);
        expect(leaks).toEqual([]);
      } finally {
        await mock.close();
      }
    }, 120_000);
  }
});
