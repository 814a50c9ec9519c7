import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_INVOICE } from "./demo-inputs";
import { resolvePython } from "./python-interpreter";
import { startSandbox } from "./sandbox/sandbox-server";
import type { DemoSummary } from "./steps/summary-step";

const demoDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const python = resolvePython();
const temporary: string[] = [];

afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the demo's CLI from its TypeScript source (tsx, with @execkit/* mapped to the workspace sources) as a user
 * would: a child process, stdin not a terminal, output captured. Killed if it outlives `timeoutMs`.
 */
function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [tsxCli, "--tsconfig", "tsconfig.source.json", "src/cli.ts", ...args],
      {
        cwd: demoDir,
        env: { ...process.env, NO_COLOR: "1", OPENAI_API_KEY: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`the demo did not finish within ${timeoutMs} ms; stdout so far:\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function outputDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "execkit-demo-"));
  temporary.push(dir);
  return dir;
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Validates the notebook with nbformat and lists the PNGs embedded in its outputs (base64). */
function inspectNotebook(path: string): Promise<{ nbformat: number; pngs: string[] }> {
  const script = [
    "import json, sys, nbformat",
    "nb = nbformat.read(sys.argv[1], as_version=4)",
    "nbformat.validate(nb)",
    "pngs = [o['data']['image/png'] for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []) if 'image/png' in o.get('data', {})]",
    "print(json.dumps({'nbformat': nb.nbformat, 'pngs': pngs}))",
  ].join("\n");
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ["-c", script, path],
      { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`nbformat rejected ${path}: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

/** The PDF the sandbox serves for the demo's invoice, fetched over HTTP from a fresh sandbox (same seed). */
async function expectedInvoicePdf(): Promise<Buffer> {
  const sandbox = await startSandbox();
  try {
    const { clientId, clientSecret, refreshToken } = sandbox.credentials;
    const token = await fetch(`${sandbox.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    }).then((response) => response.json() as Promise<{ access_token: string }>);
    const headers = { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" };
    const created = await fetch(`${sandbox.url}/v1/invoices`, {
      method: "POST",
      headers,
      body: JSON.stringify(DEMO_INVOICE),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const pdf = await fetch(`${sandbox.url}/v1/invoices/${id}/pdf`, { headers });
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    return Buffer.from(await pdf.arrayBuffer());
  } finally {
    await sandbox.close();
  }
}

/** What the analysis must find, computed here in TypeScript from the same generated data. */
async function expectedAnalysis() {
  const sandbox = await startSandbox();
  await sandbox.close();
  const byMonth = new Map<string, number>();
  const byCustomer = new Map<string, number>();
  for (const charge of sandbox.data.charges) {
    if (charge.status !== "succeeded") continue;
    const month = new Date(charge.created * 1000).toISOString().slice(0, 7);
    byMonth.set(month, (byMonth.get(month) ?? 0) + charge.amount);
    byCustomer.set(charge.customer, (byCustomer.get(charge.customer) ?? 0) + charge.amount);
  }
  const top = [...byCustomer.entries()].sort((a, b) => b[1] - a[1])[0]!;
  return {
    charges: sandbox.data.charges.length,
    months: [...byMonth.keys()].sort(),
    totalUsd: [...byMonth.values()].reduce((sum, cents) => sum + cents, 0) / 100,
    topCustomer: top[0],
  };
}

describe("pnpm demo, end to end", () => {
  it("runs every step with --yes and leaves a valid chart, notebook and invoice PDF", async () => {
    const output = await outputDir();
    const run = await runCli(["--yes", "--output", output], 90_000);
    expect(run.stderr.split("\n").filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(run.code, `stderr: ${run.stderr}`).toBe(0);
    for (const heading of [
      "1. Sandbox API",
      "2. LocalExecutor",
      "3. HostedExecutor",
      "4. PythonExecutorService",
      "5. Summary",
    ]) {
      expect(run.stdout).toContain(heading);
    }
    expect(run.stdout).toContain("approved by --yes");

    const summary = JSON.parse(await readFile(join(output, "summary.json"), "utf8")) as DemoSummary;
    const expected = await expectedAnalysis();
    expect(summary.recordsFetched).toEqual({ customers: 200, charges: expected.charges });
    expect(summary.tokenRefreshes).toBeGreaterThanOrEqual(1);
    expect(summary.hostedComparisons).toContain("the invoice PDF (sha256)");

    // The chart: a PNG signature, then the IHDR chunk with a non-empty size.
    expect(summary.analysis.figurePaths).toHaveLength(1);
    const png = await readFile(summary.analysis.figurePaths[0]!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBeGreaterThan(100);
    expect(png.readUInt32BE(20)).toBeGreaterThan(100);

    // The final notebook: valid nbformat 4 with that chart embedded as image/png.
    const notebook = await inspectNotebook(summary.analysis.notebookPath);
    expect(notebook.nbformat).toBe(4);
    expect(notebook.pngs.length).toBeGreaterThanOrEqual(1);
    expect(notebook.pngs.map((b64) => sha256(Buffer.from(b64, "base64")))).toContain(sha256(png));

    // The analysis agrees with the data, computed independently here.
    const results = summary.analysis.results as {
      revenue_by_month: Record<string, number>;
      total_revenue_usd: number;
      top_customers: Array<{ id: string }>;
    };
    expect(Object.keys(results.revenue_by_month)).toEqual(expected.months);
    expect(results.total_revenue_usd).toBeCloseTo(expected.totalUsd, 2);
    expect(results.top_customers[0]?.id).toBe(expected.topCustomer);

    // The invoice PDF on disk is byte for byte what the sandbox serves, through both executors.
    const pdf = await readFile(summary.invoice.pdfPath);
    const served = await expectedInvoicePdf();
    expect(pdf.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
    expect(sha256(pdf)).toBe(sha256(served));
    expect(summary.invoice.pdfSha256).toBe(sha256(served));
    expect(sha256(await readFile(summary.invoice.pdfPath.replace(/\.pdf$/, ".hosted.pdf")))).toBe(
      sha256(served),
    );
  }, 90_000);

  it("without a terminal and without --yes, rejects the code, says why in one line and runs nothing", async () => {
    const output = await outputDir();
    const run = await runCli(["--quiet", "--output", output], 90_000);
    expect(run.code).toBe(1);
    const errorLines = run.stderr
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("npm warn"));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/step 4 .*rejected.*no terminal.*--yes/i);
    // The PRE_EXECUTION notebook exists (the approver could open it); no figure or results were produced.
    const root = join(output, "executed_scripts");
    const files = (await readdir(root, { recursive: true })).map(String);
    expect(files.some((file) => file.endsWith("pre_execution.ipynb"))).toBe(true);
    expect(files.some((file) => file.endsWith(".png"))).toBe(false);
    expect(files.some((file) => file.endsWith("results.json"))).toBe(false);
  }, 90_000);
});
