import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { GraphqlBodyModel, JsonSchema, RequestBodyModel } from "./model";
import { isPlainObject } from "./object-utils";
import type { RefResolver } from "./ref-resolver";
import { RequestBodySchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** Content types in the order the reference prefers them; JSON is the fallback. */
const CONTENT_TYPE_PRIORITY = [
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/related",
];
const JSON_CONTENT_TYPE = "application/json";

/**
 * Builds an operation's request body.
 *
 * - A GraphQL body (`x-airbyte-body-type: {type: graphql}`) is always sent as JSON; its `content` schemas are not
 *   read, as in the reference.
 * - Otherwise the content type follows the reference's priority, and the schema, fields, required fields and
 *   top-level defaults come from the last declared media type.
 */
export function buildRequestBody(
  context: LoadContext,
  resolver: RefResolver,
  raw: unknown,
  operationPointer: string,
): RequestBodyModel | undefined {
  if (raw === undefined || raw === null) return undefined;
  const { node, pointer } = resolver.deref(raw, joinPointer(operationPointer, "requestBody"));
  const body = validateNode(context, RequestBodySchema, node, pointer);
  const content = body.content ?? {};
  const contentTypes = Object.keys(content);
  const required = body.required ?? false;
  const graphqlConfig = body["x-airbyte-body-type"];
  if (graphqlConfig) {
    const variables = graphqlConfig.variables ?? {};
    const nullableVariables = graphqlConfig["x-airbyte-nullable-variables"] ?? [];
    for (const [index, name] of nullableVariables.entries()) {
      if (!Object.hasOwn(variables, name)) {
        context.warn(
          "UNKNOWN_NULLABLE_VARIABLE",
          `x-airbyte-nullable-variables lists "${name}", which is not one of the GraphQL variables.`,
          joinPointer(pointer, "x-airbyte-body-type", "x-airbyte-nullable-variables", index),
        );
      }
    }
    const graphql: GraphqlBodyModel = {
      type: "graphql",
      query: graphqlConfig.query,
      variables,
      ...(graphqlConfig.operationName != null && { operationName: graphqlConfig.operationName }),
      ...(graphqlConfig.default_fields != null && { defaultFields: graphqlConfig.default_fields }),
      nullableVariables,
    };
    return {
      contentType: JSON_CONTENT_TYPE,
      contentTypes,
      required,
      fields: [],
      requiredFields: [],
      defaults: {},
      graphql,
    };
  }
  const contentType = CONTENT_TYPE_PRIORITY.find((type) => Object.hasOwn(content, type)) ?? JSON_CONTENT_TYPE;
  const lastType = contentTypes[contentTypes.length - 1];
  const rawSchema = lastType === undefined ? undefined : content[lastType]?.schema;
  const resolved =
    rawSchema == null
      ? undefined
      : resolver.resolve(rawSchema, joinPointer(pointer, "content", lastType!, "schema"));
  const schema = isPlainObject(resolved) ? (resolved as JsonSchema) : undefined;
  const properties = isPlainObject(schema?.properties) ? schema.properties : {};
  const defaults: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (isPlainObject(property) && Object.hasOwn(property, "default")) defaults[name] = property.default;
  }
  const requiredFields = Array.isArray(schema?.required)
    ? schema.required.filter((name): name is string => typeof name === "string")
    : [];
  return {
    contentType,
    contentTypes,
    required,
    ...(schema && { schema }),
    fields: Object.keys(properties),
    requiredFields,
    defaults,
  };
}
