import type { JsonSchema, OperationModel } from "@execkit/core";
import { graphqlVariableParams } from "./generate-params";
import { isPlainObject } from "./json-path";
import { jsonTypeOf, normalizeSchema, schemaAllowsNull, schemaProperties, schemaType } from "./schema-utils";

/** A request body as the mock parsed it. */
export type ParsedBody =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "form"; value: Record<string, unknown> }
  | { kind: "multipart"; contentType: string; bytes: Buffer }
  | { kind: "invalid"; reason: string }
  | { kind: "other"; contentType: string; bytes: Buffer };

/** Parses a body by its content type: JSON, form-urlencoded (bracket keys nested), multipart kept raw. */
export function parseBody(contentType: string | undefined, bytes: Buffer): ParsedBody {
  if (bytes.length === 0) return { kind: "none" };
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) {
    return { kind: "form", value: parseFormBody(bytes.toString("utf8")) };
  }
  if (type.startsWith("multipart/")) return { kind: "multipart", contentType: type, bytes };
  if (type.includes("json") || type === "") {
    try {
      return { kind: "json", value: JSON.parse(bytes.toString("utf8")) };
    } catch (error) {
      return { kind: "invalid", reason: `body is not valid JSON (${(error as Error).message})` };
    }
  }
  return { kind: "other", contentType: type, bytes };
}

/** Decodes `a[b][0]=x` form bodies into nested objects (arrays become objects keyed by index). */
export function parseFormBody(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((part) => part !== "");
    let current: Record<string, unknown> = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        const existing = current[part];
        if (existing === undefined) current[part] = value;
        else current[part] = Array.isArray(existing) ? [...existing, value] : [existing, value];
      } else {
        if (!isPlainObject(current[part])) current[part] = {};
        current = current[part] as Record<string, unknown>;
      }
    });
  }
  return out;
}

/** What a request carried, in the shape validation needs. */
export interface RequestView {
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ParsedBody;
}

/**
 * Everything wrong with a request for this operation: missing required params, values that break their
 * schema (wire strings are coerced for query, header and form values), a body of the wrong kind, missing
 * required body properties, and for GraphQL a query text that is not the operation's or a missing variable.
 */
export function validateRequest(
  operation: OperationModel,
  request: RequestView,
  document?: Readonly<Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  const graphql = operation.requestBody?.graphql;
  for (const param of operation.parameters) {
    if (param.in === "query") {
      if (graphql !== undefined) continue;
      const schema = normalizeSchema(param.schema, document);
      if (param.style === "deepObject") {
        const keys = [...request.query.keys()].filter((key) => key.startsWith(`${param.name}[`));
        if (keys.length === 0 && param.required) problems.push(`query parameter "${param.name}" is required`);
        continue;
      }
      const values = request.query.getAll(param.name);
      if (values.length === 0) {
        if (param.required && param.configInject === undefined)
          problems.push(`query parameter "${param.name}" is required`);
        continue;
      }
      if (schemaType(schema) === "array") {
        const items = normalizeSchema(schema.items as JsonSchema | undefined, document);
        for (const value of values.flatMap((v) => (values.length === 1 ? v.split(",") : [v]))) {
          problems.push(
            ...validateValue(items, value, `query parameter "${param.name}" item`, true, document),
          );
        }
      } else {
        if (values.length > 1)
          problems.push(`query parameter "${param.name}" is repeated but is not an array`);
        problems.push(...validateValue(schema, values[0], `query parameter "${param.name}"`, true, document));
      }
    } else if (param.in === "header") {
      const value = request.headers[param.name.toLowerCase()];
      if (value === undefined) {
        if (param.required) problems.push(`header "${param.name}" is required`);
        continue;
      }
      problems.push(
        ...validateValue(
          normalizeSchema(param.schema, document),
          value,
          `header "${param.name}"`,
          true,
          document,
        ),
      );
    }
  }
  if (graphql !== undefined) {
    problems.push(...validateGraphqlBody(operation, request.body));
  } else if (operation.requestBody !== undefined) {
    problems.push(...validateRestBody(operation, request, document));
  }
  return problems;
}

function validateRestBody(
  operation: OperationModel,
  request: RequestView,
  document?: Readonly<Record<string, unknown>>,
): string[] {
  const body = operation.requestBody!;
  const problems: string[] = [];
  const parsed = request.body;
  if (parsed.kind === "invalid") return [parsed.reason];
  if (parsed.kind === "none") {
    // The reference sends no body when no body param was given, even for `required: true` bodies; judge the
    // empty body by the schema's own `required` list instead.
    if (body.requiredFields.length > 0)
      problems.push(`a request body with ${body.requiredFields.join(", ")} is required`);
    return problems;
  }
  const sentType = (request.headers["content-type"] ?? "").toLowerCase().split(";")[0]!.trim();
  const accepted = acceptedContentTypes(operation);
  const jsonLike = (type: string) => type === "application/json" || type.endsWith("+json");
  if (!accepted.includes(sentType) && !(jsonLike(sentType) && accepted.some(jsonLike))) {
    problems.push(
      `body content type "${sentType || "(none)"}" is not the declared "${accepted.join('" or "')}"`,
    );
  }
  if (parsed.kind === "multipart") {
    if (!/boundary=/.test(parsed.contentType)) problems.push("multipart body has no boundary");
    return problems;
  }
  if (parsed.kind !== "json" && parsed.kind !== "form") return problems;
  if (body.schema === undefined) return problems;
  problems.push(
    ...validateValue(
      normalizeSchema(body.schema, document),
      parsed.value,
      "body",
      parsed.kind === "form",
      document,
    ),
  );
  return problems;
}

