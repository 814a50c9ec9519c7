import { loadConnectorModel } from "@execkit/core";
import { describeWithSharedSpecs, primaryScheme, sharedSpecResponses, startMockApi } from "@execkit/testing";
import { afterAll, expect, it } from "vitest";
import { LocalExecutor } from "./local-executor";

/**
 * Why a probe may be unhealthy without anything being wrong with the executor: the spec gives the probe no way
 * to obtain an input (no relationship, a self-reference, a parent without list or without the key), or the
 * operation needs body fields or header values only a caller can know (the mock answers 400 for those).
 */
const STRUCTURAL =
  /Cannot resolve parameter|refers to itself|has no list operation|returned no usable record|has no '|Missing required parameter|Validation error: invalid_request \(HTTP 400\)/;

const rows: Array<{ spec: string; entities: number; healthy: number; skipped: number; check: string }> = [];

/**
 * check() and checkEntities() against startMockApi for every shared spec: check() is healthy (or skipped when
 * the spec has no check operation), and every entity probe is healthy or skipped, path params being resolved
 * through relationships by listing parents.
 */
describeWithSharedSpecs("health checks against every spec", (specs) => {
  afterAll(() => {
    if (rows.length === 0) return;
    console.log(
      [
        "spec                         entities  healthy  skipped  check()",
        ...rows.map(
          (r) =>
            `${r.spec.padEnd(28)} ${String(r.entities).padStart(8)} ${String(r.healthy).padStart(8)} ${String(r.skipped).padStart(8)}  ${r.check}`,
        ),
      ].join("\n"),
    );
  });

  for (const spec of specs) {
    it(spec.name, { timeout: 60_000 }, async () => {
      const model = loadConnectorModel(spec.file);
      const mock = await startMockApi(model, { responses: sharedSpecResponses(spec.name) });
      const scheme = primaryScheme(model);
      const executor = new LocalExecutor({
        model,
        authConfig: mock.credentials(scheme.name),
        ...(model.multiAuth ? { authScheme: scheme.name } : {}),
        configValues: { ...mock.configValues },
        dispatcher: mock.dispatcher,
        retryConfig: { maxAttempts: 1 },
        timeoutMs: 10_000,
      });
      try {
        const check = await executor.check();
        const names = model.entities.map((entity) => entity.name);
        const entities = await executor.checkEntities(names);
        const results = entities.data.entity_results;
        rows.push({
          spec: spec.name,
          entities: names.length,
          healthy: results.filter((r) => r.status === "healthy").length,
          skipped: results.filter((r) => r.status === "skipped").length,
          check: String(check.data.status),
        });
        expect(check.data.status, String(check.data.error)).not.toBe("unhealthy");
        expect(results.map((r) => r.entity)).toEqual(names);
        const unexplained = results.filter(
          (r) => r.status !== "healthy" && r.status !== "skipped" && !STRUCTURAL.test(r.error ?? ""),
        );
        expect(unexplained.map((r) => `${r.entity}: ${r.error}`).join("\n")).toBe("");
      } finally {
        await executor.close();
        await mock.close();
      }
    });
  }
});
