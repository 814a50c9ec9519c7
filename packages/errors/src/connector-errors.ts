import { brandFor } from "./brand";
import { ExecKitError, type ExecKitErrorOptions } from "./execkit-error";

/**
 * Base class of the execution errors an executor reports for a bad request *before* anything is sent:
 * unknown entity, unsupported action, missing or invalid parameters. `execute()` returns these in
 * `ExecutionResult.error` (with `success: false`) instead of throwing them, as the reference does.
 */
export class ExecutorError extends ExecKitError {
  static override readonly brand: symbol = brandFor("ExecutorError");
  static override readonly defaultCode: string = "EXECUTOR_ERROR";
}

/** The connector has no entity of that name. */
export class EntityNotFoundError extends ExecutorError {
  static override readonly brand: symbol = brandFor("EntityNotFoundError");
  static override readonly defaultCode: string = "ENTITY_NOT_FOUND";
  /** The entity that was asked for. */
  readonly entity?: string;
  /** The entities the connector does have, to help a caller (or an LLM) correct itself. */
  readonly availableEntities?: readonly string[];

  constructor(
    message: string,
    options: ExecKitErrorOptions & { entity?: string; availableEntities?: readonly string[] } = {},
  ) {
    super(message, options);
    this.entity = options.entity;
    this.availableEntities = options.availableEntities;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { entity: this.entity, availableEntities: this.availableEntities };
  }
}

/** The entity exists but does not support the action (or the action is not a valid action at all). */
export class ActionNotSupportedError extends ExecutorError {
  static override readonly brand: symbol = brandFor("ActionNotSupportedError");
  static override readonly defaultCode: string = "ACTION_NOT_SUPPORTED";
  readonly entity?: string;
  readonly action?: string;
  /** The actions the entity supports. */
  readonly supportedActions?: readonly string[];

  constructor(
    message: string,
    options: ExecKitErrorOptions & {
      entity?: string;
      action?: string;
      supportedActions?: readonly string[];
    } = {},
  ) {
    super(message, options);
    this.entity = options.entity;
    this.action = options.action;
    this.supportedActions = options.supportedActions;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { entity: this.entity, action: this.action, supportedActions: this.supportedActions };
  }
}

/** A parameter has a value that breaks its schema (wrong type, not in the enum, blank path parameter, …). */
export class InvalidParameterError extends ExecutorError {
  static override readonly brand: symbol = brandFor("InvalidParameterError");
  static override readonly defaultCode: string = "INVALID_PARAMETER";
  /** The parameter at fault, when there is one. */
  readonly parameter?: string;
  /** The rule it broke, e.g. `enum`, `type`, `minimum`. */
  readonly rule?: string;

  constructor(message: string, options: ExecKitErrorOptions & { parameter?: string; rule?: string } = {}) {
    super(message, options);
    this.parameter = options.parameter;
    this.rule = options.rule;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { parameter: this.parameter, rule: this.rule };
  }
}

/** One or more required parameters were not given. */
export class MissingParameterError extends ExecutorError {
  static override readonly brand: symbol = brandFor("MissingParameterError");
  static override readonly defaultCode: string = "MISSING_PARAMETER";
  /** Every missing parameter, not just the first. */
  readonly parameters: readonly string[];

  constructor(message: string, options: ExecKitErrorOptions & { parameters?: readonly string[] } = {}) {
    super(message, options);
    this.parameters = options.parameters ?? [];
  }

  protected override jsonFields(): Record<string, unknown> {
    return { parameters: this.parameters };
  }
}

/** Where in a connector definition a problem was found. */
export interface SpecLocation {
  /** The file the definition came from, when it came from a file. */
  file?: string;
  /** RFC 6901 JSON pointer to the offending node, e.g. `/paths/~1customers/get/x-airbyte-action`. */
  pointer: string;
}

/** A connector.yaml (or parsed object) is not a valid connector definition. */
export class ConnectorSpecError extends ExecKitError {
  static override readonly brand: symbol = brandFor("ConnectorSpecError");
  static override readonly defaultCode: string = "INVALID_CONNECTOR_SPEC";
  readonly file?: string;
  readonly pointer: string;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(detail: string, location: SpecLocation, options: ExecKitErrorOptions = {}) {
    const where = location.file ? `${location.file}#${location.pointer}` : `#${location.pointer}`;
    super(`Invalid connector spec at ${where}: ${detail}`, options);
    this.file = location.file;
    this.pointer = location.pointer;
    this.detail = this.redactText(detail);
  }

