import type { JsonSchema, OperationModel } from "@execkit/core";
import { InvalidParameterError, MissingParameterError, type Redactor } from "@execkit/errors";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, logger: false });
const validators = new WeakMap<object, ValidateFunction | null>();

function validatorFor(schema: JsonSchema): ValidateFunction | null {
  let validator = validators.get(schema);
  if (validator === undefined) {
    try {
      validator = ajv.compile(stripIds(schema) as object);
    } catch {
      // A schema ajv cannot compile (cyclic after $ref resolution, contradictory keywords) is not the caller's
      // fault; the API will judge the value instead.
      validator = null;
    }
    validators.set(schema, validator);
  }
  return validator;
}

/** `$id`s repeated across a spec's resolved schemas would clash in ajv's registry; they carry no rule. */
function stripIds(schema: unknown, depth = 0): unknown {
  if (depth > 64 || schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map((item) => stripIds(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$id" || key === "$schema" || key === "example" || key === "examples") continue;
    out[key] = stripIds(value, depth + 1);
  }
  return out;
}

/** Where the executor itself supplies a value, so a required parameter need not come from the caller. */
export interface SuppliedElsewhere {
  /** Lower-case header names set by the auth scheme (`additional_headers`, the auth header). */
  authHeaders: ReadonlySet<string>;
}

const placeholderCache = new Map<string, string[]>();

/** The `{name}` placeholders of a path template (cached per template). */
export function pathPlaceholders(path: string): string[] {
  let names = placeholderCache.get(path);
  if (!names) {
    names = [...path.matchAll(/\{([^{}/]+)\}/g)].map((match) => match[1]!);
    placeholderCache.set(path, names);
  }
  return names;
}

/**
 * Checks the parameters of an operation before anything is sent: every required one is present (all missing
 * ones are named at once), path parameters are not blank, and each given value obeys its schema (type, enum,
 * bounds, pattern, array items), so a bad value fails here with the rule it broke rather than as an API error.
 *
 * Differs from the reference: enum and array-shape violations are returned as {@link InvalidParameterError}
 * (the reference raised a `ConnectorValidationError` with status 400 although nothing was sent), and every
 * schema rule is checked, not only `enum`.
 */
export function validateParams(
  operation: OperationModel,
  params: Readonly<Record<string, unknown>>,
  supplied: SuppliedElsewhere,
  redactor: Redactor,
): void {
  const missing: string[] = [];
  const path = operation.requestPath;
  for (const name of pathPlaceholders(path)) {
    const value = params[name];
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    if (value === null || (typeof value === "string" && value.trim() === "")) {
      throw new InvalidParameterError(
        `Path parameter '${name}' of ${operation.entity}.${operation.action} must be a non-empty value; got ${value === null ? "null" : "a blank string"}.`,
        { parameter: name, rule: "non-empty", redactor },
      );
    }
  }
  const placeholders = pathPlaceholders(path);
  for (const parameter of operation.parameters) {
    if (parameter.in === "path" && placeholders.includes(parameter.name)) continue;
    if (!parameter.required || params[parameter.name] !== undefined) continue;
    if (parameter.in === "path") {
      // A declared path parameter the (overridden) path does not use is not needed.
      continue;
    }
    if (
      parameter.in === "header" &&
      (parameter.default !== undefined || supplied.authHeaders.has(parameter.name.toLowerCase()))
    )
      continue;
    if (parameter.in === "query" && (parameter.configInject !== undefined || parameter.default !== undefined))
      continue;
    missing.push(parameter.name);
  }
  const body = operation.requestBody;
  if (body && !body.graphql && (operation.action === "create" || operation.action === "update")) {
    for (const field of body.requiredFields) {
      if (params[field] === undefined && body.defaults[field] === undefined) missing.push(field);
    }
  }
  if (missing.length > 0) {
    const unique = [...new Set(missing)];
    throw new MissingParameterError(
      `Missing required parameter${unique.length > 1 ? "s" : ""} for ${operation.entity}.${operation.action}: ${unique.join(", ")}.`,
      { parameters: unique, redactor },
    );
  }

  for (const parameter of operation.parameters) {
    const value = params[parameter.name];
    if (value === undefined || value === null) continue;
    if (parameter.in === "path" && typeof value !== "object") continue;
    checkValue(operation, parameter.name, parameter.schema, value, redactor);
  }
  const properties = body?.schema?.properties as Record<string, JsonSchema> | undefined;
  if (properties && !body?.graphql) {
    for (const field of body!.fields) {
      const value = params[field];
      const schema = properties[field];
      if (value === undefined || value === null || !schema || typeof schema !== "object") continue;
      if (field === operation.uploadFileParam || isBinary(value)) continue;
      checkValue(operation, field, schema, value, redactor);
    }
  }
}

/** File contents (`Uint8Array`, or `{ data: Uint8Array }`) stand for `format: binary` strings. */
function isBinary(value: unknown): boolean {
  return (
    value instanceof Uint8Array ||
    (typeof value === "object" && value !== null && (value as { data?: unknown }).data instanceof Uint8Array)
  );
}

function checkValue(
  operation: OperationModel,
  name: string,
  schema: JsonSchema,
  value: unknown,
  redactor: Redactor,
): void {
  const validator = validatorFor(schema);
  if (!validator || validator(value)) return;
  const error = validator.errors?.[0];
  if (!error) return;
  throw new InvalidParameterError(
    `Invalid value for parameter '${name}' of ${operation.entity}.${operation.action}: ${describe(name, error)}; got ${preview(value)}.`,
    { parameter: name, rule: error.keyword, redactor },
  );
}

function describe(name: string, error: ErrorObject): string {
  const where = error.instancePath ? `${name}${error.instancePath.replaceAll("/", ".")}` : name;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "enum":
      return `${where} must be one of ${JSON.stringify(params.allowedValues)} (rule: enum)`;
    case "type":
      return `${where} must be of type ${String(params.type)} (rule: type)`;
    default:
      return `${where} ${error.message ?? "is invalid"} (rule: ${error.keyword})`;
  }
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
