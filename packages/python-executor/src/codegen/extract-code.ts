import { CodeGenerationError } from "@execkit/errors";

const FENCE = /```[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n([\s\S]*?)\n?[ \t]*```/g;
const PYTHON_TAGS = new Set(["python", "py", "python3", "py3", "ipython", "ipython3"]);

/**
 * Takes Python out of a model's reply: the python-tagged fenced blocks if any (joined in order), else untagged
 * fenced blocks, else the whole reply when it has no fences at all (syntax errors are then caught by analysis).
 *
 * Differs from the reference: it only stripped a fence around the whole reply, so any prose around the block
 * turned into a syntax error and a wasted retry.
 *
 * @throws CodeGenerationError when the reply is empty, or only has blocks in another language.
 */
export function extractPythonCode(reply: string, attempt: number): string {
  const text = reply.replace(/\r\n/g, "\n").trim();
  if (text === "")
    throw new CodeGenerationError("The model returned an empty reply; no code to run.", attempt);
  const python: string[] = [];
  const untagged: string[] = [];
  const other: string[] = [];
  for (const match of text.matchAll(FENCE)) {
    const tag = (match[1] ?? "").toLowerCase();
    const body = match[2] ?? "";
    if (PYTHON_TAGS.has(tag)) python.push(body);
    else if (tag === "") untagged.push(body);
    else other.push(tag);
  }
  const blocks = python.length > 0 ? python : untagged;
  if (blocks.length > 0) {
    const code = blocks.join("\n\n").trim();
    if (code === "") throw new CodeGenerationError("The model returned an empty code block.", attempt);
    return `${code}\n`;
  }
  if (other.length > 0) {
    throw new CodeGenerationError(
      `The model returned ${other.map((tag) => `\`${tag}\``).join(", ")} code instead of Python.`,
      attempt,
    );
  }
  if (text.includes("```")) {
    throw new CodeGenerationError("The model's reply has an unterminated code fence.", attempt);
  }
  return `${text}\n`;
}
