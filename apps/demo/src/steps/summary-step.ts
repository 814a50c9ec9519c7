import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatMs, plural, type Reporter } from "../reporter";
import type { HostedResults } from "./hosted-step";
import type { LocalResults } from "./local-step";
import type { PythonResults } from "./python-step";

/** Everything the demo did, as written to `summary.json` in the output folder. */
export interface DemoSummary {
  operations: number;
  recordsFetched: { customers: number; charges: number };
  tokenRefreshes: number;
  hostedComparisons: string[];
  invoice: { id: string; number: string; pdfPath: string; pdfBytes: number; pdfSha256: string };
  analysis: {
    ranOn: string;
    codeSource: string;
    results: Record<string, unknown>;
    figurePaths: string[];
    notebookPath: string;
    notebookLink: string;
  };
  durationMs: number;
}

/** Step 5: prints what the demo did and writes it to `<output>/summary.json` for scripts (and the test). */
export async function runSummaryStep(
  local: LocalResults,
  hosted: HostedResults,
  python: PythonResults,
  outputDir: string,
  durationMs: number,
  reporter: Reporter,
): Promise<DemoSummary> {
  const summary: DemoSummary = {
    operations: local.operations + hosted.operations,
    recordsFetched: { customers: local.customers.length, charges: local.charges.length },
    tokenRefreshes: local.tokenRefreshes,
    hostedComparisons: hosted.comparisons.map((comparison) => comparison.what),
    invoice: {
      id: local.invoice.id,
      number: local.invoice.number,
      pdfPath: local.pdf.path,
      pdfBytes: local.pdf.bytes,
      pdfSha256: local.pdf.sha256,
    },
    analysis: {
      ranOn: python.ranOn,
      codeSource: python.codeSource,
      results: python.results,
      figurePaths: python.figurePaths,
      notebookPath: python.notebookPath,
      notebookLink: python.notebookLink,
    },
    durationMs: Math.round(durationMs),
  };
  reporter.step = "5 (Summary)";
  await writeFile(join(outputDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);

  const bold = (text: string) => reporter.style("bold", text);
  reporter.always(`\n${bold("5. Summary")}`);
  reporter.always(
    `   operations      ${summary.operations} (local ${local.operations}, hosted ${hosted.operations}), all hosted results equal to local`,
  );
  reporter.always(
    `   records         ${local.customers.length} customers, ${local.charges.length} charges; ${plural(local.tokenRefreshes, "OAuth2 token refresh", "es")}`,
  );
  reporter.always(`   invoice         ${local.invoice.number}: ${local.pdf.path}`);
  for (const line of describeResults(python.results)) reporter.always(`   ${line}`);
  reporter.always(`   figure          ${python.figurePaths[0] ?? "none"}`);
  reporter.always(`   notebook        ${python.notebookPath}`);
  reporter.always(`   time            ${formatMs(durationMs)}`);
  return summary;
}

/** The analysis results as a few lines; tolerant of generated code that shaped them differently. */
function describeResults(results: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const total = results.total_revenue_usd;
  if (typeof total === "number") {
    lines.push(`revenue 2025    ${usd(total)}, best month ${String(results.best_month ?? "?")}`);
  }
  const months = results.revenue_by_month;
  if (months && typeof months === "object") {
    const entries = Object.entries(months as Record<string, number>);
    const first = entries[0];
    const last = entries.at(-1);
    if (first && last)
      lines.push(
        `months          ${entries.length}: ${first[0]} ${usd(first[1])} → ${last[0]} ${usd(last[1])}`,
      );
  }
  const top = results.top_customers;
  if (Array.isArray(top)) {
    const names = top
      .slice(0, 3)
      .map((c: { name?: string; id?: string; revenue_usd?: number }) =>
        `${c.name ?? c.id} ${typeof c.revenue_usd === "number" ? usd(c.revenue_usd) : ""}`.trim(),
      );
    lines.push(`top customers   ${names.join(", ")}`);
  }
  if (lines.length === 0) lines.push(`results         ${Object.keys(results).join(", ") || "none"}`);
  return lines;
}

function usd(value: number): string {
  return `$${value.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
}
