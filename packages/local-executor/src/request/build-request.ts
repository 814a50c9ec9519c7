import type { OperationModel, ParameterModel } from "@execkit/core";
import { InvalidParameterError, type Redactor } from "@execkit/errors";
import { encodeFormPairs, flattenFormFields, quotePathSegment, scalarToString } from "./encode";
import { buildGraphqlBody } from "./graphql-body";
import { buildMultipartFormData, buildMultipartRelated, newBoundary } from "./multipart";

/** An HTTP request built from an operation and its params, before the base URL and auth are applied. */
export interface BuiltRequest {
  method: string;
  /** A path relative to the base URL (or an absolute URL, for next-page links and file URLs). */
  path: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Options of {@link buildRequest}. */
export interface BuildRequestOptions {
  configValues: Readonly<Record<string, string>>;
  redactor: Redactor;
  /** Downloads send no declared header params and (one-step) no body, as in the reference. */
  download?: boolean;
  /** Fixed multipart boundary (tests and golden replay); a random one otherwise. */
  boundary?: string;
}

const queryParameterCache = new WeakMap<OperationModel, Map<string, ParameterModel>>();

/** The operation's `in: query` params by name (cached: models are immutable). */
function queryParameters(operation: OperationModel): Map<string, ParameterModel> {
  let map = queryParameterCache.get(operation);
  if (!map) {
    map = new Map(operation.parameters.filter((p) => p.in === "query").map((p) => [p.name, p]));
    queryParameterCache.set(operation, map);
  }
  return map;
}

/** Fills `{name}` placeholders with params, each percent-encoded as one path segment. */
export function buildPath(template: string, params: Readonly<Record<string, unknown>>): string {
  if (!template.includes("{")) return template;
  // `[^{}/]+` rather than the reference's `\w+`: OpenAPI allows `{project-id}` and `{issue.key}` too.
  return template.replace(/\{([^{}/]+)\}/g, (_match, name: string) =>
    quotePathSegment(scalarToString(params[name])),
  );
}

/**
 * The query pairs of an operation: caller values of declared `in: query` params in the caller's order (arrays as
 * repeated keys, `deepObject` objects as `name[key]=value`), then config-injected values for declared params the
 * caller left out. Defaults of optional params are not sent (the reference's behaviour, kept for wire
 * compatibility).
 *
 * Differs from the reference: `null` and `undefined` values are omitted instead of being sent as `name=`
 * (§10 item 7); and a *required* param the caller left out is sent with its schema default (the reference sent
 * no query default at all, so linkedin-ads' required `q=search` had to be passed by hand and its `check()`
 * failed).
 */
export function buildQuery(
  operation: OperationModel,
  params: Readonly<Record<string, unknown>>,
  configValues: Readonly<Record<string, string>>,
): Array<[string, string]> {
  const declared = queryParameters(operation);
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(params)) {
    const parameter = declared.get(name);
    if (!parameter || value === undefined || value === null) continue;
    if (parameter.style === "deepObject" && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner !== null && inner !== undefined) pairs.push([`${name}[${key}]`, scalarToString(inner)]);
      }
    } else if (Array.isArray(value)) {
      for (const item of value)
        if (item !== null && item !== undefined) pairs.push([name, scalarToString(item)]);
    } else {
      pairs.push([name, scalarToString(value)]);
    }
  }
  for (const parameter of declared.values()) {
    if (params[parameter.name] !== undefined && params[parameter.name] !== null) continue;
    if (
      parameter.required &&
      parameter.default !== undefined &&
      parameter.default !== null &&
      !parameter.configInject
    ) {
      pairs.push([parameter.name, scalarToString(parameter.default)]);
      continue;
    }
    if (!parameter.configInject) continue;
    const raw = configValues[parameter.configInject.source];
    if (raw === undefined) continue;
    const { map } = parameter.configInject;
    const value = map ? (map[raw] ?? map[raw.toUpperCase()]) : raw;
    if (value !== undefined) pairs.push([parameter.name, value]);
  }
  return pairs;
}

