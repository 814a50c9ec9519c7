import type { CodeGenerationInput } from "./code-generator";
import { describeContextData } from "./describe-context";

/** The longest error text put into a retry prompt; tracebacks are cut from the top (the end matters most). */
const MAX_ERROR_CHARS = 4_000;

/** The fixed instructions of every code generation prompt. */
export const CODE_GENERATION_SYSTEM_PROMPT = [
  "You write Python 3 code that runs unattended in a sandboxed interpreter.",
  "Rules:",
  "1. Return one complete program in a single ```python fenced block, and nothing else.",
  "2. Put imports at the top. numpy, pandas and matplotlib are available; matplotlib uses a non-interactive backend.",
  "3. Store what you computed in a module-level dict named `results` (JSON-friendly values); it is saved automatically.",
  "4. Figures are saved automatically: create them with matplotlib and do not call plt.show().",
  "5. Context data, when there is any, is available as the dict `context` (loaded from context.json).",
  "6. Do what the task asks and no more: no network access, no subprocesses, no writes outside the working folder.",
].join("\n");

function truncateStart(text: string, limit: number): string {
  return text.length <= limit ? text : `… (${text.length - limit} characters cut)\n${text.slice(-limit)}`;
}

/** The user message of a generation attempt: task, query, expected results, guidance, context shape, and retry. */
export function buildCodeGenerationPrompt(input: CodeGenerationInput): string {
  const { request } = input;
  const sections: string[] = [
    `## Task objective\n${request.taskObjective}`,
    `## User query\n${request.userQuery}`,
  ];
  if (Object.keys(request.expectedResults).length > 0) {
    sections.push(
      `## Expected results (keys of \`results\`)\n${JSON.stringify(request.expectedResults, null, 2)}`,
    );
  }
  const guidance = request.capabilityPrompts.filter((prompt) => prompt.trim() !== "");
  if (guidance.length > 0) sections.push(`## Guidance\n${guidance.join("\n\n")}`);
  sections.push(`## Context data (shape only)\n${describeContextData(request.capabilityContextData)}`);
  if (input.previousCode !== undefined || input.previousError !== undefined) {
    const retry = [`## Attempt ${input.attempt}: the previous attempt failed; fix it`];
    if (input.previousCode !== undefined)
      retry.push(`Previous code:\n\`\`\`python\n${input.previousCode.trimEnd()}\n\`\`\``);
    if (input.previousError !== undefined) {
      retry.push(
        `Its error:\n\`\`\`text\n${truncateStart(input.previousError.trimEnd(), MAX_ERROR_CHARS)}\n\`\`\``,
      );
    }
    const earlier = input.errorChain.slice(0, -1).slice(-3);
    if (earlier.length > 0) {
      retry.push(
        `Earlier errors, oldest first:\n${earlier.map((error) => `- ${truncateStart(error, 500)}`).join("\n")}`,
      );
    }
    sections.push(retry.join("\n\n"));
  }
  return sections.join("\n\n");
}
