import { loadConnectorModel } from "@execkit/core";
import {
  describeWithSharedSpecs,
  generateParams,
  planPagination,
  primaryScheme,
  sharedSpecResponses,
  startMockApi,
} from "@execkit/testing";
import { afterAll, expect, it } from "vitest";
import { LocalExecutor } from "./local-executor";

const PAGES = 3;

/**
 * Pages a client can follow: the meta extractor exposes a next URL, or a cursor with a param to send it back in.
 * (gong's `records.cursor` has no request field, stripe's search has only `has_more`: nothing to follow.)
 */
function followable(plan: ReturnType<typeof planPagination>): boolean {
  if (plan.lastIdCursor) return true;
  if (
    plan.cursorParam !== undefined &&
    plan.markers.some((m) => m.kind === "cursor" || (m.kind === "header" && m.role === "cursor"))
  )
    return true;
  return plan.markers.some(
    (m) =>
      m.kind === "url" ||
      m.kind === "link" ||
      m.kind === "object" ||
      (m.kind === "header" && m.role === "url"),
  );
}
const rows: Array<{ spec: string; paginated: number; followed: number }> = [];

/**
 * paginate() against startMockApi: for every list operation the mock pages (it serves 3 pages in the style the
 * spec's own meta extractor describes: cursors, next URLs, Link headers, has-more flags, offsets, pages),
 * paginate must fetch exactly those 3 pages and stop.
 */
describeWithSharedSpecs("paginate follows every spec's own pagination style", (specs) => {
  afterAll(() => {
    if (rows.length === 0) return;
    const lines = rows.map(
      (r) => `${r.spec.padEnd(28)} ${String(r.paginated).padStart(9)} ${String(r.followed).padStart(8)}`,
    );
    const total = rows.reduce((acc, r) => [acc[0]! + r.paginated, acc[1]! + r.followed], [0, 0]);
    console.log(
      [
        "spec                         paginated followed",
        ...lines,
        `${"total".padEnd(28)} ${String(total[0]).padStart(9)} ${String(total[1]).padStart(8)}`,
      ].join("\n"),
    );
  });

  for (const spec of specs) {
    it(spec.name, { timeout: 60_000 }, async () => {
      const model = loadConnectorModel(spec.file);
      const mock = await startMockApi(model, { pages: PAGES, responses: sharedSpecResponses(spec.name) });
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
      const failures: string[] = [];
      let paginated = 0;
      let followed = 0;
      try {
        for (const operation of model.operations) {
          const plan = planPagination(operation, model.document);
          if (!plan.paginated || !followable(plan)) continue;
          paginated++;
          mock.reset();
          mock.preferOperation(operation.entity, operation.action);
          const params = generateParams(operation, model);
          let records = 0;
          try {
            for await (const _record of executor.paginate(operation.entity, operation.action, {
              params,
              maxPages: 10,
            }))
              records++;
          } catch (error) {
            failures.push(`${operation.entity}.${operation.action}: ${(error as Error).message}`);
            continue;
          }
          const pages = mock.requestsFor({ kind: "api" }).length;
          if (pages === PAGES) followed++;
          else
            failures.push(
              `${operation.entity}.${operation.action}: fetched ${pages} pages (${records} records), the mock served ${PAGES}`,
            );
        }
      } finally {
        mock.preferOperation(undefined);
        await executor.close();
        await (mock as unknown as { close(): Promise<void> }).close();
      }
      rows.push({ spec: spec.name, paginated, followed });
      expect(failures.join("\n")).toBe("");
    });
  }
});
