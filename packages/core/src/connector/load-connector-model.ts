import { ConnectorSpecError } from "@execkit/errors";
import { buildSecuritySchemes } from "./build-auth";
import { buildEntities } from "./build-entities";
import { buildInfo } from "./build-info";
import { buildOperation } from "./build-operation";
import { buildServers } from "./build-servers";
import { deepFreeze } from "./deep-freeze";
import { joinPointer } from "./json-pointer";
import { LoadContext } from "./load-context";
import { primeModelIndex } from "./lookup";
import type { ConnectorModel, HttpMethod, OperationModel } from "./model";
import { isPlainObject } from "./object-utils";
import { type ConnectorSource, readSpecSource } from "./read-spec-source";
import { RefResolver } from "./ref-resolver";
import { PathItemSchema, RootSchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** Options of {@link loadConnectorModel}. */
export interface LoadConnectorModelOptions {
  /**
   * Names the source in errors and in `model.file` when it is YAML text or an object. A path names itself.
   */
  readonly file?: string;
}

/** Methods that become operations, in the order the reference visits them within a path item. */
const METHODS = ["get", "post", "put", "delete", "patch"] as const;
const IGNORED_METHODS = ["options", "head", "trace"] as const;

/**
 * Loads a connector definition (an OpenAPI 3.1 document with `x-airbyte-*` extensions) into an immutable
 * {@link ConnectorModel}.
 *
 * @param source - a path or `file:` URL to a connector.yaml, the YAML text itself, or an already parsed document.
 *   A string with a line break, or that starts with `key:` or `{`, is YAML text; any other string is a path.
 * @throws ConnectorSpecError for anything wrong with the definition: unreadable file, YAML syntax (with line and
 *   column), structure, dangling `$ref`s, unknown actions, inconsistent auth config. `pointer` is the RFC 6901
 *   pointer of the offending node (of the key that should exist, when one is missing) and `file` the source file;
 *   for YAML text the detail ends with the node's line and column.
 *
 * Differs from the reference: path-item `parameters` are applied; a duplicate entity × action (the later
 * declaration wins, as there) and other ignored constructs are reported in `model.warnings`; a dangling `$ref` is
 * an error instead of leaving the schema unresolved; unknown non-`x-` keys are tolerated rather than rejected;
 * `x-airbyte-external-documentation-urls` is not required.
 *
 * @example
 * ```ts
 * const model = loadConnectorModel("specs/stripe/connector.yaml");
 * const op = getOperation(model, "customers", "list");
 * console.log(model.baseUrl, op?.method, op?.requestPath); // https://api.stripe.com GET /v1/customers
 * ```
 */
export function loadConnectorModel(
  source: ConnectorSource,
  options: LoadConnectorModelOptions = {},
): ConnectorModel {
  const file = typeof options?.file === "string" ? options.file : undefined;
  if (typeof source !== "string" && !(source instanceof URL) && !isPlainObject(source)) {
    throw new ConnectorSpecError(
      `A connector definition must be a path, YAML text or a parsed object; got ${source === null ? "null" : Array.isArray(source) ? "an array" : typeof source}.`,
      { file, pointer: "" },
    );
  }
  const spec = readSpecSource(source, file);
  const context = new LoadContext(spec.file, spec.locate);
  context.warnings.push(...spec.warnings);
  try {
    const model = deepFreeze(buildModel(context, spec.document));
    primeModelIndex(model);
    return model;
  } catch (error) {
    if (ConnectorSpecError.isInstance(error)) throw error;
    // Every known problem is reported above with its pointer; reaching this is a loader bug, but the caller
    // still gets the one error type the loader promises.
    throw new ConnectorSpecError(
      `The loader failed unexpectedly (${(error as Error)?.message ?? String(error)}). Please report this with the spec.`,
      { file: spec.file, pointer: "" },
      { cause: error },
    );
  }
}

function buildModel(context: LoadContext, document: unknown): ConnectorModel {
  const root = validateNode(context, RootSchema, document, "");
  const resolver = new RefResolver(document, context);
  const info = buildInfo(context, root.info);
  const servers = buildServers(context, root.servers);
  const securitySchemes = buildSecuritySchemes(
    context,
    resolver,
    root.components?.securitySchemes,
    servers.allVariableNames,
  );
  const operations = buildOperations(context, resolver, root.paths);
  const { entities, operations: kept } = buildEntities(
    context,
    resolver,
    operations,
    root.components?.schemas ?? {},
    info.relationships,
  );
  return {
    name: info.name,
    id: info.id,
    title: info.title,
    version: info.version,
    ...(info.description !== undefined && { description: info.description }),
    ...(context.file !== undefined && { file: context.file }),
    baseUrl: servers.baseUrl,
    serverVariables: servers.serverVariables,
    serverVariableDefaults: servers.serverVariableDefaults,
    securitySchemes,
    multiAuth: securitySchemes.length > 1,
    entities,
    operations: kept,
    ...(info.retryConfig && { retryConfig: info.retryConfig }),
    scoping: info.scoping,
    ...(info.responseErrorCheck && { responseErrorCheck: info.responseErrorCheck }),
    relationships: info.relationships,
    ...(info.replicationConfigConstants && { replicationConfigConstants: info.replicationConfigConstants }),
    infoExtensions: info.infoExtensions,
    warnings: context.warnings,
    document: document as Record<string, unknown>,
  };
}

function buildOperations(
  context: LoadContext,
  resolver: RefResolver,
  paths: Record<string, unknown>,
): OperationModel[] {
  const operations: OperationModel[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const itemPointer = joinPointer("/paths", path);
    if (!path.startsWith("/"))
      context.fail(`Path keys must start with "/"; got ${JSON.stringify(path)}.`, itemPointer);
    const { node, pointer } = resolver.deref(rawItem, itemPointer);
    const item = validateNode(context, PathItemSchema, node, pointer);
    const pathParameters = item.parameters?.length
      ? { items: item.parameters, pointer: joinPointer(pointer, "parameters") }
      : undefined;
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined || operation === null) continue;
      const location = {
        path,
        method: method.toUpperCase() as HttpMethod,
        pointer: joinPointer(pointer, method),
        ...(pathParameters && { pathParameters }),
      };
      operations.push(buildOperation(context, resolver, operation, location));
    }
    for (const method of IGNORED_METHODS) {
      if (item[method] != null) {
        context.warn(
          "IGNORED_METHOD",
          `${method.toUpperCase()} operations are not supported and are ignored.`,
          joinPointer(pointer, method),
        );
      }
    }
  }
  return operations;
}
