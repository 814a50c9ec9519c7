import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ContainerConfigurationError, WorkflowError } from "@execkit/errors";

/** Where a Jupyter server shows files; used to turn a path into a clickable link. */
export interface JupyterLinkOptions {
  /**
   * The Jupyter server's base URL, e.g. `http://127.0.0.1:8888` or `https://hub.example.org/user/ana`.
   * A query or fragment (a `?token=` included) is dropped: links never carry credentials.
   */
  jupyterBaseUrl?: string;
  /** The folder the Jupyter server serves (its `root_dir`); default the process's working directory. */
  jupyterRootDir?: string;
  /** `notebooks` (Notebook 7 and classic: `/notebooks/<path>`) or `lab` (`/lab/tree/<path>`); default `notebooks`. */
  jupyterUi?: "notebooks" | "lab";
}

/**
 * A link to an existing notebook (or folder): a Jupyter URL when a base URL is configured and the path lies under
 * the Jupyter root dir, else a `file://` URL.
 *
 * Differs from the reference: it linked to `notebook.ipynb` even when that file was never written, and always
 * to `localhost` on a fixed port.
 *
 * @throws WorkflowError (`NOTEBOOK_NOT_FOUND`) when nothing exists at `path`: a link is only made to a real file.
 * @throws ContainerConfigurationError when `jupyterBaseUrl` is not an http(s) URL.
 */
export async function notebookLink(path: string, options: JupyterLinkOptions = {}): Promise<string> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new WorkflowError(
      `No notebook exists at ${absolute}; a link is only made to a file that was written.`,
      "notebooks",
      {
        code: "NOTEBOOK_NOT_FOUND",
      },
    );
  }
  return pathLink(absolute, info.isDirectory(), options);
}

/**
 * The same link as {@link notebookLink}, without checking that the path exists (for a folder that was just
 * created, or a file known to exist).
 */
export function pathLink(
  absolutePath: string,
  isDirectory: boolean,
  options: JupyterLinkOptions = {},
): string {
  if (options.jupyterBaseUrl) {
    const base = parseBaseUrl(options.jupyterBaseUrl);
    const root = resolve(options.jupyterRootDir ?? process.cwd());
    const rel = relative(root, absolutePath);
    if (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) {
      const segments = rel === "" ? [] : rel.split(sep).map(encodeURIComponent);
      const ui = options.jupyterUi ?? "notebooks";
      const prefix = isDirectory
        ? ui === "lab"
          ? "lab/tree"
          : "tree"
        : ui === "lab"
          ? "lab/tree"
          : "notebooks";
      return `${base}/${prefix}${segments.length ? `/${segments.join("/")}` : ""}`;
    }
  }
  return pathToFileURL(absolutePath).href;
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContainerConfigurationError(
      "jupyterBaseUrl is not a valid URL; use e.g. http://127.0.0.1:8888.",
      {
        configKey: "jupyterBaseUrl",
      },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ContainerConfigurationError(`jupyterBaseUrl must be http or https, got ${url.protocol}`, {
      configKey: "jupyterBaseUrl",
    });
  }
  url.search = "";
  url.hash = "";
  url.username = "";
  url.password = "";
  return url.href.replace(/\/+$/, "");
}
