import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { ContainerConfigurationError, WorkflowError } from "@execkit/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attemptFolderPath, createExecutionFolder, sanitizeFolderName } from "./execution-folder";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "execkit-folders-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("createExecutionFolder", () => {
  it("lays out <root>/<YYYY-MM>/execution_<ts>_<name>_<id>/ with context.json, attempts/ and figures/", async () => {
    const now = new Date(Date.UTC(2026, 10, 21, 17, 5, 9));
    const folder = await createExecutionFolder({
      root,
      name: "beam analysis",
      contextData: { pv: { value: 1 } },
      now,
    });
    expect(
      folder.folderPath.startsWith(join(root, "2026-11", "execution_20261121_170509_beam_analysis_")),
    ).toBe(true);
    expect(folder.folderPath).toMatch(/_[0-9a-f]{8}$/);
    expect(folder.attemptsFolder).toBe(join(folder.folderPath, "attempts"));
    expect(folder.contextFilePath).toBe(join(folder.folderPath, "context.json"));
    expect(folder.folderUrl).toBe(`file://${folder.folderPath.split(sep).map(encodeURIComponent).join("/")}`);
    expect(folder.notebookAttempts).toEqual([]);
    expect(JSON.parse(await readFile(folder.contextFilePath, "utf8"))).toEqual({ pv: { value: 1 } });
    expect((await stat(join(folder.folderPath, "figures"))).isDirectory()).toBe(true);
    const attempt = await folder.attemptFolder(3);
    expect(attempt).toBe(join(folder.folderPath, "attempts", "03"));
    expect((await stat(attempt)).isDirectory()).toBe(true);
    // Plain data: serializing drops the helper and keeps every field.
    expect(Object.keys(JSON.parse(JSON.stringify(folder))).sort()).toEqual(
      [
        "attemptsFolder",
        "contextFilePath",
        "figuresFolder",
        "folderPath",
        "folderUrl",
        "notebookAttempts",
      ].sort(),
    );
  });

  it("writes {} when there is no context data and gives every request its own folder", async () => {
    const a = await createExecutionFolder({ root, name: "same" });
    const b = await createExecutionFolder({ root, name: "same" });
    expect(a.folderPath).not.toBe(b.folderPath);
    expect(JSON.parse(await readFile(a.contextFilePath, "utf8"))).toEqual({});
  });

  it("reuses an existing folder, keeping its context unless new data is given", async () => {
    const first = await createExecutionFolder({ root, name: "reuse", contextData: { a: 1 } });
    const again = await createExecutionFolder({ root, name: "ignored", existingFolder: first.folderPath });
    expect(again.folderPath).toBe(first.folderPath);
    expect(JSON.parse(await readFile(again.contextFilePath, "utf8"))).toEqual({ a: 1 });
    await createExecutionFolder({ root, name: "x", existingFolder: first.folderPath, contextData: { a: 2 } });
    expect(JSON.parse(await readFile(again.contextFilePath, "utf8"))).toEqual({ a: 2 });
  });

  it("rejects a missing existing folder and context data that is not JSON", async () => {
    await expect(
      createExecutionFolder({ root, name: "x", existingFolder: join(root, "nope") }),
    ).rejects.toSatisfy(
      (error) =>
        error instanceof ContainerConfigurationError && error.configKey === "existingExecutionFolder",
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(createExecutionFolder({ root, name: "x", contextData: cyclic })).rejects.toSatisfy(
      (error) => error instanceof WorkflowError && error.code === "INVALID_CONTEXT_DATA",
    );
  });

  it("gives a Jupyter folder URL when a base URL is configured", async () => {
    const folder = await createExecutionFolder({
      root,
      name: "jupyter",
      jupyter: { jupyterBaseUrl: "http://127.0.0.1:8888/?token=abc", jupyterRootDir: root },
    });
    expect(folder.folderUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:8888\/tree\/\d{4}-\d{2}\/execution_\d{8}_\d{6}_jupyter_[0-9a-f]{8}$/,
    );
  });
});

describe("sanitizeFolderName", () => {
  it("cannot escape the root", () => {
    expect(sanitizeFolderName("../../etc/passwd")).toBe("etc_passwd");
    expect(sanitizeFolderName("a/b\\c\0d")).toBe("a_b_c_d");
    expect(sanitizeFolderName("..")).toBe("execution");
    expect(sanitizeFolderName("")).toBe("execution");
    expect(sanitizeFolderName("café analysis")).toBe("cafe_analysis");
    expect(sanitizeFolderName("x".repeat(200))).toHaveLength(64);
  });

  it("numbers attempt folders and rejects bad numbers", () => {
    expect(attemptFolderPath("/f", 1)).toBe(join("/f", "attempts", "01"));
    expect(attemptFolderPath("/f", 123)).toBe(join("/f", "attempts", "123"));
    expect(() => attemptFolderPath("/f", 0)).toThrow(ContainerConfigurationError);
    expect(() => attemptFolderPath("/f", 1.5)).toThrow(ContainerConfigurationError);
  });
});
