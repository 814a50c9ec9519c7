import {
  type ConnectorModel,
  findCheckOperation,
  loadConnectorModel,
  type OperationModel,
} from "@execkit/core";
import {
  checkOperationConformance,
  describeWithSharedSpecs,
  executorContract,
  generateParams,
  listSharedSpecs,
  type MockApi,
  needsInitialRefresh,
  primaryScheme,
  sharedSpecResponses,
  startMockApi,
} from "@execkit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { LocalExecutor } from "./local-executor";

/**
 * The only Jinja the 41 specs put in record transforms and filters: `record.<path>`, `not`, and
 * `replace('a', 'b')`. Evaluated here so the conformance check can compute `data` for those operations too.
 */
function templatedData(operation: OperationModel, extracted: unknown): unknown {
  let records = Array.isArray(extracted) ? extracted : extracted === null ? [] : [extracted];
  if (operation.recordTransform !== undefined) {
    records = records.map((record) =>
      Object.fromEntries(
        Object.entries(operation.recordTransform!).map(([field, template]) => [
          field,
          renderExpression(template, record),
        ]),
      ),
    );
  }
  if (operation.recordFilter !== undefined) {
    records = records.filter((record) => {
      const text = String(renderExpression(operation.recordFilter!, record)).trim();
      return !["False", "false", "0", "None", "none", "null", ""].includes(text);
    });
  }
  const listLike = operation.action === "list" || operation.action === "api_search";
  return listLike ? records : (records[0] ?? null);
}

function renderExpression(template: string, record: unknown): unknown {
  const inner = /^\{\{\s*(.*?)\s*\}\}$/.exec(template)?.[1];
  if (inner === undefined) throw new Error(`unsupported template in the conformance test: ${template}`);
  const negate = /^not\s+/.test(inner);
  const [path, ...filters] = inner
    .replace(/^not\s+/, "")
    .split("|")
    .map((part) => part.trim());
  if (!path!.startsWith("record."))
    throw new Error(`unsupported template in the conformance test: ${template}`);
  let value: unknown = record;
  for (const key of path!.slice("record.".length).split("."))
    value = (value as Record<string, unknown> | undefined)?.[key];
  for (const filter of filters) {
    const replace = /^replace\('([^']*)',\s*'([^']*)'\)$/.exec(filter);
    if (!replace) throw new Error(`unsupported filter in the conformance test: ${filter}`);
    value = String(value).replaceAll(replace[1]!, replace[2]!);
  }
  if (negate) return value ? "False" : "True";
  return typeof value === "string"
    ? value
    : value === true
      ? "True"
      : value === false
        ? "False"
        : String(value);
}

interface Row {
  spec: string;
  operations: number;
  passed: number;
  /** Operations with optional query params, run again with them (`passed/total`). */
  optional: string;
  schemes: string;
}

const rows: Row[] = [];

function newExecutor(model: ConnectorModel, mock: MockApi, scheme: string): LocalExecutor {
  return new LocalExecutor({
    model,
    authConfig: mock.credentials(scheme),
    ...(model.multiAuth ? { authScheme: scheme } : {}),
    configValues: { ...mock.configValues },
    dispatcher: mock.dispatcher,
    retryConfig: { maxAttempts: 1 },
    timeoutMs: 10_000,
  });
}

