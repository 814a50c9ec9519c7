import { z } from "zod";

/**
 * The zod schema of {@link PythonExecutionRequest}. Unknown keys are rejected, so a misspelt option (for example
 * `approved_code` instead of `approvedCode`) fails loudly instead of being silently ignored.
 *
 * Differs from the reference: the reference's pydantic model ignores unknown fields.
 */
export const PythonExecutionRequestSchema = z
  .object({
    /** The user's original question or instruction. */
    userQuery: z.string().min(1, "userQuery must not be empty"),
    /** What the code has to accomplish, in one or two sentences. */
    taskObjective: z.string().min(1, "taskObjective must not be empty"),
    /** What `results` should hold, e.g. `{ mean: "float", plot: "figure" }`. Shown to the code generator. */
    expectedResults: z.record(z.string(), z.unknown()).default({}),
    /** Extra guidance for the code generator, added to the prompt verbatim and in order. */
    capabilityPrompts: z.array(z.string()).default([]),
    /**
     * Short name used in the execution folder's name (`execution_<ts>_<name>_<id>`); reduced to letters, digits,
     * `_` and `-`, so it can never leave the execution root.
     */
    executionFolderName: z
      .string()
      .min(1, "executionFolderName must not be empty")
      .max(200, "executionFolderName must be at most 200 characters"),
    /**
     * How many times code may be regenerated after a code error (syntax, runtime exception, failed analysis).
     * `0` means one attempt only. Differs from the reference, where the same number capped every kind of error.
     */
    retries: z.number().int().min(0).max(20).default(3),
    /** Data from other capabilities, saved as `context.json` and available to the code as `context`. */
    capabilityContextData: z.record(z.string(), z.unknown()).optional(),
    /** Code to run as is: generation is skipped, analysis and approval are not. */
    approvedCode: z.string().min(1, "approvedCode must not be empty when given").optional(),
    /** An execution folder of an earlier request to reuse instead of creating a new one. */
    existingExecutionFolder: z.string().min(1).optional(),
    /** Session metadata (user id, chat id, …), passed on in the approval request so an interface can route it. */
    sessionContext: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** A request as the caller writes it: defaults may be left out. */
export type PythonExecutionRequestInput = z.input<typeof PythonExecutionRequestSchema>;

/** A validated request, with every default filled in. */
export type PythonExecutionRequest = z.output<typeof PythonExecutionRequestSchema>;
