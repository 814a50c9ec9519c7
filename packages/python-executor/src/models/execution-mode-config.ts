import { z } from "zod";
import type { ExecutionModeConfig } from "../execution/types";

export type { ExecutionModeConfig } from "../execution/types";

/** The zod schema of one {@link ExecutionModeConfig} as users write it (everything but the kernel is optional). */
export const ExecutionModeConfigSchema = z
  .object({
    /** The Jupyter kernel for this mode (Jupyter mode only). */
    kernelName: z.string().min(1).default("python3"),
    /** Whether control-system writes are allowed in this mode. */
    allowsWrites: z.boolean().optional(),
    /** Whether every run in this mode needs human approval, whatever the approval mode says. */
    requiresApproval: z.boolean().default(false),
    description: z.string().default(""),
    /** Extra environment variables for the code, e.g. EPICS gateway addresses. Never put credentials here. */
    environment: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** One mode as users write it. */
export type ExecutionModeConfigInput = z.input<typeof ExecutionModeConfigSchema>;

/** The two modes, as the `modes` option takes them. */
export const ExecutionModesSchema = z
  .object({
    read_only: ExecutionModeConfigSchema.optional(),
    write_access: ExecutionModeConfigSchema.optional(),
  })
  .strict();

/**
 * Fills in a mode's defaults. `allowsWrites` follows the mode unless set: a read-only mode that allowed writes
 * would defeat its purpose, so `read_only` with `allowsWrites: true` is refused by the config parser.
 */
export function resolveExecutionModeConfig(
  modeName: ExecutionModeConfig["modeName"],
  input: ExecutionModeConfigInput = {},
): ExecutionModeConfig {
  const parsed = ExecutionModeConfigSchema.parse(input);
  return {
    modeName,
    kernelName: parsed.kernelName,
    allowsWrites: parsed.allowsWrites ?? modeName === "write_access",
    requiresApproval: parsed.requiresApproval,
    description:
      parsed.description ||
      (modeName === "read_only"
        ? "Read-only: control-system writes, subprocesses and os.system raise."
        : "Write access: control-system writes are allowed."),
    environment: { ...parsed.environment },
  };
}
