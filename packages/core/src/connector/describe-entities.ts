import type { Action } from "../action";
import type { AiHints, ConnectorModel, EntityModel, JsonSchema, OperationModel } from "./model";
import { isPlainObject } from "./object-utils";

/** One input of an action, as a caller (or an LLM) passes it in `params`. */
export interface ParameterDescription {
  readonly name: string;
  /** Where the value goes; `body` for top-level request body fields. */
  readonly in: "path" | "query" | "header" | "cookie" | "body";
  /** True when the caller must pass it: nothing (default, config, scoping) fills it in. */
  readonly required: boolean;
  readonly description?: string;
  /** The value's JSON schema (`$ref`s resolved; recursive ones left as `{ $ref }`). */
  readonly schema: JsonSchema;
  readonly default?: unknown;
  /** The `config_values` key that fills this parameter when the caller omits it. */
  readonly configKey?: string;
}

/** One action of an entity. */
export interface ActionDescription {
  readonly action: Action;
  readonly method: string;
  readonly summary?: string;
  readonly description?: string;
  readonly parameters: readonly ParameterDescription[];
  /** Keys of `result.meta` (pagination cursors and the like). */
  readonly metaFields: readonly string[];
  readonly aiHints?: AiHints;
}

/** A relationship from this entity to another, for joining records. */
export interface RelationshipDescription {
  readonly targetEntity: string;
  readonly foreignKey: string;
  readonly targetKey: string;
  readonly cardinality?: string;
  readonly description?: string;
}

/** One entity, with everything a tool description needs. */
export interface EntityDescription {
  readonly name: string;
  readonly description?: string;
  readonly actions: readonly ActionDescription[];
  readonly relationships: readonly RelationshipDescription[];
  readonly aiHints?: AiHints;
}

/**
 * Describes the connector's entities for LLM tool descriptions: each entity's actions, their parameters (path,
 * query, header and top-level body fields) with JSON schemas, descriptions and required flags, AI hints and
 * relationships. Plain JSON: `JSON.stringify` works on the result.
 *
 * Required flags mean "the caller must pass it": a header with a default, a query parameter filled from config
 * (`x-airbyte-param-config-inject`) and a parameter covered by `x-airbyte-scoping` are optional here.
 */
export function describeEntities(model: ConnectorModel): EntityDescription[] {
  const scoped = new Map(model.scoping.map((rule) => [rule.param, rule.configKey]));
  return model.entities.map((entity) => describeEntity(entity, scoped));
}

function describeEntity(entity: EntityModel, scoped: ReadonlyMap<string, string>): EntityDescription {
  const summary =
    entity.aiHints?.summary ??
    (typeof entity.schema?.description === "string" ? entity.schema.description : undefined);
  return {
    name: entity.name,
    ...(summary !== undefined && { description: summary }),
    actions: entity.operations.map((operation) => describeAction(operation, scoped)),
    relationships: entity.relationships.map((relationship) => ({
      targetEntity: relationship.targetEntity,
      foreignKey: relationship.foreignKey,
      targetKey: relationship.targetKey,
      ...(relationship.cardinality !== undefined && { cardinality: relationship.cardinality }),
      ...(relationship.description !== undefined && { description: relationship.description }),
    })),
    ...(entity.aiHints && { aiHints: entity.aiHints }),
  };
}

function describeAction(operation: OperationModel, scoped: ReadonlyMap<string, string>): ActionDescription {
  const parameters: ParameterDescription[] = [];
  for (const parameter of operation.parameters) {
    const configKey = scoped.get(parameter.name) ?? parameter.configInject?.source;
    const filled = configKey !== undefined || (parameter.in === "header" && parameter.default != null);
    parameters.push({
      name: parameter.name,
      in: parameter.in,
      required: parameter.required && !filled,
      ...(parameter.description !== undefined && { description: parameter.description }),
      schema: parameter.schema,
      ...(parameter.default !== undefined && { default: parameter.default }),
      ...(configKey !== undefined && { configKey }),
    });
  }
  const body = operation.requestBody;
  if (body && !body.graphql) {
    const properties = isPlainObject(body.schema?.properties) ? body.schema.properties : {};
    for (const field of body.fields) {
      if (parameters.some((parameter) => parameter.name === field)) continue;
      const schema = isPlainObject(properties[field]) ? (properties[field] as JsonSchema) : {};
      parameters.push({
        name: field,
        in: "body",
        required: body.requiredFields.includes(field) && !Object.hasOwn(body.defaults, field),
        ...(typeof schema.description === "string" && { description: schema.description }),
        schema,
        ...(Object.hasOwn(body.defaults, field) && { default: body.defaults[field] }),
      });
    }
  }
  const description = operation.description ?? undefined;
  return {
    action: operation.action,
    method: operation.method,
    ...(operation.summary !== undefined && { summary: operation.summary }),
    ...(description !== undefined && { description }),
    parameters,
    metaFields: Object.keys(operation.metaExtractor ?? {}),
    ...(operation.aiHints && { aiHints: operation.aiHints }),
  };
}
