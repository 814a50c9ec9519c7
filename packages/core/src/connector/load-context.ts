import { ConnectorSpecError } from "@execkit/errors";
import type { ModelWarning } from "./model";

/** State shared by the steps of one `loadConnectorModel()` call: where the spec came from and what was found. */
export class LoadContext {
  /** Non-fatal findings, in the order they were found. */
  readonly warnings: ModelWarning[] = [];

  constructor(
    /** The file the spec came from (or the name the caller gave it), for error messages. */
    readonly file: string | undefined,
  ) {}

  /** Stops the load with a `ConnectorSpecError` that points at the offending node. */
  fail(detail: string, pointer: string, cause?: unknown): never {
    throw new ConnectorSpecError(detail, { file: this.file, pointer }, cause === undefined ? {} : { cause });
  }

  /** Records a non-fatal finding. */
  warn(code: string, message: string, pointer: string, relatedPointers?: readonly string[]): void {
    this.warnings.push(
      relatedPointers ? { code, message, pointer, relatedPointers } : { code, message, pointer },
    );
  }
}