  protected override jsonFields(): Record<string, unknown> {
    return { file: this.file, pointer: this.pointer, detail: this.detail };
  }
}

/** An executor was constructed with options that cannot work together, or with a required one missing. */
export class InvalidConfigurationError extends ExecKitError {
  static override readonly brand: symbol = brandFor("InvalidConfigurationError");
  static override readonly defaultCode: string = "INVALID_CONFIGURATION";
  /** The option (or environment variable) at fault. */
  readonly option?: string;

  constructor(message: string, options: ExecKitErrorOptions & { option?: string } = {}) {
    super(message, options);
    this.option = options.option;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { option: this.option };
  }
}

/** The credentials needed by the selected auth scheme were not given. Raised before any request is sent. */
export class MissingCredentialsError extends InvalidConfigurationError {
  static override readonly brand: symbol = brandFor("MissingCredentialsError");
  static override readonly defaultCode: string = "MISSING_CREDENTIALS";
  /** The security scheme that needs them. */
  readonly scheme?: string;
  /** The credential fields that are missing (names only, never values). */
  readonly missing: readonly string[];

  constructor(
    message: string,
    options: ExecKitErrorOptions & { scheme?: string; missing?: readonly string[]; option?: string } = {},
  ) {
    super(message, options);
    this.scheme = options.scheme;
    this.missing = options.missing ?? [];
  }

  protected override jsonFields(): Record<string, unknown> {
    return { ...super.jsonFields(), scheme: this.scheme, missing: this.missing };
  }
}

/** The hosted lookup found no connector for the workspace and definition. */
export class ConnectorNotFoundError extends ExecKitError {
  static override readonly brand: symbol = brandFor("ConnectorNotFoundError");
  static override readonly defaultCode: string = "CONNECTOR_NOT_FOUND";
  readonly workspaceName?: string;
  readonly connectorDefinitionId?: string;

  constructor(
    message: string,
    options: ExecKitErrorOptions & { workspaceName?: string; connectorDefinitionId?: string } = {},
  ) {
    super(message, options);
    this.workspaceName = options.workspaceName;
    this.connectorDefinitionId = options.connectorDefinitionId;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { workspaceName: this.workspaceName, connectorDefinitionId: this.connectorDefinitionId };
  }
}

/** The hosted lookup found more than one connector for the workspace and definition. */
export class ConnectorAmbiguityError extends ExecKitError {
  static override readonly brand: symbol = brandFor("ConnectorAmbiguityError");
  static override readonly defaultCode: string = "CONNECTOR_AMBIGUOUS";
  readonly workspaceName?: string;
  readonly connectorDefinitionId?: string;
  /** The ids of every match, so the caller can pass one as `connectorId`. */
  readonly connectorIds: readonly string[];

  constructor(
    message: string,
    options: ExecKitErrorOptions & {
      workspaceName?: string;
      connectorDefinitionId?: string;
      connectorIds?: readonly string[];
    } = {},
  ) {
    super(message, options);
    this.workspaceName = options.workspaceName;
    this.connectorDefinitionId = options.connectorDefinitionId;
    this.connectorIds = options.connectorIds ?? [];
  }

  protected override jsonFields(): Record<string, unknown> {
    return {
      workspaceName: this.workspaceName,
      connectorDefinitionId: this.connectorDefinitionId,
      connectorIds: this.connectorIds,
    };
  }
}

/** `paginate()` reached its page cap before the API said there were no more pages. */
export class PaginationLimitError extends ExecKitError {
  static override readonly brand: symbol = brandFor("PaginationLimitError");
  static override readonly defaultCode: string = "PAGINATION_LIMIT_EXCEEDED";
  readonly maxPages: number;

  constructor(message: string, options: ExecKitErrorOptions & { maxPages: number }) {
    super(message, options);
    this.maxPages = options.maxPages;
  }

  protected override jsonFields(): Record<string, unknown> {
    return { maxPages: this.maxPages };
  }
}
