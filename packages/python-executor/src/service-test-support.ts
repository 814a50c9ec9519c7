/**
 * Test helpers for the service tests (not exported from the package): a scripted chat model that records its
 * prompts, a scripted analyzer and runner for routing tests, and a temporary execution root.
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import type { AnalysisReport, CodeAnalyzer } from "./analysis/types";
import type { CodeRunner, CodeRunOutcome, CodeRunRequest } from "./execution/types";

/** A chat model that answers with queued replies and keeps every prompt it was sent. */
export class RecordingChatModel extends FakeListChatModel {
  readonly prompts: string[] = [];

  constructor(replies: string[]) {
    super({ responses: replies });
  }

  override async _generate(
    messages: BaseMessage[],
    options?: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    this.prompts.push(messages.map((message) => message.text).join("\n---\n"));
    return super._generate(messages, options, runManager);
  }
}

/** A Python reply in a fenced block, as a model would write it. */
export function fenced(code: string): string {
  return `Here is the code:\n\n\`\`\`python\n${code}\n\`\`\`\n`;
}

/** A report for code that parses and assigns `results`, with overrides. */
export function cleanReport(overrides: Partial<AnalysisReport> = {}): AnalysisReport {
  return {
    syntaxValid: true,
    syntaxErrors: [],
    findings: [],
    imports: [],
    assignsResults: true,
    hasControlSystemWrites: false,
    hasControlSystemReads: false,
    hasHighRisk: false,
    ...overrides,
  };
}

/** An analyzer that returns a report chosen by a function of the code. */
export class ScriptedAnalyzer implements CodeAnalyzer {
  readonly seen: string[] = [];
  closed = false;
  constructor(private readonly decide: (code: string) => AnalysisReport = () => cleanReport()) {}
  async analyze(code: string): Promise<AnalysisReport> {
    this.seen.push(code);
    return this.decide(code);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A runner whose behaviour per call is scripted; it records every request. */
export class ScriptedRunner implements CodeRunner {
  readonly requests: CodeRunRequest[] = [];
  closed = false;
  constructor(private readonly script: (request: CodeRunRequest, call: number) => Promise<CodeRunOutcome>) {}
  async run(request: CodeRunRequest): Promise<CodeRunOutcome> {
    this.requests.push(request);
    return this.script(request, this.requests.length);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A successful outcome with the given results. */
export function outcome(results: unknown, stdout = ""): CodeRunOutcome {
  return {
    results,
    stdout,
    stderr: "",
    executionTimeSeconds: 0.01,
    figurePaths: [],
    warnings: [],
    wrapperPath: "",
  };
}

/** A fresh temporary folder; remove it with the returned function. */
export async function temporaryRoot(
  prefix = "execkit-pyexec-",
): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Every `.ipynb` file under `root`, recursively. */
export async function listNotebooks(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir)) {
      const path = join(dir, entry);
      if ((await stat(path)).isDirectory()) await walk(path);
      else if (entry.endsWith(".ipynb")) found.push(path);
    }
  }
  await walk(root);
  return found.sort();
}
