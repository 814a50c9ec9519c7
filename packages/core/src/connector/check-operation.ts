import type { Action } from "../action";
import type { ConnectorModel, OperationModel } from "./model";

/** The operation a health check runs, with the params to run it with. */
export interface CheckOperation {
  readonly entity: string;
  readonly action: Action;
  readonly operation: OperationModel;
  /** `{ limit: 1 }` for a list that declares `limit`, else `{}`. */
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * True when the operation cannot run without caller input: it has a path parameter, or a query parameter that is
 * required, has no default and is not filled from config (`x-airbyte-param-config-inject`). Header parameters do
 * not count, as in the reference.
 */
export function hasRequiredParams(operation: OperationModel): boolean {
  return operation.parameters.some(
    (parameter) =>
      parameter.in === "path" ||
      (parameter.in === "query" &&
        parameter.required &&
        parameter.default == null &&
        !parameter.configInject),
  );
}

/**
 * Picks the operation `check()` runs, exactly as the reference's `find_check_operation`:
 * 1. the first operation marked `x-airbyte-preferred-for-check`, whatever its action, visiting entities in spec
 *    order and each entity's operations in declaration order;
 * 2. else the `list` operation of the first entity whose list has no required params ({@link hasRequiredParams});
 * 3. else undefined: `check()` then reports "skipped".
 *
 * The params are `{ limit: 1 }` for a list when the operation declares a `limit` query parameter or uses `limit` in
 * a GraphQL variable; otherwise `{}` (the reference would drop an undeclared `limit` anyway).
 */
export function findCheckOperation(model: ConnectorModel): CheckOperation | undefined {
  for (const entity of model.entities) {
    for (const operation of entity.operations) {
      if (operation.preferredForCheck) return checkOperation(operation);
    }
  }
  for (const entity of model.entities) {
    const list = entity.operations.find((operation) => operation.action === "list");
    if (list && !hasRequiredParams(list)) return checkOperation(list);
  }
  return undefined;
}

function checkOperation(operation: OperationModel): CheckOperation {
  const params = operation.action === "list" && acceptsLimit(operation) ? { limit: 1 } : {};
  return { entity: operation.entity, action: operation.action, operation, params };
}

const LIMIT_PLACEHOLDER = /\{\{\s*limit\s*\}\}/;

/** True when a `limit` param reaches the request: a query parameter, or a GraphQL variable template. */
export function acceptsLimit(operation: OperationModel): boolean {
  if (operation.parameters.some((parameter) => parameter.in === "query" && parameter.name === "limit"))
    return true;
  const variables = operation.requestBody?.graphql?.variables;
  return variables !== undefined && mentionsLimit(variables);
}

function mentionsLimit(value: unknown): boolean {
  if (typeof value === "string") return LIMIT_PLACEHOLDER.test(value);
  if (Array.isArray(value)) return value.some(mentionsLimit);
  if (value !== null && typeof value === "object") return Object.values(value).some(mentionsLimit);
  return false;
}
