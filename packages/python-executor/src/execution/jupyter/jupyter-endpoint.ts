import { ContainerConnectivityError, type PythonExecutorErrorOptions } from "@execkit/errors";
import { ContainerEndpointConfig } from "../../models/container-endpoint";

/** A validated Jupyter Server address, with the URL builders the REST and WebSocket clients need. */
export interface JupyterEndpoint {
  /** The server's base URL, always ending in `/`. */
  readonly baseUrl: string;
  readonly host: string;
  readonly port: number;
  /** `http(s)://…/<path>` under the base URL; `path` has no leading slash. */
  httpUrl(path: string): string;
  /** `ws(s)://…/<path>` under the base URL. */
  wsUrl(path: string): string;
  /** A `ContainerConnectivityError` naming this server, for every "cannot reach it" case. */
  connectivityError(message: string, options?: PythonExecutorErrorOptions): ContainerConnectivityError;
}

/**
 * Parses a Jupyter base URL such as `http://127.0.0.1:8888/` (a path prefix is kept). Throws
 * `ContainerConfigurationError` (configKey `jupyter.baseUrl`) when it is not an http(s) URL or carries
 * credentials: the token goes in `jupyter.token`, never in the URL, so it cannot leak into links or logs.
 */
export function parseJupyterEndpoint(baseUrl: string): JupyterEndpoint {
  // The kernel name is irrelevant to the address; the runner picks one per execution mode.
  const config = ContainerEndpointConfig.fromBaseUrl(baseUrl, "python3");
  const base = config.baseUrl;
  const wsBase = base.replace(/^http/, "ws");
  return {
    baseUrl: base,
    host: config.host,
    port: config.port,
    httpUrl: (path) => `${base}${path}`,
    wsUrl: (path) => `${wsBase}${path}`,
    connectivityError: (message, options) =>
      new ContainerConnectivityError(message, config.host, config.port, options),
  };
}
