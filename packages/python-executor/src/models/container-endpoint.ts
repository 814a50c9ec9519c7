import { ContainerConfigurationError } from "@execkit/errors";

/** Where a Jupyter Server is, and which kernel to run code in. */
export class ContainerEndpointConfig {
  readonly host: string;
  readonly port: number;
  readonly kernelName: string;
  readonly useHttps: boolean;
  /** The path prefix the server is mounted under (`/` unless a proxy puts it elsewhere), ending in `/`. */
  readonly basePath: string;

  constructor(options: {
    host: string;
    port: number;
    kernelName: string;
    useHttps?: boolean;
    basePath?: string;
  }) {
    if (!options.host)
      throw new ContainerConfigurationError("Jupyter host is empty.", { configKey: "jupyter.baseUrl" });
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new ContainerConfigurationError(`Jupyter port ${options.port} is not a TCP port (1-65535).`, {
        configKey: "jupyter.baseUrl",
      });
    }
    if (!options.kernelName) {
      throw new ContainerConfigurationError("kernelName is empty.", { configKey: "modes.<mode>.kernelName" });
    }
    this.host = options.host;
    this.port = options.port;
    this.kernelName = options.kernelName;
    this.useHttps = options.useHttps ?? false;
    const base = options.basePath ?? "/";
    this.basePath = base.endsWith("/") ? base : `${base}/`;
  }

  /** Builds an endpoint from a URL such as `http://127.0.0.1:8888/` (userinfo and query are refused). */
  static fromBaseUrl(baseUrl: string, kernelName: string): ContainerEndpointConfig {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new ContainerConfigurationError(`jupyter.baseUrl is not a URL: ${JSON.stringify(baseUrl)}.`, {
        configKey: "jupyter.baseUrl",
      });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ContainerConfigurationError(`jupyter.baseUrl must be http or https, got ${url.protocol}`, {
        configKey: "jupyter.baseUrl",
      });
    }
    if (url.username || url.password || url.search) {
      // A token in the URL would end up in notebook links and logs; it belongs in jupyter.token.
      throw new ContainerConfigurationError(
        "jupyter.baseUrl must not carry credentials or a query string; pass the token as jupyter.token.",
        { configKey: "jupyter.baseUrl" },
      );
    }
    const useHttps = url.protocol === "https:";
    const port = url.port ? Number(url.port) : useHttps ? 443 : 80;
    return new ContainerEndpointConfig({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port,
      kernelName,
      useHttps,
      basePath: url.pathname,
    });
  }

  /** The server's base URL, e.g. `http://127.0.0.1:8888/`. */
  get baseUrl(): string {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `${this.useHttps ? "https" : "http"}://${host}:${this.port}${this.basePath}`;
  }
}
