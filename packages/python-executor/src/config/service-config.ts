import { ContainerConfigurationError } from "@execkit/errors";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { z } from "zod";
import type { CodeAnalyzer, ControlSystemPatterns } from "../analysis/types";
import type { ChatModelLike } from "../codegen/chat-model-code-generator";
import type { CodeGenerator } from "../codegen/code-generator";
import type { CodeRunner } from "../execution/types";
import { ExecutionControlConfigSchema } from "../models/execution-control";
import { ExecutionModesSchema } from "../models/execution-mode-config";

function hasMethods(value: unknown, ...methods: string[]): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function")
  );
}

/** The zod schema of the `approval` option. */
export const ApprovalConfigSchema = z
  .object({
    /** `disabled`: no routine approval; `epics_writes`: approve control-system writes; `all_code`: approve every run. */
    mode: z.enum(["disabled", "epics_writes", "all_code"]),
    /** What high-risk code (subprocess, eval, file deletion, …) gets: a human decision (default) or a refusal. */
    onHighRisk: z.enum(["approve", "block"]).default("approve"),
  })
  .strict();

/** The zod schema of the `jupyter` option. */
export const JupyterConfigSchema = z
  .object({
    /** The Jupyter Server, e.g. `http://127.0.0.1:8888/`. No credentials in the URL. */
    baseUrl: z.string().url(),
    /** The server's token, sent as `Authorization: token …`; redacted from every error. */
    token: z.string().min(1).optional(),
    /**
     * The server's `root_dir` as seen from this process. Notebook links are Jupyter URLs relative to it (folders
     * outside it get `file://` links). Default: the process's working directory.
     */
    rootDir: z.string().min(1).optional(),
  })
  .strict();

/** The zod schema of the `checkpointer` option when given as a SQLite file. */
export const SqliteCheckpointerConfigSchema = z.object({ sqlitePath: z.string().min(1) }).strict();

/**
 * The zod schema of {@link PythonExecutorServiceConfigInput}. Objects that carry behaviour (chat model, code
 * generator, checkpointer, analyzer, runner) are checked by shape.
 */
export const PythonExecutorServiceConfigSchema = z
  .object({
    /** `local` runs a Python subprocess; `jupyter` (the reference's `container`) runs in a Jupyter kernel. */
    executionMethod: z.enum(["local", "jupyter"]).default("local"),
    /** Interpreter for local mode and for the analyzer. Default `python3` on PATH. */
    pythonPath: z.string().min(1).optional(),
    /** Where execution folders go. Default `./_agent_data/executed_scripts` (relative to the process cwd). */
    executionRoot: z.string().min(1).optional(),
    /** Longest a run may take before it is stopped (process group killed, or kernel interrupted). */
    timeoutSeconds: z.number().positive().max(86_400).default(600),
    /** Same-code re-runs after an infrastructure failure (kernel died, server unreachable). */
    maxInfrastructureRetries: z.number().int().min(0).max(10).default(2),
    /** First backoff before such a re-run; doubles each time, capped at 30 s. */
    infrastructureRetryDelayMs: z.number().int().min(0).max(60_000).default(1_000),
    /** Address-space limit of a local run, in MB. */
    memoryLimitMb: z.number().int().positive().optional(),
    /** Any `@langchain/core` chat model; wrapped by the default code generator. */
    chatModel: z
      .custom<ChatModelLike>((value) => hasMethods(value, "invoke"), {
        message: "chatModel must be a @langchain/core chat model (an object with invoke())",
      })
      .optional(),
    /** Your own code generator; takes precedence over `chatModel`. */
    codeGenerator: z
      .custom<CodeGenerator>((value) => hasMethods(value, "generate"), {
        message: "codeGenerator must have a generate(input, options) method",
      })
      .optional(),
    approval: ApprovalConfigSchema.default({ mode: "all_code", onHighRisk: "approve" }),
    executionControl: ExecutionControlConfigSchema.default({ epicsWritesEnabled: false }),
    modes: ExecutionModesSchema.optional(),
    jupyter: JupyterConfigSchema.optional(),
    /** A LangGraph checkpointer, or `{ sqlitePath }` for a SQLite file. Default: in memory. */
    checkpointer: z
      .union([
        SqliteCheckpointerConfigSchema,
        z.custom<BaseCheckpointSaver>((value) => hasMethods(value, "getTuple", "put", "putWrites"), {
          message: "checkpointer must be a LangGraph checkpointer or { sqlitePath }",
        }),
      ])
      .optional(),
    /** Extra control-system calls for the analyzer to detect. */
    controlSystemPatterns: z
      .object({ reads: z.array(z.string()).optional(), writes: z.array(z.string()).optional() })
      .strict()
      .optional(),
    /** Your own analyzer (default: the bundled Python AST analyzer). */
    analyzer: z
      .custom<CodeAnalyzer>((value) => hasMethods(value, "analyze", "close"), {
        message: "analyzer must implement analyze() and close()",
      })
      .optional(),
    /** Your own runner (default: local subprocess or Jupyter, per `executionMethod`). */
    runner: z
      .custom<CodeRunner>((value) => hasMethods(value, "run", "close"), {
        message: "runner must implement run() and close()",
      })
      .optional(),
  })
  .strict();

/** The options of `new PythonExecutorService(config)`, as callers write them. */
export type PythonExecutorServiceConfigInput = z.input<typeof PythonExecutorServiceConfigSchema>;

/** The options with every default filled in. */
export type PythonExecutorServiceConfig = z.output<typeof PythonExecutorServiceConfigSchema> & {
  controlSystemPatterns?: ControlSystemPatterns;
};

/**
 * Validates the service options.
 *
 * @throws ContainerConfigurationError naming the first bad key.
 */
export function parseServiceConfig(input: unknown): PythonExecutorServiceConfig {
  const parsed = PythonExecutorServiceConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join(".") || "(root)";
    throw new ContainerConfigurationError(
      `PythonExecutorService option ${key} is invalid: ${issue.message}` +
        (parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : ""),
      { configKey: key },
    );
  }
  const config = parsed.data;
  if (config.executionMethod === "jupyter" && !config.jupyter && !config.runner) {
    throw new ContainerConfigurationError(
      'executionMethod is "jupyter" but jupyter.baseUrl is not set; give the Jupyter Server URL and token.',
      { configKey: "jupyter.baseUrl" },
    );
  }
  if (config.modes?.read_only?.allowsWrites === true) {
    throw new ContainerConfigurationError(
      "modes.read_only.allowsWrites is true; a read-only mode cannot allow writes.",
      {
        configKey: "modes.read_only.allowsWrites",
      },
    );
  }
  return config;
}
