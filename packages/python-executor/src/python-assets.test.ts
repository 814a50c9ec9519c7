import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ContainerConfigurationError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { pythonAssetPath } from "./python-assets";

describe("pythonAssetPath", () => {
  it("finds the analyzer script in the package's python folder", () => {
    const path = pythonAssetPath("analyzer.py");
    expect(basename(dirname(path))).toBe("python");
    expect(existsSync(join(dirname(path), "..", "package.json"))).toBe(true);
    expect(readFileSync(path, "utf8")).toContain("def main():");
  });

  it("names what it looked for when a script is missing", () => {
    let caught: unknown;
    try {
      pythonAssetPath("no-such-script.py");
    } catch (error) {
      caught = error;
    }
    expect(ContainerConfigurationError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/"no-such-script.py" .* was not found/);
    expect((caught as Error).message).toContain(join("python", "no-such-script.py"));
  });
});
