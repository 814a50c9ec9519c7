import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { JsonSchema, ParameterModel } from "./model";
import { isPlainObject } from "./object-utils";
import type { RefResolver } from "./ref-resolver";
import { ParameterSchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** A parameter list as written, with the pointer of the list. */
export interface ParameterList {
  readonly items: readonly unknown[];
  readonly pointer: string;
}

/** Keywords that give a schema its type without `type`; such a schema must not be forced to `string`. */
const TYPING_KEYWORDS = ["type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "not"];

/**
 * Builds an operation's parameters from the path item's list and then the operation's own, the operation's
 * entry winning for the same `name` + `in` (OpenAPI's rule).
 *
 * Differs from the reference: path-item `parameters` are applied; the reference ignores them (no bundled spec
 * uses them).
 */
export function buildParameters(
  context: LoadContext,
  resolver: RefResolver,
  lists: readonly ParameterList[],
  requestPath: string,
  operationPointer: string,
): ParameterModel[] {
  const byKey = new Map<string, { parameter: ParameterModel; list: number }>();
  for (const [listIndex, list] of lists.entries()) {
    for (const [index, raw] of list.items.entries()) {
      const pointer = joinPointer(list.pointer, index);
      const parameter = buildParameter(context, resolver, raw, pointer, requestPath);
      const key = `${parameter.in}:${parameter.name}`;
      const earlier = byKey.get(key);
      if (earlier?.list === listIndex) {
        // The same list naming a parameter twice is a mistake; keep the later one in the earlier one's place.
        context.warn(
          "DUPLICATE_PARAMETER",
          `The ${parameter.in} parameter "${parameter.name}" is declared twice; the later declaration is used.`,
          pointer,
          [earlier.parameter.pointer],
        );
      } else if (earlier) {
        // An operation overriding a path-item parameter: the override sits where the operation declares it.
        byKey.delete(key);
      }
      byKey.set(key, { parameter, list: listIndex });
    }
  }
  const parameters = [...byKey.values()].map((entry) => entry.parameter);
  warnUndeclaredPlaceholders(context, parameters, requestPath, operationPointer);
  return parameters;
}

function buildParameter(
  context: LoadContext,
  resolver: RefResolver,
  raw: unknown,
  pointer: string,
  requestPath: string,
): ParameterModel {
  const { node, pointer: nodePointer } = resolver.deref(raw, pointer);
  const parameter = validateNode(context, ParameterSchema, node, nodePointer);
  // The reference loads such specs and simply never uses the value, so this is a warning, not an error: a real
  // spec with a stray path parameter must still load.
  if (parameter.in === "path" && !requestPath.includes(`{${parameter.name}}`)) {
    context.warn(
      "UNUSED_PATH_PARAMETER",
      `Path parameter "${parameter.name}" does not appear in the request path ${JSON.stringify(requestPath)}; its value is never sent. Add {${parameter.name}} to the path or fix the name.`,
      joinPointer(pointer, "name"),
    );
  }
  const inject = parameter["x-airbyte-param-config-inject"];
  if (inject && parameter.in !== "query") {
    context.warn(
      "IGNORED_CONFIG_INJECT",
      `x-airbyte-param-config-inject only fills query parameters; on the ${parameter.in} parameter "${parameter.name}" the reference ignores it.`,
      joinPointer(pointer, "x-airbyte-param-config-inject"),
    );
  }
  const schema = parameterSchema(resolver, parameter.schema, joinPointer(nodePointer, "schema"));
  return {
    name: parameter.name,
    in: parameter.in,
    required: parameter.in === "path" ? true : (parameter.required ?? false),
    schema,
    ...(schema.default !== undefined && schema.default !== null && { default: schema.default }),
    ...(parameter.description != null && { description: parameter.description }),
    ...(parameter.style != null && { style: parameter.style }),
    ...(parameter.explode != null && { explode: parameter.explode }),
    ...(inject && {
      configInject: { source: inject.source, ...(inject.map != null && { map: inject.map }) },
    }),
    pointer,
  };
}

/**
 * The resolved schema with `type: string` filled in when nothing else types it (the reference's default). A
 * schema typed by `anyOf`, `enum` and the like keeps its meaning.
 */
function parameterSchema(
  resolver: RefResolver,
  raw: Record<string, unknown> | null | undefined,
  pointer: string,
): JsonSchema {
  if (raw == null) return { type: "string" };
  const resolved = resolver.resolve(raw, pointer);
  if (!isPlainObject(resolved)) return { type: "string" };
  if (TYPING_KEYWORDS.some((keyword) => Object.hasOwn(resolved, keyword))) return resolved;
  return { type: "string", ...resolved };
}

function warnUndeclaredPlaceholders(
  context: LoadContext,
  parameters: readonly ParameterModel[],
  requestPath: string,
  pointer: string,
): void {
  for (const match of requestPath.matchAll(/\{([^{}]+)\}/g)) {
    const name = match[1]!;
    if (!parameters.some((parameter) => parameter.in === "path" && parameter.name === name)) {
      context.warn(
        "UNDECLARED_PATH_PARAMETER",
        `The path ${JSON.stringify(requestPath)} has {${name}} but no path parameter declares it; callers must still pass "${name}".`,
        pointer,
      );
    }
  }
}
