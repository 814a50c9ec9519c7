#!/usr/bin/env node
import { setMaxListeners } from "node:events";
import { resolve } from "node:path";
import { RequestAbortedError } from "@execkit/errors";
import { Command, Option } from "commander";
import { failureMessage } from "./failure-message";
import { assertPythonReady, resolvePython } from "./python-interpreter";
import { Reporter } from "./reporter";
import { runDemo } from "./run-demo";
import { loadChatModel } from "./steps/chat-model";

/** The parsed command line. */
interface CliOptions {
  yes?: boolean;
  mode: "local" | "jupyter";
  model?: string;
  output: string;
  quiet?: boolean;
}

function buildProgram(): Command {
  return new Command()
    .name("pnpm demo")
    .description(
      "The whole ExecKit story, offline: a sandbox API, LocalExecutor, HostedExecutor and the Python execution service.",
    )
    .option("-y, --yes", "approve the analysis code without asking (needed without a terminal)")
    .addOption(
      new Option("--mode <mode>", "where the Python analysis runs")
        .choices(["local", "jupyter"])
        .default("local"),
    )
    .option(
      "--model <name>",
      "have this OpenAI chat model write the analysis code (needs OPENAI_API_KEY and @langchain/openai)",
    )
    .option(
      "-o, --output <dir>",
      "folder for the invoice PDF, the chart, the notebooks and summary.json",
      ".demo-output",
    )
    .option("-q, --quiet", "print only the summary and errors")
    .addHelpText(
      "after",
      "\nExamples:\n  pnpm demo                  asks before running the analysis code\n  pnpm demo --yes            no questions (CI)\n  pnpm demo --yes --mode jupyter\n",
    )
    .showHelpAfterError("(run `pnpm demo --help` for the options)");
}

/** Runs the demo with `argv` (as `process.argv`) and resolves with the exit code. Never throws. */
async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  program.parse([...argv]);
  const options = program.opts<CliOptions>();
  const reporter = new Reporter({ quiet: options.quiet });
  const controller = new AbortController();
  // One signal is shared by every request of a batch (16 in flight, each listening for abort): not a leak.
  setMaxListeners(256, controller.signal);
  const interrupt = () => controller.abort(new RequestAbortedError("Interrupted with Ctrl-C."));
  process.once("SIGINT", interrupt);
  try {
    const pythonPath = resolvePython();
    // Problems with the environment surface before anything starts, not after three steps.
    await assertPythonReady(pythonPath);
    const chatModel = options.model ? await loadChatModel(options.model) : undefined;
    // `pnpm demo` runs this in apps/demo; pnpm keeps the folder the user typed it in as INIT_CWD.
    const outputDir = resolve(process.env.INIT_CWD ?? process.cwd(), options.output);
    if (!reporter.quiet)
      reporter.always(
        reporter.style("bold", "ExecKit demo") + reporter.style("dim", `  output in ${outputDir}`),
      );
    await runDemo(
      {
        outputDir,
        mode: options.mode,
        pythonPath,
        autoApprove: options.yes ?? false,
        chatModel,
        input: process.stdin,
      },
      reporter,
      controller.signal,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${failureMessage(error, reporter.step, controller.signal.aborted)}\n`);
    if (process.env.EXECKIT_DEMO_DEBUG) console.error(error);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    process.off("SIGINT", interrupt);
  }
}

const code = await main();
process.exitCode = code;
// Everything the demo started is closed by now; should a handle still linger, do not keep the terminal waiting.
setTimeout(() => process.exit(code), 2_000).unref();
