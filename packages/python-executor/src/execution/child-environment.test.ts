import { describe, expect, it } from "vitest";
import { buildChildEnvironment } from "./child-environment";

describe("buildChildEnvironment", () => {
  const parent = {
    PATH: "/usr/bin",
    HOME: "/home/ana",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    OPENAI_API_KEY: "sk-secret",
    AWS_SECRET_ACCESS_KEY: "aws-secret",
    GITHUB_TOKEN: "ghp_x",
    PYTHONPATH: "/opt/lib",
    MPLBACKEND: "TkAgg",
    NODE_OPTIONS: "--inspect",
  };

  it("passes allowlisted variables and drops everything else", () => {
    const env = buildChildEnvironment({ parent });
    expect(env).toMatchObject({
      PATH: "/usr/bin",
      HOME: "/home/ana",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      PYTHONPATH: "/opt/lib",
    });
    for (const name of ["OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "NODE_OPTIONS"]) {
      expect(env).not.toHaveProperty(name);
    }
  });

  it("forces the Agg backend and UTF-8 whatever the host or mode says", () => {
    const env = buildChildEnvironment({
      parent,
      modeEnvironment: { MPLBACKEND: "QtAgg", PYTHONIOENCODING: "latin-1" },
    });
    expect(env.MPLBACKEND).toBe("Agg");
    expect(env.PYTHONIOENCODING).toBe("utf-8");
  });

  it("adds the mode's variables, the mode name and configured extras", () => {
    const env = buildChildEnvironment({
      parent,
      modeEnvironment: { EPICS_CA_ADDR_LIST: "10.0.0.1" },
      modeName: "read_only",
      inherit: ["GITHUB_TOKEN"],
      extra: { MY_SETTING: "1" },
    });
    expect(env).toMatchObject({
      EPICS_CA_ADDR_LIST: "10.0.0.1",
      EXECKIT_EXECUTION_MODE: "read_only",
      MY_SETTING: "1",
      GITHUB_TOKEN: "ghp_x",
    });
  });
});
