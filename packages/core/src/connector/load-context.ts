import { ConnectorSpecError } from "@execkit/errors";
import type { ModelWarning } from "./model";
import type { Locator } from "./yaml-locator";

/** State shared by the steps of one `loadConnectorModel()` call: where the spec came from and what was found. */
export class LoadContext {
  /** Non-fatal findings, in the order they were found. */
  readonly warnings: ModelWarning[] = [];

  constructor(
    /** The file the spec came from (or the name the caller gave it), for error messages. */
    readonly file: string | undefined,
    /** Maps a pointer to its line and column when the spec was YAML text. */
    private readonly locate?: Locator,
  ) {}

  /**
   * Stops the load with a `ConnectorSpecError` that points at the offending node. When the spec was YAML text,
   * the detail ends with the node's line and column, so an editor can jump there.
   */
  fail(detail: string, pointer: string, cause?: unknown): never {
    const position = this.locate?.(pointer);
    const located = position ? `${detail} (line ${position.line}, column ${position.column})` : detail;
    throw new ConnectorSpecError(located, { file: this.file, pointer }, cause === undefined ? {} : { cause });
  }

  /** Records a non-fatal finding. */
  warn(code: string, message: string, pointer: string, relatedPointers?: readonly string[]): void {
    this.warnings.push(
      relatedPointers ? { code, message, pointer, relatedPointers } : { code, message, pointer },
    );
  }
}
