import { InvalidConfigurationError } from "@execkit/errors";
import type { ChatModelLike } from "@execkit/python-executor";

/**
 * Builds the chat model for `--model`: ChatOpenAI from `@langchain/openai`, with `OPENAI_API_KEY`. The package
 * is optional (the demo must run offline without it), so it is imported by a name the bundler leaves alone.
 * Any other `@langchain/core` chat model works the same way in your own code.
 */
export async function loadChatModel(
  model: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChatModelLike> {
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) {
    throw new InvalidConfigurationError(
      `--model ${model} needs OPENAI_API_KEY in the environment; set it, or leave --model out to run the analysis code the demo ships.`,
      { option: "model" },
    );
  }
  const packageName = "@langchain/openai";
  let openai: {
    ChatOpenAI: new (options: { model: string; apiKey: string; temperature?: number }) => ChatModelLike;
  };
  try {
    openai = await import(packageName);
  } catch {
    throw new InvalidConfigurationError(
      `--model needs the ${packageName} package, which is not installed; run \`pnpm --filter @execkit/demo add ${packageName}\`, or leave --model out.`,
      { option: "model" },
    );
  }
  return new openai.ChatOpenAI({ model, apiKey, temperature: 0 });
}
