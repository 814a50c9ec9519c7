import { isDeepStrictEqual } from "node:util";
import type { ConnectorModel, ExecutionResult, ExecutorProtocol, OperationModel } from "@execkit/core";
import { isDownloadResult } from "@execkit/core";
import { extractExpected } from "./expected-result";
import { generateParams } from "./generate-params";
import { isPlainObject } from "./json-path";
import type { MockApi, RecordedRequest } from "./mock-api";

/** Options of {@link checkOperationConformance}. */
export interface ConformanceCheckOptions {
  readonly executor: ExecutorProtocol;
  readonly mock: MockApi;
  readonly model: ConnectorModel;
  readonly operation: OperationModel;
  /** The security scheme the executor was built with; its credentials must be on the API request. */
  readonly scheme: string;
  /** Default: {@link generateParams}. */
  readonly params?: Record<string, unknown>;
  /**
   * The base URL the executor sends to, read after the call (a token refresh may change it, as salesforce's
   * `instance_url` does). Without it only the path's tail is checked.
   */
  readonly baseUrl?: () => string;
  /**
   * Computes `data` for operations with a record transform or filter (Jinja the mock does not evaluate), from
   * the extractor's output. Without it those operations are only checked for shape.
   */
  readonly templatedData?: (operation: OperationModel, extracted: unknown) => unknown;
}

/** What one operation run showed. */
export interface ConformanceOutcome {
  readonly entity: string;
  readonly action: string;
  /** Every way the run differed from what the spec says; empty when it conforms. */
  readonly problems: string[];
  readonly result?: ExecutionResult;
}

/**
 * Runs one operation through an executor against the mock and checks the whole round trip: the request went
 * to the operation (method, path with params encoded, query, headers, body or GraphQL variables), carried the
 * scheme's credentials, passed the mock's validation, and the result's `data` and `meta` are what the spec's
 * extractors select from the response that was served (downloads: the exact bytes).
 *
 * Differs from the reference on purpose, as the port's issue asks: GraphQL operations must not repeat their
 * params in the URL (§10 item 8) and `null` query values must be omitted (item 7).
 *
 * @example
 * ```ts
 * const outcome = await checkOperationConformance({ executor, mock, model, operation, scheme: "bearerAuth" });
 * expect(outcome.problems).toEqual([]);
 * ```
 */
export async function checkOperationConformance(
  options: ConformanceCheckOptions,
): Promise<ConformanceOutcome> {
  const { executor, mock, model, operation } = options;
  const params = options.params ?? generateParams(operation, model);
  const problems: string[] = [];
  const label = { entity: operation.entity, action: operation.action };
  mock.reset();
  mock.preferOperation(operation.entity, operation.action);
  let result: ExecutionResult;
  try {
    result = await executor.execute({ entity: operation.entity, action: operation.action, params });
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...label, problems: [`threw ${detail}`, ...serverProblems(mock.requests)] };
  }
  if (!result.success) return { ...label, problems: [`success:false: ${result.error}`], result };

  let downloaded: Buffer | undefined;
  if (isDownloadResult(result)) {
    const chunks: Buffer[] = [];
    for await (const chunk of result.data) chunks.push(Buffer.from(chunk));
    downloaded = Buffer.concat(chunks);
  }

  const api = mock.requests.filter((r) => r.kind === "api");
  problems.push(...serverProblems(mock.requests));
  const first = api[0];
  if (first === undefined)
    return { ...label, problems: [...problems, "no API request reached the mock"], result };
  if (first.entity !== operation.entity || first.action !== operation.action) {
    problems.push(`the request was routed to ${first.entity}.${first.action}, not to this operation`);
  }
  if (first.method !== operation.method)
    problems.push(`method ${first.method}, expected ${operation.method}`);
  if (first.authScheme !== options.scheme)
    problems.push(`auth matched ${first.authScheme ?? "no scheme"}, expected ${options.scheme}`);
  problems.push(...checkPath(first, operation, params, options.baseUrl?.()));
  problems.push(...checkQuery(first, operation, params, model));
  problems.push(...checkHeaders(first, operation, params, authHeaderNames(model, options.scheme)));
  problems.push(...checkBody(first, operation, params));

  if (operation.action === "download") {
    const expected = mock.downloadBytes(operation.entity, operation.action);
    if (downloaded === undefined) problems.push("a download returned no byte stream");
    else if (!downloaded.equals(expected))
      problems.push(`downloaded ${downloaded.length} bytes that differ from the ${expected.length} served`);
    if (operation.fileUrl !== undefined) {
      const file = mock.requests.find((r) => r.kind === "file");
      if (file === undefined) problems.push("the two-step download never fetched the file URL");
    }
    return { ...label, problems, result };
  }

  const served = [...api].reverse().find((r) => r.operation === operation && r.response !== undefined);
  if (served?.response === undefined)
    return { ...label, problems: [...problems, "no response was served"], result };
  const expected = extractExpected(operation, served.response.json, served.response.headers);
  const expectedData = expected.templated
    ? options.templatedData === undefined
      ? undefined
      : options.templatedData(operation, expected.extracted)
    : expected.data;
  if (expected.templated && expectedData === undefined) {
    const listLike = operation.action === "list" || operation.action === "api_search";
    if (listLike && !Array.isArray(result.data)) problems.push("a templated list did not return a list");
  } else if (!isDeepStrictEqual(normalize(result.data), normalize(expectedData))) {
    problems.push(`data ${preview(result.data)} differs from the extractor's ${preview(expectedData)}`);
  }
  if (!isDeepStrictEqual(normalize(result.meta ?? null), normalize(expected.meta))) {
    problems.push(`meta ${preview(result.meta)} differs from the extractor's ${preview(expected.meta)}`);
  }
  return { ...label, problems, result };
}

