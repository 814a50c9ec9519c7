import { Secret } from "@execkit/core";
import { InvalidConfigurationError, MissingCredentialsError, Redactor } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { HostedExecutor } from "./hosted-executor";
import { DEFAULT_TIMEOUT_MS, type HostedExecutorOptions, resolveHostedOptions } from "./hosted-options";

const SECRET = "top-secret-value-42";
const base: HostedExecutorOptions = {
  airbyteClientId: "id-1",
  airbyteClientSecret: SECRET,
  connectorId: "c-1",
  env: {},
};

function thrown(options: HostedExecutorOptions): Error {
  try {
    new HostedExecutor(options);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the constructor to throw");
}

describe("HostedExecutor options", () => {
  it("accepts a connector id alone, with the reference's defaults", () => {
    const resolved = resolveHostedOptions(base, new Redactor());
    expect(resolved).toMatchObject({
      clientId: "id-1",
      connectorId: "c-1",
      workspaceName: "default",
      apiUrl: "https://api.airbyte.ai",
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
    expect(resolved.organizationId).toBeUndefined();
    expect(resolved.retryConfig).toMatchObject({
      maxAttempts: 3,
      initialDelaySeconds: 0.5,
      maxDelaySeconds: 10,
    });
    const custom = resolveHostedOptions({ ...base, retryConfig: { maxAttempts: 5 } }, new Redactor());
    expect(custom.retryConfig).toMatchObject({
      maxAttempts: 5,
      initialDelaySeconds: 0.5,
      maxDelaySeconds: 10,
    });
  });

  it('accepts a definition id with the workspace defaulting to "default"', () => {
    const resolved = resolveHostedOptions(
      { ...base, connectorId: undefined, connectorDefinitionId: "def-1" },
      new Redactor(),
    );
    expect(resolved).toMatchObject({ workspaceName: "default", connectorDefinitionId: "def-1" });
  });

  it("rejects a workspace without a definition id, or nothing at all, with InvalidConfigurationError", () => {
    for (const options of [
      { ...base, connectorId: undefined },
      { ...base, connectorId: undefined, workspaceName: "acme" },
      { ...base, connectorId: "" },
    ]) {
      const error = thrown(options);
      expect(InvalidConfigurationError.isInstance(error)).toBe(true);
      expect(error.message).toContain("connectorId");
      expect(error.message).toContain("connectorDefinitionId");
    }
  });

  it("takes credentials, organization and API host from the environment", () => {
    const resolved = resolveHostedOptions(
      {
        connectorId: "c-1",
        env: {
          AIRBYTE_CLIENT_ID: "env-id",
          AIRBYTE_CLIENT_SECRET: "env-secret",
          AIRBYTE_ORGANIZATION_ID: "env-org",
          SDK_DEV_ADP_API_HOST: "http://localhost:8000//",
        },
      },
      new Redactor(),
    );
    expect(resolved).toMatchObject({
      clientId: "env-id",
      clientSecret: "env-secret",
      organizationId: "env-org",
      apiUrl: "http://localhost:8000",
    });
  });

  it("prefers explicit options over the environment", () => {
    const resolved = resolveHostedOptions(
      {
        ...base,
        organizationId: "org-arg",
        apiUrl: "https://example.test/base/",
        env: {
          AIRBYTE_CLIENT_ID: "env-id",
          AIRBYTE_ORGANIZATION_ID: "env-org",
          SDK_DEV_ADP_API_HOST: "http://x",
        },
      },
      new Redactor(),
    );
    expect(resolved).toMatchObject({
      clientId: "id-1",
      organizationId: "org-arg",
      apiUrl: "https://example.test/base",
    });
  });

  it("accepts credentials as Secret", () => {
    const resolved = resolveHostedOptions(
      { ...base, airbyteClientId: new Secret("sid"), airbyteClientSecret: new Secret("ssecret") },
      new Redactor(),
    );
    expect([resolved.clientId, resolved.clientSecret]).toEqual(["sid", "ssecret"]);
  });

  it("names every missing credential in a MissingCredentialsError", () => {
    const error = thrown({ connectorId: "c-1", env: {} });
    expect(MissingCredentialsError.isInstance(error)).toBe(true);
    expect(InvalidConfigurationError.isInstance(error)).toBe(true);
    expect((error as MissingCredentialsError).missing).toEqual([
      "airbyteClientId (or AIRBYTE_CLIENT_ID)",
      "airbyteClientSecret (or AIRBYTE_CLIENT_SECRET)",
    ]);
    const secretOnly = thrown({ ...base, airbyteClientId: undefined });
    expect(secretOnly.message).toContain("AIRBYTE_CLIENT_ID");
    expect(JSON.stringify(secretOnly)).not.toContain(SECRET);
  });

  it("rejects malformed values with the option named", () => {
    const cases: Array<[Partial<HostedExecutorOptions>, string]> = [
      [{ apiUrl: "not a url" }, "apiUrl"],
      [{ apiUrl: "ftp://example.test" }, "apiUrl"],
      [{ apiUrl: "https://example.test/?x=1" }, "apiUrl"],
      [{ timeoutMs: 0 }, "timeoutMs"],
      [{ timeoutMs: Number.NaN }, "timeoutMs"],
      [{ retryConfig: { maxAttempts: 0 } }, "retryConfig"],
      [{ connectorId: 42 as unknown as string }, "connectorId"],
      [{ airbyteClientSecret: 7 as unknown as string }, "airbyteClientSecret"],
    ];
    for (const [override, option] of cases) {
      const error = thrown({ ...base, ...override });
      expect(InvalidConfigurationError.isInstance(error), option).toBe(true);
      expect((error as InvalidConfigurationError).option).toBe(option);
    }
    expect(
      (
        thrown({
          ...base,
          apiUrl: undefined,
          env: { SDK_DEV_ADP_API_HOST: "::" },
        }) as InvalidConfigurationError
      ).option,
    ).toBe("SDK_DEV_ADP_API_HOST");
  });

  it("refuses credentials inside apiUrl without showing them", () => {
    const error = thrown({ ...base, apiUrl: "https://user:hunter2-pass@example.test" });
    expect((error as InvalidConfigurationError).option).toBe("apiUrl");
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("hunter2-pass");
  });

  it("never shows the client secret, even in an error about another option", () => {
    const error = thrown({ ...base, apiUrl: `https://${SECRET}.example.test/?q=1` });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(SECRET);
  });

  it("keeps credentials out of inspection of the executor", async () => {
    const executor = new HostedExecutor(base);
    const { inspect } = await import("node:util");
    expect(inspect(executor, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(executor)).not.toContain(SECRET);
    await executor.close();
  });
});
