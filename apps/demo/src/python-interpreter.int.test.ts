import { ContainerConfigurationError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { assertPythonReady, resolvePython } from "./python-interpreter";

describe("the Python interpreter", () => {
  it("is EXECKIT_PYTHON when set", () => {
    expect(resolvePython({ EXECKIT_PYTHON: "/opt/py/bin/python3" })).toBe("/opt/py/bin/python3");
  });

  it("fails with a typed error naming the interpreter when it does not exist", async () => {
    const failure = assertPythonReady("/nonexistent/python3").catch((error: unknown) => error);
    const error = await failure;
    expect(ContainerConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("/nonexistent/python3 was not found");
  });

  it("names the module it cannot import", async () => {
    const error = await assertPythonReady(resolvePython(), ["json", "no_such_module_xyz"]).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain("cannot import no_such_module_xyz");
  }, 30_000);
});
