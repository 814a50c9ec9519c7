import type { GraphqlBodyModel, OperationModel } from "@execkit/core";
import { scalarToString } from "./encode";

const EXACT = /^\{\{ (\w+) \}\}$/;
const ANY = /\{\{\s*(\w+)\s*\}\}/g;
const UNRESOLVED = /\{\{\s*\w+\s*\}\}/;

/**
 * Expands a GraphQL field selection: `["id", "owner.login", "owner.id"]` → `id owner { login id }`.
 * Dot paths sharing a prefix are merged into one selection set.
 */
export function expandFieldSelection(fields: readonly string[]): string {
  interface Node {
    children: Map<string, Node>;
  }
  const root: Node = { children: new Map() };
  for (const field of fields) {
    let node = root;
    for (const part of field.split(".")) {
      let child = node.children.get(part);
      if (!child) {
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
  }
  const render = (node: Node): string =>
    [...node.children.entries()]
      .map(([name, child]) => (child.children.size === 0 ? name : `${name} { ${render(child)} }`))
      .join(" ");
  return render(root);
}

/**
 * Builds `{query, variables, operationName?}` of a GraphQL operation.
 *
 * - `{{ fields }}` in the query takes the caller's `fields` list, else the spec's `default_fields`.
 * - A variable template that is exactly `"{{ name }}"` takes the param with its type; a placeholder inside a
 *   longer string is replaced by the value's text; a placeholder with no param takes the query param's schema
 *   default, else the variable is left out.
 *
 * Differs from the reference: a variable listed in `x-airbyte-nullable-variables` whose param is explicitly
 * `null` is sent as `null` (linear's "unassign"); the reference dropped it (§10 item 5).
 */
export function buildGraphqlBody(
  operation: OperationModel,
  graphql: GraphqlBodyModel,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  let query = graphql.query;
  if (query.includes("{{ fields }}")) {
    const fields = params.fields;
    let selection: string | undefined;
    if (Array.isArray(fields) && fields.length > 0) selection = expandFieldSelection(fields.map(String));
    else if (typeof fields === "string" && fields.trim() !== "") selection = fields;
    else if (typeof graphql.defaultFields === "string") selection = graphql.defaultFields;
    else if (Array.isArray(graphql.defaultFields) && graphql.defaultFields.length > 0) {
      selection = expandFieldSelection(graphql.defaultFields as string[]);
    }
    if (selection !== undefined) query = query.replaceAll("{{ fields }}", selection);
  }
  const defaults = new Map<string, unknown>();
  for (const parameter of operation.parameters) {
    if (parameter.in === "query" && parameter.default !== undefined)
      defaults.set(parameter.name, parameter.default);
  }
  const interpolate = (value: unknown): unknown => {
    if (typeof value === "string") {
      const exact = EXACT.exec(value);
      if (exact && Object.hasOwn(params, exact[1]!) && params[exact[1]!] !== undefined)
        return params[exact[1]!];
      let replaced = value.replace(ANY, (match, name: string) =>
        params[name] === undefined || params[name] === null ? match : scalarToString(params[name]),
      );
      if (UNRESOLVED.test(replaced)) {
        const name = /\{\{\s*(\w+)\s*\}\}/.exec(replaced)![1]!;
        if (params[name] === null) return null;
        replaced = defaults.has(name) ? (defaults.get(name) as string) : (undefined as unknown as string);
      }
      return replaced;
    }
    if (Array.isArray(value)) return value.map(interpolate);
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = interpolate(item);
      return out;
    }
    return value;
  };
  const nullable = new Set(graphql.nullableVariables);
  const variables: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(graphql.variables)) {
    const value = interpolate(template);
    if (value === undefined) continue;
    if (value === null && !(nullable.has(name) && isExplicitNull(template, params))) continue;
    variables[name] = value;
  }
  // The reference sends `variables` only when there are some (github's viewer query has none).
  const body: Record<string, unknown> = { query };
  if (Object.keys(variables).length > 0) body.variables = variables;
  if (graphql.operationName) body.operationName = graphql.operationName;
  return body;
}

function isExplicitNull(template: unknown, params: Readonly<Record<string, unknown>>): boolean {
  if (typeof template !== "string") return false;
  const match = /\{\{\s*(\w+)\s*\}\}/.exec(template);
  return match !== null && Object.hasOwn(params, match[1]!) && params[match[1]!] === null;
}
