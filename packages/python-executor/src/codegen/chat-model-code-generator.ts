import { CodeGenerationError, PythonExecutorException } from "@execkit/errors";
import type { BaseMessage } from "@langchain/core/messages";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { CodeGenerationInput, CodeGenerator } from "./code-generator";
import { extractPythonCode } from "./extract-code";
import { buildCodeGenerationPrompt, CODE_GENERATION_SYSTEM_PROMPT } from "./prompt";

/**
 * The part of a `@langchain/core` chat model the generator uses: any `BaseChatModel` (ChatOpenAI,
 * ChatAnthropic, FakeListChatModel, …) fits.
 */
export interface ChatModelLike {
  invoke(
    input: BaseMessage[],
    options?: { signal?: AbortSignal },
  ): Promise<{ content: unknown; text?: string }>;
}

/** Options of {@link ChatModelCodeGenerator}. */
export interface ChatModelCodeGeneratorOptions {
  /** Replaces the fixed instructions (the system message). */
  systemPrompt?: string;
}

function replyText(message: { content: unknown; text?: string }): string {
  if (typeof message.text === "string") return message.text;
  if (typeof message.content === "string") return message.content;
  if (Array.isArray(message.content)) {
    return message.content
      .map((part) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : ""))
      .join("");
  }
  return "";
}

/** The default {@link CodeGenerator}: prompts a LangChain chat model and takes the Python out of its reply. */
export class ChatModelCodeGenerator implements CodeGenerator {
  readonly #model: ChatModelLike;
  readonly #systemPrompt: string;

  constructor(model: ChatModelLike, options: ChatModelCodeGeneratorOptions = {}) {
    this.#model = model;
    this.#systemPrompt = options.systemPrompt ?? CODE_GENERATION_SYSTEM_PROMPT;
  }

  async generate(input: CodeGenerationInput, options: { signal?: AbortSignal } = {}): Promise<string> {
    const messages = [
      new SystemMessage(this.#systemPrompt),
      new HumanMessage(buildCodeGenerationPrompt(input)),
    ];
    let reply: { content: unknown; text?: string };
    try {
      reply = await this.#model.invoke(messages, { signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (PythonExecutorException.isInstance(error)) throw error;
      throw new CodeGenerationError(
        `The chat model failed: ${(error as Error)?.message ?? String(error)}`,
        input.attempt,
        input.errorChain,
        { cause: error },
      );
    }
    return extractPythonCode(replyText(reply), input.attempt);
  }
}
