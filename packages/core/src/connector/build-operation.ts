import type { Action } from "../action";
import { buildParameters, type ParameterList } from "./build-parameters";
import { buildRequestBody } from "./build-request-body";
import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { AiHints, HttpMethod, JsonSchema, OperationModel } from "./model";
import { extensionsOf, isPlainObject, withoutNulls } from "./object-utils";
import type { RefResolver } from "./ref-resolver";
import { OperationSchema, ResponseSchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** Where an operation sits in the spec. */
export interface OperationLocation {
  /** The OpenAPI path key. */
  readonly path: string;
  readonly method: HttpMethod;
  readonly pointer: string;
  /** The path item's own `parameters`, when it has any. */
  readonly pathParameters?: ParameterList;
}

/** Builds one operation; `node` is the raw operation object. */
export function buildOperation(
  context: LoadContext,
  resolver: RefResolver,
  node: unknown,
  location: OperationLocation,
): OperationModel {
  const { path, method, pointer } = location;
  const raw = withCanonicalAction(context, node, pointer);
  const operation = validateNode(context, OperationSchema, raw, pointer);
  const action = operation["x-airbyte-action"] as Action;
  const pathOverride = operation["x-airbyte-path-override"]?.path;
  const requestPath = pathOverride ?? path;
  const fileUrl = operation["x-airbyte-file-url"];
  if (fileUrl != null && action !== "download") {
    context.fail(
      `x-airbyte-file-url only applies to download operations, but this one is "${action}". Remove it or change the action.`,
      joinPointer(pointer, "x-airbyte-file-url"),
    );
  }
  if (fileUrl != null && fileUrl.trim() === "") {
    context.fail(
      "x-airbyte-file-url must not be empty: give the dot path to the file URL in the metadata response.",
      joinPointer(pointer, "x-airbyte-file-url"),
    );
  }
  if (raw.servers != null) {
    context.warn(
      "IGNORED_OPERATION_SERVERS",
      "Operation-level servers are ignored; requests go to the first root server.",
      joinPointer(pointer, "servers"),
    );
  }
  const lists: ParameterList[] = [];
  if (location.pathParameters) lists.push(location.pathParameters);
  lists.push({ items: operation.parameters ?? [], pointer: joinPointer(pointer, "parameters") });
  const parameters = buildParameters(context, resolver, lists, requestPath, pointer);
  const requestBody = buildRequestBody(context, resolver, raw.requestBody, pointer);
  const responses = operation.responses ?? {};
  const responseSchema = buildResponseSchema(context, resolver, responses, pointer);
  const aiHints = operation["x-airbyte-ai-hints"];
  return {
    entity: operation["x-airbyte-entity"],
    action,
    method,
    path,
    requestPath,
    ...(pathOverride !== undefined && { pathOverride }),
    ...(operation.operationId != null && { operationId: operation.operationId }),
    ...(operation.summary != null && { summary: operation.summary }),
    ...(operation.description != null && { description: operation.description }),
    parameters,
    ...(requestBody && { requestBody }),
    ...(responseSchema && { responseSchema }),
    responseStatuses: Object.keys(responses),
    // An empty extractor, filter or upload param means "none", as the reference's truthiness checks read it.
    ...(operation["x-airbyte-record-extractor"] && {
      recordExtractor: operation["x-airbyte-record-extractor"],
    }),
    ...(operation["x-airbyte-meta-extractor"] != null && {
      metaExtractor: operation["x-airbyte-meta-extractor"],
    }),
    ...(operation["x-airbyte-record-transform"] != null && {
      recordTransform: operation["x-airbyte-record-transform"],
    }),
    ...(operation["x-airbyte-record-filter"] && {
      recordFilter: operation["x-airbyte-record-filter"],
    }),
    ...(fileUrl != null && { fileUrl }),
    ...(operation["x-airbyte-upload-file-param"] && {
      uploadFileParam: operation["x-airbyte-upload-file-param"],
    }),
    preferredForCheck: operation["x-airbyte-preferred-for-check"] ?? false,
    untested: operation["x-airbyte-untested"] ?? false,
    ...(operation["x-airbyte-no-pagination"] != null && {
      noPagination: operation["x-airbyte-no-pagination"],
    }),
    ...(aiHints && { aiHints: withoutNulls(aiHints) as AiHints }),
    extensions: extensionsOf(node as Record<string, unknown>),
    pointer,
  };
}

/**
 * Action names newer reference versions accept for the same action: the SDK renamed `api_search` to `search`
 * (keeping `api_search` as a deprecated alias), so newer specs may say `search`. ExecKit's action stays
 * `api_search`, the name the bundled specs and the golden traffic use.
 */
const ACTION_ALIASES: Readonly<Record<string, string>> = { search: "api_search" };

function withCanonicalAction(context: LoadContext, node: unknown, pointer: string): Record<string, unknown> {
  const raw = node as Record<string, unknown>;
  const action = isPlainObject(node) ? raw["x-airbyte-action"] : undefined;
  const canonical = typeof action === "string" ? ACTION_ALIASES[action] : undefined;
  if (!canonical) return raw;
  context.warn(
    "ACTION_ALIAS",
    `x-airbyte-action "${action}" is read as "${canonical}".`,
    joinPointer(pointer, "x-airbyte-action"),
  );
  return { ...raw, "x-airbyte-action": canonical };
}

/**
 * The `application/json` schema of the `200` response, else of `201`. As in the reference, a `200` without JSON
 * content means no schema (there is no fall-through to `201`).
 */
function buildResponseSchema(
  context: LoadContext,
  resolver: RefResolver,
  responses: Record<string, unknown>,
  operationPointer: string,
): JsonSchema | undefined {
  const status = Object.hasOwn(responses, "200")
    ? "200"
    : Object.hasOwn(responses, "201")
      ? "201"
      : undefined;
  if (status === undefined) return undefined;
  const { node, pointer } = resolver.deref(
    responses[status],
    joinPointer(operationPointer, "responses", status),
  );
  const response = validateNode(context, ResponseSchema, node, pointer);
  const schema = response.content?.["application/json"]?.schema;
  if (schema == null) return undefined;
  const resolved = resolver.resolve(schema, joinPointer(pointer, "content", "application/json", "schema"));
  return isPlainObject(resolved) ? resolved : undefined;
}
