import type { Action } from "../action";
import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { AiHints, EntityModel, EntityRelationship, JsonSchema, OperationModel } from "./model";
import { isPlainObject, withoutNulls } from "./object-utils";
import type { RefResolver } from "./ref-resolver";
import { AiHintsSchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** Entities and the operations that survived duplicate resolution. */
export interface EntitiesModel {
  readonly entities: EntityModel[];
  readonly operations: OperationModel[];
}

/**
 * Groups operations by entity, in order of first appearance.
 *
 * A repeated `(entity, action)` pair is resolved as in the reference, whose dict assignment makes the later
 * declaration win while the pair keeps the position of the first: the later operation takes the earlier one's
 * place (in the entity and in `model.operations`), and a `DUPLICATE_OPERATION` warning names both.
 * Differs from the reference: the reference says nothing about the overwrite.
 */
export function buildEntities(
  context: LoadContext,
  resolver: RefResolver,
  operations: readonly OperationModel[],
  componentSchemas: Record<string, unknown>,
  relationships: readonly EntityRelationship[],
): EntitiesModel {
  const kept: OperationModel[] = [];
  const groups = new Map<
    string,
    { operations: OperationModel[]; slots: Map<Action, { local: number; global: number }> }
  >();
  for (const operation of operations) {
    let group = groups.get(operation.entity);
    if (!group) {
      group = { operations: [], slots: new Map() };
      groups.set(operation.entity, group);
    }
    const slot = group.slots.get(operation.action);
    if (slot) {
      const earlier = group.operations[slot.local]!;
      context.warn(
        "DUPLICATE_OPERATION",
        `${operation.entity}.${operation.action} is declared twice (${earlier.method} ${earlier.path} and ${operation.method} ${operation.path}); the later declaration is used, as in the reference.`,
        operation.pointer,
        [earlier.pointer],
      );
      group.operations[slot.local] = operation;
      kept[slot.global] = operation;
      continue;
    }
    group.slots.set(operation.action, { local: group.operations.length, global: kept.length });
    group.operations.push(operation);
    kept.push(operation);
  }

  const relationshipsBySource = new Map<string, EntityRelationship[]>();
  for (const [index, relationship] of relationships.entries()) {
    for (const name of [relationship.sourceEntity, relationship.targetEntity]) {
      if (!groups.has(name)) {
        context.warn(
          "UNKNOWN_RELATIONSHIP_ENTITY",
          `The relationship ${relationship.sourceEntity} -> ${relationship.targetEntity} names "${name}", which no operation declares.`,
          joinPointer("/info/x-airbyte-entity-relationships", index),
        );
      }
    }
    const list = relationshipsBySource.get(relationship.sourceEntity) ?? [];
    list.push(relationship);
    relationshipsBySource.set(relationship.sourceEntity, list);
  }

  const schemaEntries = Object.entries(componentSchemas);
  const entities: EntityModel[] = [];
  for (const [name, group] of groups) {
    const linked = linkSchema(context, resolver, name, schemaEntries);
    entities.push({
      name,
      actions: group.operations.map((operation) => operation.action),
      operations: group.operations,
      ...linked,
      relationships: relationshipsBySource.get(name) ?? [],
    });
  }
  return { entities, operations: kept };
}

/**
 * The entity's component schema: the first whose `x-airbyte-entity-name` is the entity's name, or whose key equals
 * it ignoring case (the reference's rule, checked in that one pass).
 */
function linkSchema(
  context: LoadContext,
  resolver: RefResolver,
  entity: string,
  schemaEntries: readonly [string, unknown][],
): Pick<EntityModel, "schema" | "schemaName" | "streamName" | "aiHints"> {
  const lower = entity.toLowerCase();
  for (const [key, node] of schemaEntries) {
    if (!isPlainObject(node)) continue;
    if (node["x-airbyte-entity-name"] !== entity && key.toLowerCase() !== lower) continue;
    const pointer = joinPointer("/components/schemas", key);
    const resolved = resolver.resolveAt(["components", "schemas", key]);
    const streamName = node["x-airbyte-stream-name"];
    const rawHints = node["x-airbyte-ai-hints"];
    const hints =
      rawHints == null
        ? undefined
        : validateNode(context, AiHintsSchema, rawHints, joinPointer(pointer, "x-airbyte-ai-hints"));
    return {
      ...(isPlainObject(resolved) && { schema: resolved as JsonSchema }),
      schemaName: key,
      ...(typeof streamName === "string" && { streamName }),
      ...(hints && { aiHints: withoutNulls(hints) as AiHints }),
    };
  }
  return {};
}
