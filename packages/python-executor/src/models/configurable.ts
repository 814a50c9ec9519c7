import { ContainerConfigurationError } from "@execkit/errors";
import { ContainerEndpointConfig } from "./container-endpoint";
import { ExecutionControlConfig, ExecutionMode } from "./execution-control";
import {
  type ExecutionModeConfig,
  type ExecutionModeConfigInput,
  resolveExecutionModeConfig,
} from "./execution-mode-config";

/** A LangGraph `configurable` object (the `configurable` field of a run's config). */
export type Configurable = Readonly<Record<string, unknown>>;

/*
 * Each helper reads our camelCase keys (the same ones as the service options) and the reference's snake_case keys
 * as its seed documents them, so configuration written for the Python service keeps working. When both spellings
 * are present and disagree we refuse to guess: that disagreement is how the reference's config drift hid bugs.
 */

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function at(root: unknown, path: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    const object = record(current);
    if (!object) return undefined;
    current = object[key];
  }
  return current;
}

function missing(key: string, hint: string): ContainerConfigurationError {
  return new ContainerConfigurationError(`Configuration key ${key} is missing. ${hint}`, { configKey: key });
}

function invalid(key: string, problem: string): ContainerConfigurationError {
  return new ContainerConfigurationError(`Configuration key ${key} ${problem}.`, { configKey: key });
}

function assertMode(modeName: string): asserts modeName is ExecutionMode {
  if (modeName !== ExecutionMode.READ_ONLY && modeName !== ExecutionMode.WRITE_ACCESS) {
    throw invalid("execution mode", `is ${JSON.stringify(modeName)}; use "read_only" or "write_access"`);
  }
}

/**
 * Reads the control-system policy from a LangGraph configurable: `executionControl.epicsWritesEnabled`, or the
 * reference's `agent_control_defaults.epics_writes_enabled`.
 *
 * @throws ContainerConfigurationError naming the key when it is missing, not a boolean, or the two spellings
 *   disagree.
 */
export function getExecutionControlConfigFromConfigurable(
  configurable: Configurable,
): ExecutionControlConfig {
  const ours = at(configurable, ["executionControl", "epicsWritesEnabled"]);
  const theirs = at(configurable, ["agent_control_defaults", "epics_writes_enabled"]);
  if (ours === undefined && theirs === undefined) {
    throw missing(
      "executionControl.epicsWritesEnabled",
      "Set it to true or false (the reference's agent_control_defaults.epics_writes_enabled is also read).",
    );
  }
  if (ours !== undefined && typeof ours !== "boolean") {
    throw invalid("executionControl.epicsWritesEnabled", `must be a boolean, got ${typeof ours}`);
  }
  if (theirs !== undefined && typeof theirs !== "boolean") {
    throw invalid("agent_control_defaults.epics_writes_enabled", `must be a boolean, got ${typeof theirs}`);
  }
  if (ours !== undefined && theirs !== undefined && ours !== theirs) {
    throw invalid(
      "executionControl.epicsWritesEnabled",
      `(${ours}) disagrees with agent_control_defaults.epics_writes_enabled (${theirs}); keep one of them`,
    );
  }
  return new ExecutionControlConfig({ epicsWritesEnabled: (ours ?? theirs) as boolean });
}

/** Converts the reference's snake_case mode block into ours, applying its `gateway` lookup. */
function fromReferenceMode(
  configurable: Configurable,
  modeName: ExecutionMode,
  raw: Record<string, unknown>,
  key: string,
): ExecutionModeConfigInput {
  const kernelName = raw.kernel_name;
  if (typeof kernelName !== "string" || kernelName === "")
    throw missing(`${key}.kernel_name`, "Name the kernel.");
  const environment: Record<string, string> = {};
  const rawEnvironment = record(raw.environment) ?? {};
  for (const [name, value] of Object.entries(rawEnvironment)) environment[name] = String(value);
  if (typeof raw.gateway === "string") {
    const gatewayKey = `framework.execution.epics.gateways.${raw.gateway}`;
    const gateway = record(at(configurable, ["framework", "execution", "epics", "gateways", raw.gateway]));
    if (!gateway) throw missing(gatewayKey, `Mode ${modeName} names gateway ${JSON.stringify(raw.gateway)}.`);
    if (gateway.address === undefined || gateway.port === undefined) {
      throw missing(`${gatewayKey}.address/port`, "A gateway needs an address and a port.");
    }
    environment.EPICS_CA_ADDR_LIST = String(gateway.address);
    environment.EPICS_CA_SERVER_PORT = String(gateway.port);
    environment.EPICS_CA_AUTO_ADDR_LIST = "NO";
  }
  return {
    kernelName,
    allowsWrites: typeof raw.allows_writes === "boolean" ? raw.allows_writes : undefined,
    requiresApproval: typeof raw.requires_approval === "boolean" ? raw.requires_approval : false,
    description: typeof raw.description === "string" ? raw.description : "",
    environment,
  };
}