/** The body's declared media types plus a `Content-Type` header param's default or enum (amazon-ads pins one). */
function acceptedContentTypes(operation: OperationModel): string[] {
  const types = new Set((operation.requestBody?.contentTypes ?? []).map((t) => t.toLowerCase()));
  if (operation.requestBody) types.add(operation.requestBody.contentType.toLowerCase());
  for (const param of operation.parameters) {
    if (param.in !== "header" || param.name.toLowerCase() !== "content-type") continue;
    for (const value of [
      param.default,
      param.schema.default,
      ...(Array.isArray(param.schema.enum) ? param.schema.enum : []),
    ]) {
      if (typeof value === "string") types.add(value.toLowerCase());
    }
  }
  return [...types];
}

function validateGraphqlBody(operation: OperationModel, body: ParsedBody): string[] {
  const graphql = operation.requestBody!.graphql!;
  if (body.kind !== "json" || !isPlainObject(body.value)) return ["a GraphQL operation needs a JSON body"];
  const problems: string[] = [];
  const { query, variables, operationName } = body.value;
  if (typeof query !== "string") problems.push('GraphQL body has no "query" string');
  if (variables !== undefined && !isPlainObject(variables))
    problems.push('GraphQL "variables" must be an object');
  if (graphql.operationName !== undefined && operationName !== graphql.operationName) {
    problems.push(`GraphQL operationName should be "${graphql.operationName}"`);
  }
  const sent = isPlainObject(variables) ? variables : {};
  const required = new Set(operation.parameters.filter((p) => p.required).map((p) => p.name));
  for (const [name, template] of Object.entries(graphql.variables)) {
    if (typeof template !== "string") continue;
    const whole = /^\{\{\s*(\w+)\s*\}\}$/.exec(template);
    if (whole && required.has(whole[1]!) && (sent[name] === undefined || sent[name] === null)) {
      problems.push(`GraphQL variable "${name}" (param "${whole[1]}") is required`);
    }
  }
  const readable = graphqlVariableParams(graphql.variables);
  for (const name of Object.keys(sent)) {
    if (!(name in graphql.variables) && !readable.has(name))
      problems.push(`GraphQL variable "${name}" is not declared`);
  }
  return problems;
}

/**
 * Checks a value against the subset of JSON Schema that connector specs use: type, enum, required,
 * properties, items, minimum/maximum. With `coerce`, strings from the wire stand for numbers and booleans.
 */
export function validateValue(
  schema: JsonSchema,
  value: unknown,
  where: string,
  coerce: boolean,
  document?: Readonly<Record<string, unknown>>,
  depth = 0,
): string[] {
  if (depth > 12) return [];
  if (value === null)
    return schemaAllowsNull(schema) || schemaType(schema) === undefined ? [] : [`${where} must not be null`];
  const type = schemaType(schema);
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const allowed = schema.enum.map((v) => (coerce ? String(v) : JSON.stringify(v)));
    const actual = coerce ? String(value) : JSON.stringify(value);
    if (!allowed.includes(actual)) problems.push(`${where} must be one of ${allowed.join(", ")}`);
    return problems;
  }
  switch (type) {
    case "integer":
    case "number": {
      const number = coerce && typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof number !== "number" || Number.isNaN(number)) return [`${where} must be a ${type}`];
      if (type === "integer" && !Number.isInteger(number)) return [`${where} must be an integer`];
      if (typeof schema.minimum === "number" && number < schema.minimum)
        problems.push(`${where} is below ${schema.minimum}`);
      if (typeof schema.maximum === "number" && number > schema.maximum)
        problems.push(`${where} is above ${schema.maximum}`);
      return problems;
    }
    case "boolean": {
      const ok = typeof value === "boolean" || (coerce && (value === "true" || value === "false"));
      return ok ? [] : [`${where} must be a boolean`];
    }
    case "string":
      return typeof value === "string" || (coerce && typeof value !== "object")
        ? []
        : [`${where} must be a string`];
    case "array": {
      const items = normalizeSchema(schema.items as JsonSchema | undefined, document);
      // A form body encodes arrays as `a[0]=…`, which decodes to an object keyed by index.
      const list = Array.isArray(value)
        ? value
        : coerce && isPlainObject(value)
          ? Object.values(value)
          : coerce
            ? [value]
            : undefined;
      if (list === undefined) return [`${where} must be an array (got ${jsonTypeOf(value)})`];
      list.forEach((item, i) => {
        problems.push(...validateValue(items, item, `${where}[${i}]`, coerce, document, depth + 1));
      });
      return problems;
    }
    case "object": {
      // A query string can carry an object only as text; JSON is the common encoding.
      if (coerce && typeof value === "string") {
        try {
          const parsed: unknown = JSON.parse(value);
          if (isPlainObject(parsed)) return validateValue(schema, parsed, where, coerce, document, depth + 1);
        } catch {
          // Not JSON: reported below.
        }
      }
      if (!isPlainObject(value)) return [`${where} must be an object (got ${jsonTypeOf(value)})`];
      const properties = schemaProperties(schema);
      for (const name of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
        if (value[name] === undefined) problems.push(`${where}.${name} is required`);
      }
      for (const [name, item] of Object.entries(value)) {
        const child = properties[name];
        if (child === undefined) continue;
        problems.push(
          ...validateValue(
            normalizeSchema(child, document),
            item,
            `${where}.${name}`,
            coerce,
            document,
            depth + 1,
          ),
        );
      }
      return problems;
    }
    default:
      return [];
  }
}