function serverProblems(requests: readonly RecordedRequest[]): string[] {
  return requests.flatMap((r) => r.problems.map((p) => `mock refused ${r.kind} ${r.method} ${r.path}: ${p}`));
}

function checkPath(
  request: RecordedRequest,
  operation: OperationModel,
  params: Record<string, unknown>,
  baseUrl?: string,
): string[] {
  const template = operation.requestPath.split("?")[0]!;
  const path = template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : encodeURIComponent(String(params[name])),
  );
  const actual = safeDecode(request.origin + request.path);
  if (baseUrl !== undefined) {
    const expected = safeDecode(baseUrl.replace(/\/+$/, "") + path);
    return actual === expected ? [] : [`URL ${actual} is not ${expected}`];
  }
  return actual.endsWith(safeDecode(path)) ? [] : [`path ${request.path} does not end with ${path}`];
}

function checkQuery(
  request: RecordedRequest,
  operation: OperationModel,
  params: Record<string, unknown>,
  model: ConnectorModel,
): string[] {
  const problems: string[] = [];
  const declared = operation.parameters.filter((p) => p.in === "query");
  const authKeys = new Set(model.securitySchemes.filter((s) => s.in === "query").map((s) => s.parameterName));
  const injected = new Set(declared.filter((p) => p.configInject !== undefined).map((p) => p.name));
  const actual = [...request.query.entries()].filter(
    ([key]) => !authKeys.has(key) && !injected.has(key.split("[")[0]!),
  );
  if (operation.requestBody?.graphql !== undefined) {
    if (actual.length > 0)
      problems.push(`GraphQL operation sent query params ${actual.map(([k]) => k).join(", ")}`);
    return problems;
  }
  const expected: [string, string][] = [];
  for (const param of declared) {
    const value = params[param.name];
    if (value === undefined || value === null || injected.has(param.name)) continue;
    if (param.style === "deepObject" && isPlainObject(value)) {
      for (const [key, item] of Object.entries(value))
        if (item !== null && item !== undefined) expected.push([`${param.name}[${key}]`, wire(item)]);
    } else if (Array.isArray(value)) {
      for (const item of value) expected.push([param.name, wire(item)]);
    } else {
      expected.push([param.name, wire(value)]);
    }
  }
  const key = (pairs: [string, string][]) => pairs.map(([k, v]) => `${k}=${v}`).sort();
  const actualKeys = key(actual);
  const expectedKeys = key(expected);
  if (!isDeepStrictEqual(actualKeys, expectedKeys))
    problems.push(`query [${actualKeys.join("&")}] is not [${expectedKeys.join("&")}]`);
  return problems;
}

