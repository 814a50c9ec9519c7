import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatModelLike, isJupyterAvailable } from "@execkit/python-executor";
import { afterAll, describe, expect, it } from "vitest";
import { analysisCodePath } from "../paths";
import { resolvePython } from "../python-interpreter";
import { Reporter } from "../reporter";
import { generateDataset } from "../sandbox/dataset";
import { runPythonStep } from "./python-step";

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

it("with a chat model (--model), the service generates the code, asks for approval and runs it", async () => {
  const outputDir = await mkdtemp(join(tmpdir(), "execkit-demo-model-"));
  folders.push(outputDir);
  const prompts: string[] = [];
  const code = await readFile(analysisCodePath(), "utf8");
  // A scripted model, so the test needs no network: it answers with the analysis in a fenced block.
  const chatModel: ChatModelLike = {
    async invoke(messages) {
      prompts.push(messages.map((message) => String(message.content)).join("\n"));
      return { content: `Here is the analysis:\n\`\`\`python\n${code}\`\`\`` };
    },
  };
  const { charges, customers } = generateDataset();
  const result = await runPythonStep(
    charges,
    customers,
    {
      mode: "local",
      pythonPath: resolvePython(),
      outputDir,
      chatModel,
      approval: { autoApprove: true, input: process.stdin },
    },
    new Reporter({ quiet: true }),
    AbortSignal.timeout(60_000),
  );
  expect(prompts).toHaveLength(1);
  expect(prompts[0]).toContain("context['charges']");
  expect(prompts[0]).toContain("top_customers");
  expect(result.codeSource).toBe("generated");
  expect(result.ranOn).toBe("local");
  const cents = charges.filter((c) => c.status === "succeeded").reduce((sum, c) => sum + c.amount, 0);
  expect(result.results.total_revenue_usd).toBeCloseTo(cents / 100, 2);
  expect(result.figurePaths).toHaveLength(1);
}, 60_000);

const jupyter = await isJupyterAvailable(resolvePython());

describe.skipIf(!jupyter)("--mode jupyter (needs jupyter_server and ipykernel; skipped without them)", () => {
  it("runs the shipped analysis in a kernel of a Jupyter Server it starts, and stops it", async () => {
    const outputDir = await mkdtemp(join(tmpdir(), "execkit-demo-jupyter-"));
    folders.push(outputDir);
    const { charges, customers } = generateDataset();
    const result = await runPythonStep(
      charges,
      customers,
      {
        mode: "jupyter",
        pythonPath: resolvePython(),
        outputDir,
        approval: { autoApprove: true, input: process.stdin },
      },
      new Reporter({ quiet: true }),
      AbortSignal.timeout(90_000),
    );
    expect(result.ranOn).toBe("jupyter");
    expect(result.codeSource).toBe("shipped");
    expect(result.notebookLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*notebook\.ipynb$/);
    expect(result.results.best_month).toBe("2025-12");
    expect(result.figurePaths).toHaveLength(1);
  }, 90_000);
});
