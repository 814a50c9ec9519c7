import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ContainerConfigurationError, WorkflowError } from "@execkit/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notebookLink } from "./notebook-link";

let root: string;
let notebook: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "execkit-links-"));
  await mkdir(join(root, "2026-11", "run 1"), { recursive: true });
  notebook = join(root, "2026-11", "run 1", "notebook #1.ipynb");
  await writeFile(notebook, "{}");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("notebookLink", () => {
  it("is a file:// URL without a Jupyter base URL", async () => {
    expect(await notebookLink(notebook)).toBe(pathToFileURL(notebook).href);
  });

  it("is a Jupyter URL relative to the Jupyter root, with segments encoded and no credentials", async () => {
    const options = {
      jupyterBaseUrl: "https://user:pw@hub.example.org/user/ana/?token=secret#x",
      jupyterRootDir: root,
    };
    expect(await notebookLink(notebook, options)).toBe(
      "https://hub.example.org/user/ana/notebooks/2026-11/run%201/notebook%20%231.ipynb",
    );
    expect(await notebookLink(notebook, { ...options, jupyterUi: "lab" })).toBe(
      "https://hub.example.org/user/ana/lab/tree/2026-11/run%201/notebook%20%231.ipynb",
    );
  });

  it("falls back to file:// for a notebook outside the Jupyter root", async () => {
    const link = await notebookLink(notebook, {
      jupyterBaseUrl: "http://127.0.0.1:8888",
      jupyterRootDir: join(root, "other"),
    });
    expect(link).toBe(pathToFileURL(notebook).href);
  });

  it("only links to notebooks that exist", async () => {
    await expect(notebookLink(join(root, "missing.ipynb"))).rejects.toSatisfy(
      (error) => error instanceof WorkflowError && error.code === "NOTEBOOK_NOT_FOUND",
    );
  });

  it("rejects a base URL that is not http(s)", async () => {
    await expect(notebookLink(notebook, { jupyterBaseUrl: "ftp://x" })).rejects.toBeInstanceOf(
      ContainerConfigurationError,
    );
    await expect(notebookLink(notebook, { jupyterBaseUrl: "not a url" })).rejects.toBeInstanceOf(
      ContainerConfigurationError,
    );
  });
});