/** Declared header params: the caller's value, else the schema default. */
export function buildHeaderParams(
  operation: OperationModel,
  params: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    if (parameter.in !== "header") continue;
    const value = params[parameter.name] ?? parameter.default;
    if (value !== undefined && value !== null) headers[parameter.name] = scalarToString(value);
  }
  return headers;
}

/** The body fields of a REST operation: top-level defaults overlaid with the caller's non-null values. */
export function collectBodyFields(
  operation: OperationModel,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const body = operation.requestBody;
  if (!body) return undefined;
  const fields: Record<string, unknown> = { ...body.defaults };
  for (const field of body.fields) {
    const value = params[field];
    if (value !== undefined && value !== null) fields[field] = value;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/**
 * Builds the request of an operation: path, query, header params and body in the operation's content type
 * (JSON, GraphQL, form-urlencoded with bracket keys, `multipart/related` upload or `multipart/form-data`).
 *
 * Differs from the reference: GraphQL operations keep their params in the body only; the reference also copied
 * their `in: query` params into the URL (§10 item 8).
 */
export function buildRequest(
  operation: OperationModel,
  params: Readonly<Record<string, unknown>>,
  options: BuildRequestOptions,
): BuiltRequest {
  const graphql = operation.requestBody?.graphql;
  const request: BuiltRequest = {
    method: operation.method,
    path: buildPath(operation.requestPath, params),
    query: graphql ? [] : buildQuery(operation, params, options.configValues),
    headers: options.download ? {} : buildHeaderParams(operation, params),
  };
  if (options.download) return request;
  if (graphql) {
    request.body = JSON.stringify(buildGraphqlBody(operation, graphql, params));
    setContentType(request, "application/json", false);
    return request;
  }
  const fields = collectBodyFields(operation, params);
  if (!fields) return request;
  const contentType = operation.requestBody!.contentType.toLowerCase();
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    request.body = encodeFormPairs(flattenFormFields(fields));
    setContentType(request, "application/x-www-form-urlencoded", false);
  } else if (contentType.startsWith("multipart/form-data")) {
    const boundary = options.boundary ?? newBoundary();
    request.body = buildMultipartFormData(fields, boundary);
    setContentType(request, `multipart/form-data; boundary=${boundary}`, true);
  } else if (contentType.startsWith("multipart/related")) {
    const uploadParam = operation.uploadFileParam ?? "file_content";
    const { [uploadParam]: content, file_mime_type: mimeType, ...metadata } = fields;
    if (content === undefined || content === null || content === "") {
      request.body = JSON.stringify(metadata);
      setContentType(request, "application/json", true);
      return request;
    }
    const bytes = decodeBase64(uploadParam, content, options.redactor);
    const boundary = options.boundary ?? newBoundary();
    request.body = buildMultipartRelated(
      metadata,
      bytes,
      typeof mimeType === "string" ? mimeType : "application/octet-stream",
      boundary,
    );
    setContentType(request, `multipart/related; boundary=${boundary}`, true);
  } else {
    request.body = JSON.stringify(fields);
    setContentType(request, operation.requestBody!.contentType || "application/json", false);
  }
  return request;
}

/**
 * Sets the body's content type. A caller-given `Content-Type` header param wins, except for multipart bodies
 * (`force`), whose boundary must match the body.
 */
function setContentType(request: BuiltRequest, type: string, force: boolean): void {
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() !== "content-type") continue;
    if (!force) return;
    delete request.headers[name];
  }
  request.headers["Content-Type"] = type;
}

function decodeBase64(name: string, value: unknown, redactor: Redactor): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const text = typeof value === "string" ? value.replace(/\s+/g, "") : "";
  if (typeof value !== "string" || text.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    throw new InvalidParameterError(
      `Parameter '${name}' must be the file's bytes as base64 text (or a Uint8Array).`,
      {
        parameter: name,
        rule: "contentEncoding",
        redactor,
      },
    );
  }
  return Buffer.from(text, "base64");
}
