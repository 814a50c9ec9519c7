import { type RetryConfig, RetryConfigSchema } from "../retry-config";
import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { EntityRelationship, ResponseErrorCheck, ScopingRule } from "./model";
import { extensionsOf, isPlainObject } from "./object-utils";
import { InfoSchema, RETRY_CONFIG_KEYS } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** What `info` contributes to the model. */
export interface InfoModel {
  readonly name: string;
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly retryConfig?: RetryConfig;
  readonly scoping: ScopingRule[];
  readonly responseErrorCheck?: ResponseErrorCheck;
  readonly relationships: EntityRelationship[];
  readonly replicationConfigConstants?: Readonly<Record<string, unknown>>;
  readonly infoExtensions: Record<string, unknown>;
}

/** Reads `info` and its runtime extensions (retry, scoping, response error check, relationships). */
export function buildInfo(context: LoadContext, node: Record<string, unknown>): InfoModel {
  const info = validateNode(context, InfoSchema, node, "/info");
  const retryConfig = buildRetryConfig(context, info["x-airbyte-retry-config"]);
  const errorCheck = info["x-airbyte-response-error-check"];
  const constants = info["x-airbyte-replication-config"]?.replication_config_constants;
  return {
    name: info["x-airbyte-connector-name"] || info.title.toLowerCase().replaceAll(" ", "-"),
    id: canonicalUuid(info["x-airbyte-connector-definition-id"]),
    title: info.title,
    version: info.version,
    ...(info.description != null && { description: info.description }),
    ...(retryConfig && { retryConfig }),
    scoping: (info["x-airbyte-scoping"] ?? []).map((rule) => ({
      param: rule.param,
      configKey: rule.config_key ?? rule.param,
    })),
    ...(errorCheck && {
      responseErrorCheck: {
        field: errorCheck.field,
        onValue: errorCheck.on_value,
        ...(errorCheck.message_field != null && { messageField: errorCheck.message_field }),
      },
    }),
    relationships: (info["x-airbyte-entity-relationships"] ?? []).map((rel) => ({
      sourceEntity: rel.source_entity,
      targetEntity: rel.target_entity,
      foreignKey: rel.foreign_key,
      targetKey: rel.target_key ?? "id",
      ...(rel.cardinality != null && { cardinality: rel.cardinality }),
      ...(rel.description != null && { description: rel.description }),
      ...(rel.parent_record_filter != null && { parentRecordFilter: rel.parent_record_filter }),
    })),
    ...(constants && { replicationConfigConstants: constants }),
    infoExtensions: extensionsOf(node),
  };
}

/** Lower-case 8-4-4-4-12, whatever form (braces, `urn:uuid:`, no hyphens) the spec used. */
function canonicalUuid(value: string): string {
  const hex = value
    .replace(/^urn:uuid:/i, "")
    .replace(/[{}-]/g, "")
    .toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const RETRY_POINTER = "/info/x-airbyte-retry-config";
const CAMEL_TO_SNAKE = Object.fromEntries(
  Object.entries(RETRY_CONFIG_KEYS).map(([snake, camel]) => [camel, snake]),
);

/**
 * Maps the spec's snake_case retry settings onto `RetryConfig` and fills the defaults. `RetryConfigSchema` stays
 * the one source of the rules; its issues are translated back to the snake_case key that caused them.
 */
function buildRetryConfig(
  context: LoadContext,
  raw: Record<string, unknown> | null | undefined,
): RetryConfig | undefined {
  if (raw == null) return undefined;
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = RETRY_CONFIG_KEYS[key];
    if (!field) {
      context.fail(
        `Unknown retry setting "${key}". Known settings: ${Object.keys(RETRY_CONFIG_KEYS).join(", ")}.`,
        joinPointer(RETRY_POINTER, key),
      );
    }
    if (value !== null) input[field] = value;
  }
  const result = RetryConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? "");
  const key = CAMEL_TO_SNAKE[field] ?? field;
  const value = isPlainObject(raw) ? raw[key] : undefined;
  context.fail(
    `Invalid retry setting "${key}" (${JSON.stringify(value)}): ${issue.message}.`,
    joinPointer(RETRY_POINTER, key, ...issue.path.slice(1).map(String)),
  );
}
