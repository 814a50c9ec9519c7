import {
  type CheckData,
  type ConnectorModel,
  type EntityRelationship,
  type ExecutionResult,
  findCheckOperation,
  type OperationModel,
} from "@execkit/core";
import { pathPlaceholders } from "./request/validate-params";
import { renderLenient } from "./template";

/** Runs one operation for a probe; resolves with its outcome or rejects. */
export type ProbeRunner = (
  operation: OperationModel,
  params: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<unknown>;

/** One entity's probe result; key names are the reference's. */
export interface EntityCheckResult {
  entity: string;
  status: "healthy" | "unhealthy" | "skipped" | "failed";
  error: string | null;
  /** The HTTP status of the failure, when it was one. */
  status_code: number | null;
  checked_action: string | null;
}

/** The `data` of `checkEntities()`. */
export interface CheckEntitiesData {
  status: "healthy" | "unhealthy";
  entity_results: EntityCheckResult[];
  [key: string]: unknown;
}

/**
 * `check()`: runs the operation core's `findCheckOperation()` picks (preferred-for-check, else the first list
 * without required params). Never throws; the outcome is in `data.status`.
 *
 * Differs from the reference: scoping defaults are merged (by the runner), so github's check can use its
 * configured `username`; the reference skipped them here only.
 */
export async function runCheck(
  model: ConnectorModel,
  run: ProbeRunner,
  signal?: AbortSignal,
): Promise<ExecutionResult<CheckData>> {
  const found = findCheckOperation(model);
  if (!found) {
    return {
      success: true,
      data: { status: "skipped", error: "No operation available for health check" },
      error: null,
      meta: null,
    };
  }
  const { operation } = found;
  const checked = { checked_entity: operation.entity, checked_action: operation.action };
  try {
    await run(operation, { ...found.params }, signal);
    return { success: true, data: { status: "healthy", ...checked }, error: null, meta: null };
  } catch (error) {
    const message = errorMessage(error);
    return {
      success: false,
      data: { status: "unhealthy", error: message, ...checked },
      error: message,
      meta: null,
    };
  }
}

class ProbeError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
  }
}

const MAX_PARENT_DEPTH = 5;

/**
 * `checkEntities()`: probes each entity's list (else get) operation concurrently. Path params (and required
 * query params) are resolved from scoping, then a config value of the same name, then a relationship whose
 * parent is listed to borrow an id (up to 5 levels, cached per call). Never throws.
 */
