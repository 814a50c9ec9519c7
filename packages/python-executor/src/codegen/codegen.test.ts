import { CodeGenerationError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { PythonExecutionRequestSchema } from "../models/request";
import { RecordingChatModel } from "../service-test-support";
import { ChatModelCodeGenerator } from "./chat-model-code-generator";
import { describeContextData } from "./describe-context";
import { extractPythonCode } from "./extract-code";
import { buildCodeGenerationPrompt } from "./prompt";

describe("extractPythonCode", () => {
  it("takes python blocks out of prose, joins several, and falls back to untagged blocks or bare code", () => {
    expect(extractPythonCode("Sure!\n```python\nx = 1\n```\nThat's it.", 1)).toBe("x = 1\n");
    expect(extractPythonCode("```py\na = 1\n```\ntext\n```python3\nb = 2\n```", 1)).toBe("a = 1\n\nb = 2\n");
    expect(extractPythonCode("```\nresults = {}\n```", 1)).toBe("results = {}\n");
    expect(extractPythonCode("results = {'a': 1}", 1)).toBe("results = {'a': 1}\n");
    expect(extractPythonCode("```json\n{}\n```\n```python\nok = 1\n```", 1)).toBe("ok = 1\n");
  });

  it("raises CodeGenerationError for empty or non-Python replies", () => {
    for (const reply of ["", "   \n", "```python\n\n```", "```bash\nls\n```", "```python\nx = 1"]) {
      expect(() => extractPythonCode(reply, 2)).toThrow(CodeGenerationError);
    }
    try {
      extractPythonCode("```sql\nselect 1\n```", 3);
    } catch (error) {
      expect((error as CodeGenerationError).generationAttempt).toBe(3);
      expect((error as Error).message).toContain("sql");
    }
  });
});

describe("describeContextData", () => {
  it("describes keys, types and sizes without the values", () => {
    const text = describeContextData({
      archiver: { pv_data: [1.5, 2.5, 3.5], secret_note: "do not leak this sentence" },
      count: 3,
    });
    expect(text).toContain('context["archiver"]: dict with 2 keys');
    expect(text).toContain("list[3]");
    expect(text).toContain("str (25 chars)");
    expect(text).toContain('context["count"]: int');
    expect(text).not.toContain("do not leak");
    expect(text).not.toContain("1.5");
    expect(describeContextData(undefined)).toBe("No context data is available.");
    const wide = describeContextData({
      many: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])),
    });
    expect(wide).toContain("… 22 more keys");
  });
});

describe("buildCodeGenerationPrompt and ChatModelCodeGenerator", () => {
  const request = PythonExecutionRequestSchema.parse({
    userQuery: "How many beams?",
    taskObjective: "Count the beams",
    expectedResults: { count: "int" },
    capabilityPrompts: ["Use pandas.", ""],
    executionFolderName: "beams",
    capabilityContextData: { beams: [1, 2] },
  });

  it("puts objective, query, expected results, guidance and the context shape in the prompt", () => {
    const prompt = buildCodeGenerationPrompt({ request, attempt: 1, errorChain: [] });
    for (const part of [
      "Count the beams",
      "How many beams?",
      '"count": "int"',
      "Use pandas.",
      'context["beams"]: list[2]',
    ]) {
      expect(prompt).toContain(part);
    }
    expect(prompt).not.toContain("previous attempt");
  });

  it("adds the previous code and its error on a retry, cutting long tracebacks from the top", () => {
    const longError = `${"x".repeat(10_000)}\nKeyError: 'beam'`;
    const prompt = buildCodeGenerationPrompt({
      request,
      attempt: 2,
      previousCode: "results = {'count': beams}",
      previousError: longError,
      errorChain: ["analysis: old", "execution: KeyError"],
    });
    expect(prompt).toContain("results = {'count': beams}");
    expect(prompt).toContain("KeyError: 'beam'");
    expect(prompt).toContain("characters cut");
    expect(prompt).toContain("analysis: old");
    expect(prompt.length).toBeLessThan(7_000);
  });

  it("prompts the chat model and extracts the code from its reply", async () => {
    const model = new RecordingChatModel(["```python\nresults = {'count': 2}\n```"]);
    const generator = new ChatModelCodeGenerator(model);
    const code = await generator.generate({ request, attempt: 1, errorChain: [] });
    expect(code).toBe("results = {'count': 2}\n");
    expect(model.prompts[0]).toContain("module-level dict named `results`");
    expect(model.prompts[0]).toContain("Count the beams");
  });

  it("wraps a failing model as CodeGenerationError", async () => {
    const generator = new ChatModelCodeGenerator({
      invoke: async () => {
        throw new Error("503 upstream");
      },
    });
    const error = await generator
      .generate({ request, attempt: 2, errorChain: ["e1"] })
      .catch((caught: unknown) => caught);
    expect(CodeGenerationError.isInstance(error)).toBe(true);
    expect((error as CodeGenerationError).generationAttempt).toBe(2);
    expect((error as Error).message).toContain("503 upstream");
  });
});
