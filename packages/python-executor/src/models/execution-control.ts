import { ContainerConfigurationError } from "@execkit/errors";
import { z } from "zod";

/** The two execution modes: what the code is allowed to do to the control system. */
export const ExecutionMode = {
  READ_ONLY: "read_only",
  WRITE_ACCESS: "write_access",
} as const;

/** One of the {@link ExecutionMode} values. */
export type ExecutionMode = (typeof ExecutionMode)[keyof typeof ExecutionMode];

/** The zod schema of the `executionControl` option. */
export const ExecutionControlConfigSchema = z
  .object({
    /** Whether control-system (EPICS, …) writes are permitted at all in this deployment. */
    epicsWritesEnabled: z.boolean(),
  })
  .strict();

/**
 * The deployment's control-system policy: it picks the execution mode from what the analyzer found.
 * Write access is granted only when the code writes and the deployment allows writes; everything else runs
 * read-only, where the runtime guard makes writes raise.
 */
export class ExecutionControlConfig {
  /** Whether control-system writes are permitted at all in this deployment. */
  readonly epicsWritesEnabled: boolean;

  constructor(options: z.input<typeof ExecutionControlConfigSchema>) {
    const parsed = ExecutionControlConfigSchema.safeParse(options);
    if (!parsed.success) {
      throw new ContainerConfigurationError(
        `executionControl is invalid: ${parsed.error.issues.map((issue) => issue.message).join("; ")}. ` +
          "Pass { epicsWritesEnabled: boolean }.",
        { configKey: "executionControl.epicsWritesEnabled" },
      );
    }
    this.epicsWritesEnabled = parsed.data.epicsWritesEnabled;
  }

  /**
   * The mode to run code in. `hasEpicsReads` does not change the outcome (reads are allowed in both modes); it is
   * kept for the reference's signature.
   */
  getExecutionMode(hasEpicsWrites: boolean, _hasEpicsReads: boolean): ExecutionMode {
    return hasEpicsWrites && this.epicsWritesEnabled ? ExecutionMode.WRITE_ACCESS : ExecutionMode.READ_ONLY;
  }

  /** Warnings about this configuration; empty when there is nothing to say. */
  validate(): string[] {
    return this.epicsWritesEnabled
      ? ["Control-system writes are enabled: make sure an approval mode other than 'disabled' is configured."]
      : [];
  }
}