export async function runCheckEntities(
  model: ConnectorModel,
  configValues: Readonly<Record<string, string>>,
  entities: readonly string[],
  run: ProbeRunner,
  signal?: AbortSignal,
): Promise<ExecutionResult<CheckEntitiesData>> {
  const cache = new Map<string, Promise<unknown>>();
  const byName = new Map(model.entities.map((entity) => [entity.name, entity]));

  const listOrGet = (name: string) => {
    const entity = byName.get(name);
    if (!entity) return undefined;
    return (
      entity.operations.find((o) => o.action === "list") ?? entity.operations.find((o) => o.action === "get")
    );
  };

  const resolveParams = async (operation: OperationModel, params: Record<string, unknown>, depth: number) => {
    const needed = new Set(pathPlaceholders(operation.requestPath));
    for (const p of operation.parameters) {
      if (p.in === "query" && p.required && p.default === undefined && p.configInject === undefined)
        needed.add(p.name);
    }
    for (const relationship of model.relationships)
      if (relationship.sourceEntity === operation.entity) needed.add(relationship.foreignKey);
    const declared = new Set([
      ...pathPlaceholders(operation.requestPath),
      ...operation.parameters.map((p) => p.name),
    ]);
    for (const name of needed) {
      if (params[name] !== undefined || !declared.has(name)) continue;
      const scoping = model.scoping.find((rule) => rule.param === name);
      if (scoping && configValues[scoping.configKey] !== undefined) {
        params[name] = configValues[scoping.configKey];
        continue;
      }
      if (configValues[name] !== undefined) {
        params[name] = configValues[name];
        continue;
      }
      const relationship =
        model.relationships.find((r) => r.sourceEntity === operation.entity && r.foreignKey === name) ??
        model.relationships.find((r) => r.foreignKey === name);
      if (!relationship)
        throw new ProbeError(
          `Cannot resolve parameter '${name}' of ${operation.entity}: pass it in configValues.`,
        );
      params[name] = await parentValue(relationship, operation.entity, depth + 1);
    }
  };

  const parentValue = async (
    relationship: EntityRelationship,
    child: string,
    depth: number,
  ): Promise<unknown> => {
    if (relationship.targetEntity === child)
      throw new ProbeError(`Entity ${child} refers to itself through '${relationship.foreignKey}'.`);
    if (depth > MAX_PARENT_DEPTH)
      throw new ProbeError(`Parent lookup for ${child} is deeper than ${MAX_PARENT_DEPTH} levels.`);
    const key = `${relationship.targetEntity}|${relationship.targetKey}|${JSON.stringify(relationship.parentRecordFilter ?? null)}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = (async () => {
        const parent = byName.get(relationship.targetEntity)?.operations.find((o) => o.action === "list");
        if (!parent)
          throw new ProbeError(
            `Parent entity ${relationship.targetEntity} has no list operation to borrow an id from.`,
          );
        const params: Record<string, unknown> = relationship.parentRecordFilter ? {} : { limit: 1 };
        await resolveParams(parent, params, depth);
        let data: unknown;
        try {
          data = ((await run(parent, params, signal)) as { data?: unknown })?.data;
        } catch (error) {
          throw new ProbeError(
            `Listing parent ${relationship.targetEntity} failed: ${errorMessage(error)}`,
            statusOf(error),
          );
        }
        const records = (Array.isArray(data) ? data : data ? [data] : []) as Array<Record<string, unknown>>;
        const match = records.find((record) => matchesFilter(record, relationship.parentRecordFilter));
        if (!match)
          throw new ProbeError(`Parent entity ${relationship.targetEntity} returned no usable record.`);
        const value = match[relationship.targetKey];
        if (value === undefined || value === null) {
          throw new ProbeError(
            `Parent record of ${relationship.targetEntity} has no '${relationship.targetKey}'.`,
          );
        }
        return value;
      })();
      cache.set(key, pending);
    }
    return pending;
  };

  const probe = async (name: string): Promise<EntityCheckResult> => {
    const entity = byName.get(name);
    if (!entity)
      return {
        entity: name,
        status: "failed",
        error: `Entity '${name}' not found`,
        status_code: null,
        checked_action: null,
      };
    const operation = listOrGet(name);
    if (!operation) {
      return {
        entity: name,
        status: "skipped",
        error: "Entity has no list or get operation",
        status_code: null,
        checked_action: null,
      };
    }
    try {
      const params: Record<string, unknown> = operation.action === "list" ? { limit: 1 } : {};
      for (const p of operation.parameters) {
        if (p.in !== "query" || p.default === undefined || params[p.name] !== undefined) continue;
        params[p.name] =
          typeof p.default === "string"
            ? renderProbeDefault(p.default, model.replicationConfigConstants ?? {})
            : p.default;
      }
      await resolveParams(operation, params, 0);
      await run(operation, params, signal);
      return {
        entity: name,
        status: "healthy",
        error: null,
        status_code: null,
        checked_action: operation.action,
      };
    } catch (error) {
      return {
        entity: name,
        status: "unhealthy",
        error: errorMessage(error),
        status_code: statusOf(error),
        checked_action: operation.action,
      };
    }
  };

  const results = await Promise.all(entities.map(probe));
  const failed = results.filter((r) => r.status !== "healthy" && r.status !== "skipped").map((r) => r.entity);
  const success = failed.length === 0;
  return {
    success,
    data: { status: success ? "healthy" : "unhealthy", entity_results: results },
    error: success ? null : `Entity check failed for: ${failed.join(", ")}`,
    meta: null,
  };
}

function matchesFilter(
  record: Record<string, unknown>,
  filter: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, allowed]) =>
    Array.isArray(allowed) ? allowed.includes(record[key]) : record[key] === allowed,
  );
}

function statusOf(error: unknown): number | null {
  if (error instanceof ProbeError) return error.statusCode;
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : null;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Renders the date macros of probe defaults: `now_utc()`, `(now_utc() - duration('P730D'))` and `.strftime(…)`.
 * Jinja's datetime arithmetic has no nunjucks equivalent, so the two shapes the specs use are evaluated here.
 */
export function renderProbeDefault(
  template: string,
  config: Readonly<Record<string, unknown>>,
  now = new Date(),
): string {
  if (!template.includes("{{")) return template;
  const dated = template.replace(
    /\{\{\s*\(?\s*now_utc\(\)\s*(?:-\s*duration\('([^']+)'\)\s*)?\)?\s*\.strftime\('([^']*)'\)\s*\}\}/g,
    (_match, duration: string | undefined, format: string) =>
      strftime(new Date(now.getTime() - durationMs(duration)), format),
  );
  return renderLenient(dated, { config });
}

function durationMs(iso: string | undefined): number {
  if (!iso) return 0;
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!match) return 0;
  const [, w, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + m!) * 60 + s!) * 1000;
}

function strftime(date: Date, format: string): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const parts: Record<string, string> = {
    Y: String(date.getUTCFullYear()),
    m: pad(date.getUTCMonth() + 1),
    d: pad(date.getUTCDate()),
    H: pad(date.getUTCHours()),
    M: pad(date.getUTCMinutes()),
    S: pad(date.getUTCSeconds()),
    "%": "%",
  };
  return format.replace(/%([YmdHMS%])/g, (_m, code: string) => parts[code]!);
}
