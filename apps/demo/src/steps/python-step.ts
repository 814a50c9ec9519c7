import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ApprovalRejectedError } from "@execkit/errors";
import {
  type ChatModelLike,
  isApprovalInterrupt,
  isJupyterAvailable,
  type PythonExecutionRequestInput,
  PythonExecutorService,
  type PythonExecutorServiceConfigInput,
  type PythonServiceResult,
  type RunningJupyterServer,
  startJupyterServer,
} from "@execkit/python-executor";
import { Command } from "@langchain/langgraph";
import { analysisCodePath } from "../paths";
import { type Reporter, timed } from "../reporter";
import type { Charge, Customer } from "../sandbox/dataset";
import { type ApprovalPolicy, decideApproval } from "./approval-prompt";

/** Options of step 4. */
export interface PythonStepOptions {
  mode: "local" | "jupyter";
  pythonPath: string;
  outputDir: string;
  /** Set with `--model`: the service generates the code instead of running the shipped analysis. */
  chatModel?: ChatModelLike;
  approval: ApprovalPolicy;
}

/** What step 4 produced. */
export interface PythonResults {
  results: Record<string, unknown>;
  stdout: string;
  figurePaths: string[];
  notebookPath: string;
  notebookLink: string;
  /** Where the code ran: `local`, or `jupyter` when a Jupyter Server could be started. */
  ranOn: "local" | "jupyter";
  codeSource: "shipped" | "generated";
}

/** What the analysis must return; shown to a code generator, and read by the summary. */
const EXPECTED_RESULTS = {
  revenue_by_month: "dict of 'YYYY-MM' to revenue in USD (float), succeeded charges only",
  top_customers: "list of the 5 best customers: {id, name, revenue_usd}",
  total_revenue_usd: "float",
  best_month: "'YYYY-MM'",
  charge_count: "int",
};

/**
 * Step 4: the PythonExecutorService analyses the charges of step 2 with pandas and draws a matplotlib chart.
 * Approval mode `all_code` stops the run before anything executes; the demo shows the code and resumes the
 * LangGraph thread with the answer.
 */
export async function runPythonStep(
  charges: readonly Charge[],
  customers: readonly Customer[],
  options: PythonStepOptions,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<PythonResults> {
  reporter.heading(
    4,
    "PythonExecutorService",
    `revenue per month and top customers with pandas + matplotlib, after approval (${options.mode} mode)`,
  );
  let jupyter: RunningJupyterServer | undefined;
  let ranOn: PythonResults["ranOn"] = "local";
  if (options.mode === "jupyter") {
    if (await isJupyterAvailable(options.pythonPath)) {
      const [server, startMs] = await timed(() =>
        startJupyterServer({ rootDir: options.outputDir, pythonPath: options.pythonPath }),
      );
      jupyter = server;
      ranOn = "jupyter";
      reporter.item("Jupyter Server", `${server.baseUrl} (token auth, root ${server.rootDir})`, startMs);
    } else {
      reporter.note(
        `${options.pythonPath} cannot import jupyter_server and ipykernel; running in local mode instead`,
      );
    }
  }

  const config: PythonExecutorServiceConfigInput = {
    executionMethod: ranOn,
    pythonPath: options.pythonPath,
    // Inside the Jupyter root, so the kernel can read the execution folder and notebook links resolve.
    executionRoot: join(options.outputDir, "executed_scripts"),
    timeoutSeconds: 120,
    approval: { mode: "all_code" },
    ...(options.chatModel && { chatModel: options.chatModel }),
    ...(jupyter && {
      jupyter: { baseUrl: jupyter.baseUrl, token: jupyter.token, rootDir: jupyter.rootDir },
      modes: { read_only: { kernelName: "python3" }, write_access: { kernelName: "python3" } },
    }),
  };
  const service = new PythonExecutorService(config);
  try {
    const request: PythonExecutionRequestInput = {
      userQuery: "What was our revenue per month last year, and who are our top customers?",
      taskObjective:
        "From context['charges'] (amount in cents, status, created as unix seconds) compute revenue per month of " +
        "succeeded charges and the 5 customers with the most revenue (names in context['customers']), and draw a " +
        "bar chart of revenue per month with matplotlib.",
      expectedResults: EXPECTED_RESULTS,
      capabilityPrompts: ["Use pandas. Do not call plt.show(); open figures are saved for you."],
      executionFolderName: "acme_revenue",
      capabilityContextData: {
        charges: [...charges],
        customers: customers.map(({ id, name, plan }) => ({ id, name, plan })),
      },
      ...(!options.chatModel && { approvedCode: await readFile(analysisCodePath(), "utf8") }),
    };
    // One thread per run: the approval pause is checkpointed under it and resumed below.
    const run = { configurable: { thread_id: `acme-demo-${process.pid}-${Date.now()}` }, signal };
    const [first, analyzeMs] = await timed(() => service.ainvoke(request, run));
    let outcome: PythonServiceResult;
    if (isApprovalInterrupt(first)) {
      reporter.item(
        options.chatModel ? "generate + analyze" : "analyze",
        `${first.approval.analysis.findings.length} findings; approval required (all_code)`,
        analyzeMs,
      );
      const resume = await decideApproval(first.approval, options.approval, reporter, signal);
      const [done, runMs] = await timed(() => service.ainvoke(new Command({ resume }), run));
      if (isApprovalInterrupt(done)) {
        throw new ApprovalRejectedError("The service asked for approval twice; the analysis did not run.");
      }
      outcome = done;
      reporter.item("execute", `ran in ${ranOn} mode`, runMs);
    } else {
      outcome = first;
      reporter.item("analyze + execute", `ran in ${ranOn} mode without approval`, analyzeMs);
    }
    const result = outcome.executionResult;
    for (const line of result.stdout.trim().split("\n").filter(Boolean)) reporter.note(`stdout: ${line}`);
    reporter.item("figures", result.figurePaths.join(", ") || "none");
    reporter.item("notebook", result.notebookPath);
    return {
      results: result.results,
      stdout: result.stdout,
      figurePaths: result.figurePaths,
      notebookPath: result.notebookPath,
      notebookLink: result.notebookLink,
      ranOn,
      codeSource: options.chatModel ? "generated" : "shipped",
    };
  } finally {
    // A failed shutdown (the analyzer already gone) must not replace the error that ended the step.
    await service.close().catch(() => undefined);
    await jupyter?.stop();
  }
}