function checkedMode(
  modeName: ExecutionMode,
  input: ExecutionModeConfigInput,
  key: string,
): ExecutionModeConfig {
  if (modeName === ExecutionMode.READ_ONLY && input.allowsWrites === true) {
    throw invalid(
      `${key}.allowsWrites`,
      "is true for the read_only mode; a read-only mode cannot allow writes",
    );
  }
  try {
    return resolveExecutionModeConfig(modeName, input);
  } catch (error) {
    throw new ContainerConfigurationError(
      `Configuration key ${key} is invalid: ${(error as Error).message}`,
      {
        configKey: key,
        cause: error,
      },
    );
  }
}

/**
 * Reads one execution mode from a LangGraph configurable: `modes.<mode>` (camelCase), or the reference's
 * `framework.execution.modes.<mode>` / `execution_modes.<mode>` (snake_case, with `gateway` lookups in
 * `framework.execution.epics.gateways`).
 *
 * @throws ContainerConfigurationError naming the key when the mode is unknown, missing, or invalid.
 */
export function getExecutionModeConfigFromConfigurable(
  configurable: Configurable,
  modeName: string,
): ExecutionModeConfig {
  assertMode(modeName);
  const ours = record(at(configurable, ["modes", modeName]));
  if (ours) return checkedMode(modeName, ours as ExecutionModeConfigInput, `modes.${modeName}`);
  const referenceKey = record(at(configurable, ["framework", "execution", "modes", modeName]))
    ? `framework.execution.modes.${modeName}`
    : `execution_modes.${modeName}`;
  const theirs =
    record(at(configurable, ["framework", "execution", "modes", modeName])) ??
    record(at(configurable, ["execution_modes", modeName]));
  if (!theirs) {
    throw missing(`modes.${modeName}`, `Add { kernelName } for the ${modeName} mode.`);
  }
  return checkedMode(modeName, fromReferenceMode(configurable, modeName, theirs, referenceKey), referenceKey);
}

/**
 * Reads the Jupyter endpoint for a mode from a LangGraph configurable: `jupyter.baseUrl` with the mode's kernel,
 * or the reference's `service_configs.framework.jupyter.containers.*` (the first container whose
 * `execution_modes` lists the mode; `hostname` and `port_host`).
 *
 * @throws ContainerConfigurationError naming the key when the endpoint or the mode's kernel is missing.
 */
export function getContainerEndpointConfigFromConfigurable(
  configurable: Configurable,
  executionMode: string,
): ContainerEndpointConfig {
  const mode = getExecutionModeConfigFromConfigurable(configurable, executionMode);
  const baseUrl = at(configurable, ["jupyter", "baseUrl"]);
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== "string") throw invalid("jupyter.baseUrl", "must be a string URL");
    return ContainerEndpointConfig.fromBaseUrl(baseUrl, mode.kernelName);
  }
  const containers = record(at(configurable, ["service_configs", "framework", "jupyter", "containers"]));
  if (!containers) {
    throw missing("jupyter.baseUrl", "Set the Jupyter Server URL, e.g. http://127.0.0.1:8888/.");
  }
  for (const [name, value] of Object.entries(containers)) {
    const container = record(value);
    const modes = container?.execution_modes;
    if (!container || !Array.isArray(modes) || !modes.includes(executionMode)) continue;
    const key = `service_configs.framework.jupyter.containers.${name}`;
    if (typeof container.hostname !== "string") throw missing(`${key}.hostname`, "Name the Jupyter host.");
    const port = Number(container.port_host);
    if (!Number.isInteger(port)) throw missing(`${key}.port_host`, "Give the Jupyter port.");
    return new ContainerEndpointConfig({ host: container.hostname, port, kernelName: mode.kernelName });
  }
  throw missing(
    `service_configs.framework.jupyter.containers.*.execution_modes`,
    `No container lists the ${executionMode} mode.`,
  );
}
