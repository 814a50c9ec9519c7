import { ActionNotSupportedError, EntityNotFoundError } from "@execkit/errors";
import type { Action } from "../action";
import type { ConnectorModel, EntityModel, OperationModel } from "./model";

interface ModelIndex {
  readonly entities: ReadonlyMap<string, EntityModel>;
  readonly operations: ReadonlyMap<string, ReadonlyMap<string, OperationModel>>;
}

// Kept beside the model rather than in it, so the model stays plain data (serialisable, comparable) while
// lookups stay O(1). A WeakMap lets a model and its index be collected together.
const indexes = new WeakMap<ConnectorModel, ModelIndex>();

function indexOf(model: ConnectorModel): ModelIndex {
  let index = indexes.get(model);
  if (!index) {
    const entities = new Map<string, EntityModel>();
    const operations = new Map<string, Map<string, OperationModel>>();
    for (const entity of model.entities) {
      entities.set(entity.name, entity);
      const byAction = new Map<string, OperationModel>();
      for (const operation of entity.operations) byAction.set(operation.action, operation);
      operations.set(entity.name, byAction);
    }
    index = { entities, operations };
    indexes.set(model, index);
  }
  return index;
}

/** The entity called `name` (case-sensitive), or undefined. O(1) after the first lookup on a model. */
export function getEntity(model: ConnectorModel, name: string): EntityModel | undefined {
  return indexOf(model).entities.get(name);
}

/** The operation for `entity` × `action`, or undefined. O(1) after the first lookup on a model. */
export function getOperation(
  model: ConnectorModel,
  entity: string,
  action: Action | string,
): OperationModel | undefined {
  return indexOf(model).operations.get(entity)?.get(action);
}

/** Entity names in spec order. */
export function listEntityNames(model: ConnectorModel): string[] {
  return model.entities.map((entity) => entity.name);
}

/**
 * Like {@link getOperation}, but throws the executor errors the reference raises for a bad pair:
 * `EntityNotFoundError` (with the available entities) or `ActionNotSupportedError` (with the entity's actions),
 * so a caller, or an LLM, can correct itself.
 */
export function requireOperation(
  model: ConnectorModel,
  entity: string,
  action: Action | string,
): OperationModel {
  const operation = getOperation(model, entity, action);
  if (operation) return operation;
  const found = getEntity(model, entity);
  if (!found) {
    const availableEntities = listEntityNames(model);
    throw new EntityNotFoundError(
      `Entity "${entity}" is not part of the ${model.name} connector. Available entities: ${availableEntities.join(", ")}.`,
      { entity, availableEntities },
    );
  }
  throw new ActionNotSupportedError(
    `Action "${action}" is not supported by entity "${entity}" of the ${model.name} connector. Supported actions: ${found.actions.join(", ")}.`,
    { entity, action, supportedActions: found.actions },
  );
}

/** Builds the index right away; the loader calls it so the first lookup is as fast as the others. */
export function primeModelIndex(model: ConnectorModel): void {
  indexOf(model);
}
