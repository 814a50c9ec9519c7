import { joinPointer } from "./json-pointer";
import type { LoadContext } from "./load-context";
import type { ServerVariable } from "./model";
import { ServerSchema } from "./spec-schemas";
import { validateNode } from "./validate-node";

/** The base URL and server variables of a spec. */
export interface ServersModel {
  readonly baseUrl: string;
  readonly serverVariables: Record<string, ServerVariable>;
  readonly serverVariableDefaults: Record<string, string>;
  /** Variables of every server, which `x-airbyte-token-extract` may name. */
  readonly allVariableNames: ReadonlySet<string>;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * Reads `servers`. Only the first entry is used, as in the reference; the others are validated (their variables
 * count for `x-airbyte-token-extract`) but otherwise ignored.
 */
export function buildServers(context: LoadContext, servers: readonly unknown[]): ServersModel {
  const allVariableNames = new Set<string>();
  const parsed = servers.map((server, index) => {
    const value = validateNode(context, ServerSchema, server, joinPointer("/servers", index));
    for (const name of Object.keys(value.variables ?? {})) allVariableNames.add(name);
    return value;
  });
  const first = parsed[0]!;
  const baseUrl = first.url;
  // A URL still holding a `{placeholder}` is completed from config values at run time; anything else must
  // already be an absolute http(s) URL, or no request could be built from it.
  if (!/^https?:\/\//i.test(baseUrl) && !/\{[^{}]+\}/.test(baseUrl)) {
    context.fail(
      `The server URL ${JSON.stringify(baseUrl)} must be an absolute http:// or https:// URL (or hold a {variable}).`,
      "/servers/0/url",
    );
  }
  const serverVariables: Record<string, ServerVariable> = {};
  const serverVariableDefaults: Record<string, string> = {};
  for (const [name, variable] of Object.entries(first.variables ?? {})) {
    serverVariables[name] = {
      default: variable.default,
      ...(variable.description != null && { description: variable.description }),
      ...(variable.enum != null && { enum: variable.enum }),
    };
    // The reference skips empty defaults, so `{var}` stays in the URL until a config value fills it.
    if (variable.default) serverVariableDefaults[name] = variable.default;
  }
  for (const match of baseUrl.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!Object.hasOwn(serverVariables, name)) {
      context.warn(
        "UNDECLARED_SERVER_VARIABLE",
        `The server URL uses {${name}} but declares no variable of that name; callers must pass it in config values.`,
        "/servers/0/url",
      );
    }
  }
  return { baseUrl, serverVariables, serverVariableDefaults, allVariableNames };
}