/** Headers the scheme's auth sets; they override same-named header params, as in the reference. */
function authHeaderNames(model: ConnectorModel, schemeName: string): Set<string> {
  const scheme = model.securitySchemes.find((s) => s.name === schemeName);
  const names = new Set<string>(["authorization"]);
  if (scheme?.authType === "api_key" && (scheme.in ?? "header") === "header")
    names.add((scheme.parameterName ?? "authorization").toLowerCase());
  for (const header of Object.keys(scheme?.authConfig?.additionalHeaders ?? {}))
    names.add(header.toLowerCase());
  return names;
}

function checkHeaders(
  request: RecordedRequest,
  operation: OperationModel,
  params: Record<string, unknown>,
  authHeaders: ReadonlySet<string>,
): string[] {
  if (operation.action === "download") return [];
  const problems: string[] = [];
  for (const param of operation.parameters) {
    if (param.in !== "header" || authHeaders.has(param.name.toLowerCase())) continue;
    const value = params[param.name] ?? param.default;
    if (value === undefined || value === null) continue;
    const actual = request.headers[param.name.toLowerCase()];
    if (actual !== wire(value))
      problems.push(
        `header ${param.name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(wire(value))}`,
      );
  }
  return problems;
}

function checkBody(
  request: RecordedRequest,
  operation: OperationModel,
  params: Record<string, unknown>,
): string[] {
  const body = operation.requestBody;
  if (body === undefined) return [];
  const parsed = request.parsedBody;
  const problems: string[] = [];
  if (body.graphql !== undefined) {
    if (parsed.kind !== "json" || !isPlainObject(parsed.value)) return ["GraphQL body is not JSON"];
    const variables = isPlainObject(parsed.value.variables) ? parsed.value.variables : {};
    for (const [name, template] of Object.entries(body.graphql.variables)) {
      const whole = typeof template === "string" ? /^\{\{\s*(\w+)\s*\}\}$/.exec(template) : null;
      if (!whole) continue;
      const value = params[whole[1]!];
      if (value === undefined || value === null) continue;
      if (!isDeepStrictEqual(variables[name], value))
        problems.push(`GraphQL variable ${name} is ${preview(variables[name])}, expected ${preview(value)}`);
    }
    return problems;
  }
  if (operation.uploadFileParam !== undefined && typeof params[operation.uploadFileParam] === "string") {
    const bytes = Buffer.from(params[operation.uploadFileParam] as string, "base64");
    if (parsed.kind !== "multipart") return [`upload body is ${parsed.kind}, expected multipart`];
    if (!parsed.bytes.includes(bytes)) problems.push("the multipart upload does not carry the file's bytes");
    return problems;
  }
  const sentFields = body.fields.filter((field) => params[field] !== undefined && params[field] !== null);
  const defaults = Object.keys(body.defaults).filter((field) => params[field] === undefined);
  if (sentFields.length === 0 && defaults.length === 0) return [];
  if (parsed.kind !== "json" && parsed.kind !== "form")
    return [`body is ${parsed.kind}, expected ${body.contentType}`];
  const value = isPlainObject(parsed.value) ? parsed.value : {};
  const form = parsed.kind === "form";
  for (const field of sentFields) {
    if (!sameValue(value[field], params[field], form))
      problems.push(`body.${field} is ${preview(value[field])}, expected ${preview(params[field])}`);
  }
  for (const field of defaults) {
    if (!sameValue(value[field], body.defaults[field], form))
      problems.push(
        `body.${field} is ${preview(value[field])}, expected the default ${preview(body.defaults[field])}`,
      );
  }
  return problems;
}

/** Form bodies carry only strings (and nest by brackets), so values compare by their wire form there. */
function sameValue(actual: unknown, expected: unknown, form: boolean): boolean {
  if (!form) return isDeepStrictEqual(actual, expected);
  if (Array.isArray(expected)) {
    const list = Array.isArray(actual) ? actual : isPlainObject(actual) ? Object.values(actual) : [actual];
    return list.length === expected.length && expected.every((item, i) => sameValue(list[i], item, true));
  }
  if (isPlainObject(expected)) {
    return (
      isPlainObject(actual) &&
      Object.entries(expected).every(([k, v]) => v === null || sameValue(actual[k], v, true))
    );
  }
  return actual === wire(expected);
}

function wire(value: unknown): string {
  return typeof value === "string"
    ? value
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
}

function normalize(value: unknown): unknown {
  return value === undefined ? null : value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
