import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConnectorModel } from "./load-connector-model";
import { getOperation } from "./lookup";
import { GOLDEN_DIR, HAS_SHARED_SPECS, SKIP_REASON, specPath } from "./test-fixtures";

interface GoldenOperation {
  method: string;
  path: string;
  graphql: boolean;
  download: boolean;
  file_url_path: string | null;
  query_params: string[];
  header_params: string[];
  nullable_variables: Record<string, string>;
}
interface GoldenCase {
  id: string;
  variant: string;
  entity: string;
  action: string;
  operation: GoldenOperation;
  requests: unknown[];
}

const available = HAS_SHARED_SPECS && existsSync(GOLDEN_DIR);
const files = available ? readdirSync(GOLDEN_DIR).filter((name) => name.endsWith(".json")) : [];
if (!available) console.warn(`Skipping the golden cross-check: ${SKIP_REASON}`);

/**
 * The golden files record, for every operation the reference executed, the operation it resolved: method, path
 * key, query and header parameter names, GraphQL and download flags, file URL path, nullable variables. The model
 * must agree on each; this is the loader checked against the reference's own loader.
 */
describe.skipIf(!available)("agreement with the reference loader (golden traffic)", () => {
  it.each(files)("%s: every executed operation matches the model", (file) => {
    const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, file), "utf8")) as {
      spec_slug: string;
      cases: GoldenCase[];
    };
    const model = loadConnectorModel(specPath(golden.spec_slug));
    let checked = 0;
    for (const testCase of golden.cases) {
      if (testCase.variant !== "base") continue;
      // The shadowed duplicate (zendesk ticket_audits.list@GET /ticket_audits.json) sent nothing: the reference
      // executed the later declaration instead, which the model must hold.
      const operation = getOperation(model, testCase.entity, testCase.action);
      expect(operation, testCase.id).toBeDefined();
      if (testCase.requests.length === 0 && testCase.id.includes("@")) {
        expect(operation!.path, testCase.id).not.toBe(testCase.operation.path);
        continue;
      }
      const expected = testCase.operation;
      expect(
        {
          method: operation!.method,
          path: operation!.path,
          graphql: operation!.requestBody?.graphql !== undefined,
          download: operation!.action === "download",
          fileUrl: operation!.fileUrl ?? null,
          query: operation!.parameters.filter((p) => p.in === "query").map((p) => p.name),
          header: operation!.parameters.filter((p) => p.in === "header").map((p) => p.name),
          nullable: operation!.requestBody?.graphql?.nullableVariables ?? [],
        },
        testCase.id,
      ).toEqual({
        method: expected.method,
        path: expected.path,
        graphql: expected.graphql,
        download: expected.download,
        fileUrl: expected.file_url_path,
        query: expected.query_params,
        header: expected.header_params,
        nullable: Object.keys(expected.nullable_variables),
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