describeWithSharedSpecs("conformance: every operation of every shared spec against startMockApi", (specs) => {
  afterAll(() => {
    if (rows.length === 0) return;
    const width = Math.max(...rows.map((r) => r.spec.length), 4);
    const lines = [
      `${"spec".padEnd(width)}  operations  passed  optional-query  schemes (on the check operation)`,
      ...rows.map(
        (r) =>
          `${r.spec.padEnd(width)}  ${String(r.operations).padStart(10)}  ${String(r.passed).padStart(6)}  ${r.optional.padStart(14)}  ${r.schemes}`,
      ),
      `${"total".padEnd(width)}  ${String(rows.reduce((n, r) => n + r.operations, 0)).padStart(10)}  ${String(rows.reduce((n, r) => n + r.passed, 0)).padStart(6)}`,
    ];
    console.log(`\n${lines.join("\n")}\n`);
  });

  for (const spec of specs) {
    it(spec.name, async () => {
      const model = loadConnectorModel(spec.file);
      const mock = await startMockApi(model, { responses: sharedSpecResponses(spec.name) });
      const failures: string[] = [];
      let passed = 0;
      let optionalPassed = 0;
      let optionalTotal = 0;
      const schemeResults: string[] = [];
      try {
        const primary = primaryScheme(model);
        const executor = newExecutor(model, mock, primary.name);
        try {
          for (const operation of model.operations) {
            const outcome = await checkOperationConformance({
              executor,
              mock,
              model,
              operation,
              scheme: primary.name,
              baseUrl: () => executor.baseUrl,
              templatedData,
            });
            if (outcome.problems.length === 0) passed += 1;
            else
              failures.push(
                `${operation.entity}.${operation.action} (${primary.name}): ${outcome.problems.join("; ")}`,
              );
          }
          // Again with every optional query param (page sizes, cursors, filters), as the golden's optional-query cases.
          for (const operation of model.operations) {
            if (
              !operation.parameters.some(
                (p) => p.in === "query" && !p.required && p.configInject === undefined,
              )
            )
              continue;
            optionalTotal += 1;
            const outcome = await checkOperationConformance({
              executor,
              mock,
              model,
              operation,
              scheme: primary.name,
              params: generateParams(operation, model, { includeOptionalQuery: true }),
              baseUrl: () => executor.baseUrl,
              templatedData,
            });
            if (outcome.problems.length === 0) optionalPassed += 1;
            else
              failures.push(
                `${operation.entity}.${operation.action} with optional query params: ${outcome.problems.join("; ")}`,
              );
          }
        } finally {
          await executor.close();
        }
        schemeResults.push(`${primary.name} ok`);
        // Every other scheme once, on the check operation (or the first operation when there is none).
        const checkOperation = findCheckOperation(model)?.operation ?? model.operations[0]!;
        for (const scheme of model.securitySchemes) {
          if (scheme.name === primary.name) continue;
          const other = newExecutor(model, mock, scheme.name);
          try {
            const outcome = await checkOperationConformance({
              executor: other,
              mock,
              model,
              operation: checkOperation,
              scheme: scheme.name,
              baseUrl: () => other.baseUrl,
              templatedData,
            });
            const refreshed = mock.requests.some((r) => r.kind === "token" && r.response?.status === 200);
            if (needsInitialRefresh(scheme, mock.credentials(scheme.name)) && !refreshed) {
              outcome.problems.push("the scheme has no access token but no token refresh succeeded");
            }
            if (outcome.problems.length === 0) schemeResults.push(`${scheme.name} ok`);
            else {
              schemeResults.push(`${scheme.name} FAILED`);
              failures.push(
                `${checkOperation.entity}.${checkOperation.action} (${scheme.name}): ${outcome.problems.join("; ")}`,
              );
            }
          } finally {
            await other.close();
          }
        }
      } finally {
        rows.push({
          spec: spec.name,
          operations: model.operations.length,
          passed,
          optional: `${optionalPassed}/${optionalTotal}`,
          schemes: schemeResults.join(", "),
        });
        await mock.close();
      }
      expect(failures, `${spec.name}: ${failures.length} failure(s)`).toEqual([]);
    }, 120_000);
  }
});

/** The executor contract, run for LocalExecutor on two specs with very different shapes (REST form bodies; GraphQL). */
const CONTRACT_SPECS = ["stripe", "github"];
const shared = listSharedSpecs().filter((spec) => CONTRACT_SPECS.includes(spec.name));
if (shared.length === 0) {
  describe("executor contract: LocalExecutor", () => {
    it.skip("skipped: shared connector specs not found (set EXECKIT_SHARED_DIR)", () => {});
  });
}
for (const spec of shared) {
  const model = loadConnectorModel(spec.file);
  executorContract({
    name: `LocalExecutor on ${spec.name}`,
    model,
    setup: async () => {
      const mock = await startMockApi(model);
      const scheme = primaryScheme(model).name;
      const executor = new LocalExecutor({
        model,
        authConfig: mock.credentials(scheme),
        ...(model.multiAuth ? { authScheme: scheme } : {}),
        configValues: { ...mock.configValues },
        dispatcher: mock.dispatcher,
        retryConfig: { initialDelaySeconds: 0.01, maxDelaySeconds: 0.05 },
      });
      return {
        executor,
        mock,
        teardown: async () => {
          await executor.close();
          await mock.close();
        },
      };
    },
  });
}
