import { mkdir } from "node:fs/promises";
import type { ChatModelLike } from "@execkit/python-executor";
import type { Reporter } from "./reporter";
import { runHostedStep } from "./steps/hosted-step";
import { runLocalStep } from "./steps/local-step";
import { runPythonStep } from "./steps/python-step";
import { runSandboxStep } from "./steps/sandbox-step";
import { type DemoSummary, runSummaryStep } from "./steps/summary-step";

/** Everything a demo run needs, after the command line was read. */
export interface DemoSettings {
  outputDir: string;
  mode: "local" | "jupyter";
  pythonPath: string;
  autoApprove: boolean;
  chatModel?: ChatModelLike;
  input: NodeJS.ReadStream;
}

/** Runs the five steps in order; every server and process it starts is stopped before it returns or throws. */
export async function runDemo(
  settings: DemoSettings,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<DemoSummary> {
  const started = performance.now();
  await mkdir(settings.outputDir, { recursive: true });
  const { model, sandbox } = await runSandboxStep(reporter);
  try {
    const local = await runLocalStep(model, sandbox, settings.outputDir, reporter, signal);
    const hosted = await runHostedStep(model, sandbox, local, settings.outputDir, reporter, signal);
    const python = await runPythonStep(
      local.charges,
      local.customers,
      {
        mode: settings.mode,
        pythonPath: settings.pythonPath,
        outputDir: settings.outputDir,
        chatModel: settings.chatModel,
        approval: { autoApprove: settings.autoApprove, input: settings.input },
      },
      reporter,
      signal,
    );
    return await runSummaryStep(
      local,
      hosted,
      python,
      settings.outputDir,
      performance.now() - started,
      reporter,
    );
  } finally {
    await sandbox.close();
  }
}
