import { ContainerConfigurationError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import {
  getContainerEndpointConfigFromConfigurable,
  getExecutionControlConfigFromConfigurable,
  getExecutionModeConfigFromConfigurable,
} from "./configurable";
import { ContainerEndpointConfig } from "./container-endpoint";
import { ExecutionControlConfig, ExecutionMode } from "./execution-control";

function configError(run: () => unknown): ContainerConfigurationError {
  try {
    run();
  } catch (error) {
    if (ContainerConfigurationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ContainerConfigurationError");
}

describe("ExecutionControlConfig", () => {
  it("grants write access only when the code writes and writes are enabled", () => {
    const enabled = new ExecutionControlConfig({ epicsWritesEnabled: true });
    const disabled = new ExecutionControlConfig({ epicsWritesEnabled: false });
    expect(enabled.getExecutionMode(true, true)).toBe(ExecutionMode.WRITE_ACCESS);
    expect(enabled.getExecutionMode(false, true)).toBe(ExecutionMode.READ_ONLY);
    expect(disabled.getExecutionMode(true, true)).toBe(ExecutionMode.READ_ONLY);
    expect(enabled.validate()).toHaveLength(1);
    expect(disabled.validate()).toEqual([]);
    expect(
      configError(() => new ExecutionControlConfig({ epicsWritesEnabled: "yes" as never })).configKey,
    ).toBe("executionControl.epicsWritesEnabled");
  });
});

describe("get…FromConfigurable", () => {
  it("reads execution control from our key or the reference's, and refuses a disagreement", () => {
    expect(
      getExecutionControlConfigFromConfigurable({ executionControl: { epicsWritesEnabled: true } })
        .epicsWritesEnabled,
    ).toBe(true);
    expect(
      getExecutionControlConfigFromConfigurable({ agent_control_defaults: { epics_writes_enabled: false } })
        .epicsWritesEnabled,
    ).toBe(false);
    expect(configError(() => getExecutionControlConfigFromConfigurable({})).configKey).toBe(
      "executionControl.epicsWritesEnabled",
    );
    const clash = configError(() =>
      getExecutionControlConfigFromConfigurable({
        executionControl: { epicsWritesEnabled: true },
        agent_control_defaults: { epics_writes_enabled: false },
      }),
    );
    expect(clash.message).toContain("disagrees");
    expect(
      configError(() =>
        getExecutionControlConfigFromConfigurable({ agent_control_defaults: { epics_writes_enabled: 1 } }),
      ).configKey,
    ).toBe("agent_control_defaults.epics_writes_enabled");
  });

  it("reads execution modes, including the reference's gateway lookup", () => {
    const ours = getExecutionModeConfigFromConfigurable(
      { modes: { write_access: { kernelName: "py-write" } } },
      "write_access",
    );
    expect(ours).toMatchObject({ modeName: "write_access", kernelName: "py-write", allowsWrites: true });
    const theirs = getExecutionModeConfigFromConfigurable(
      {
        framework: {
          execution: {
            modes: { read_only: { kernel_name: "python3-epics-readonly", gateway: "ro" } },
            epics: { gateways: { ro: { address: "10.0.0.1", port: 5064 } } },
          },
        },
      },
      "read_only",
    );
    expect(theirs.kernelName).toBe("python3-epics-readonly");
    expect(theirs.allowsWrites).toBe(false);
    expect(theirs.environment).toEqual({
      EPICS_CA_ADDR_LIST: "10.0.0.1",
      EPICS_CA_SERVER_PORT: "5064",
      EPICS_CA_AUTO_ADDR_LIST: "NO",
    });
    expect(configError(() => getExecutionModeConfigFromConfigurable({}, "read_only")).configKey).toBe(
      "modes.read_only",
    );
    expect(configError(() => getExecutionModeConfigFromConfigurable({}, "admin")).configKey).toBe(
      "execution mode",
    );
    expect(
      configError(() =>
        getExecutionModeConfigFromConfigurable(
          { execution_modes: { read_only: { kernel_name: "k", gateway: "nope" } } },
          "read_only",
        ),
      ).configKey,
    ).toBe("framework.execution.epics.gateways.nope");
    expect(
      configError(() =>
        getExecutionModeConfigFromConfigurable({ modes: { read_only: { allowsWrites: true } } }, "read_only"),
      ).configKey,
    ).toBe("modes.read_only.allowsWrites");
  });

  it("reads the Jupyter endpoint from jupyter.baseUrl or the reference's containers", () => {
    const ours = getContainerEndpointConfigFromConfigurable(
      { jupyter: { baseUrl: "http://127.0.0.1:8888/" }, modes: { read_only: { kernelName: "python3" } } },
      "read_only",
    );
    expect(ours).toBeInstanceOf(ContainerEndpointConfig);
    expect(ours.baseUrl).toBe("http://127.0.0.1:8888/");
    const theirs = getContainerEndpointConfigFromConfigurable(
      {
        execution_modes: { write_access: { kernel_name: "python3-epics-write" } },
        service_configs: {
          framework: {
            jupyter: {
              containers: {
                read: { hostname: "jupyter-read", port_host: 8088, execution_modes: ["read_only"] },
                write: { hostname: "jupyter-write", port_host: 8089, execution_modes: ["write_access"] },
              },
            },
          },
        },
      },
      "write_access",
    );
    expect(theirs).toMatchObject({ host: "jupyter-write", port: 8089, kernelName: "python3-epics-write" });
    expect(theirs.baseUrl).toBe("http://jupyter-write:8089/");
    expect(
      configError(() => getContainerEndpointConfigFromConfigurable({ modes: { read_only: {} } }, "read_only"))
        .configKey,
    ).toBe("jupyter.baseUrl");
  });
});

describe("ContainerEndpointConfig", () => {
  it("parses base URLs and refuses credentials in them", () => {
    expect(ContainerEndpointConfig.fromBaseUrl("https://hub.example.org/user/ana", "python3")).toMatchObject({
      host: "hub.example.org",
      port: 443,
      useHttps: true,
      basePath: "/user/ana/",
    });
    expect(ContainerEndpointConfig.fromBaseUrl("http://[::1]:9999", "python3").baseUrl).toBe(
      "http://[::1]:9999/",
    );
    expect(
      configError(() => ContainerEndpointConfig.fromBaseUrl("http://127.0.0.1:8888/?token=abc", "python3"))
        .message,
    ).toContain("jupyter.token");
    expect(configError(() => ContainerEndpointConfig.fromBaseUrl("ftp://x", "python3")).configKey).toBe(
      "jupyter.baseUrl",
    );
    expect(
      configError(() => new ContainerEndpointConfig({ host: "h", port: 70_000, kernelName: "k" })).message,
    ).toContain("port");
  });
});
