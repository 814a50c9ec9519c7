import { ContainerConfigurationError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { parseJupyterEndpoint } from "./jupyter-endpoint";
import { createKernelMessage, PROTOCOL_VERSION, parseKernelMessage, stripAnsi } from "./kernel-messages";

describe("kernel messages", () => {
  it("builds a request with a fresh msg_id, the session and protocol 5.3", () => {
    const a = createKernelMessage("execute_request", { code: "1" }, { session: "s1" });
    const b = createKernelMessage("execute_request", { code: "1" }, { session: "s1" });
    expect(a.header.msg_id).not.toBe(b.header.msg_id);
    expect(a).toMatchObject({
      header: { msg_type: "execute_request", session: "s1", version: PROTOCOL_VERSION },
      parent_header: {},
      metadata: {},
      content: { code: "1" },
      channel: "shell",
    });
    expect(Number.isNaN(Date.parse(a.header.date))).toBe(false);
  });

  it("parses frames from strings and buffers, and ignores what is not a message", () => {
    const frame = JSON.stringify({
      header: { msg_id: "1", msg_type: "status" },
      content: { execution_state: "idle" },
      channel: "iopub",
    });
    expect(parseKernelMessage(frame)?.content).toEqual({ execution_state: "idle" });
    expect(parseKernelMessage(Buffer.from(frame))?.header.msg_type).toBe("status");
    expect(parseKernelMessage([Buffer.from(frame.slice(0, 5)), Buffer.from(frame.slice(5))])?.channel).toBe(
      "iopub",
    );
    expect(parseKernelMessage("not json")).toBeUndefined();
    expect(parseKernelMessage(JSON.stringify({ content: {} }))).toBeUndefined();
    expect(parseKernelMessage(42)).toBeUndefined();
    // Missing optional parts are filled in, so handlers never meet undefined.
    expect(parseKernelMessage(JSON.stringify({ header: { msg_type: "x" } }))).toMatchObject({
      parent_header: {},
      content: {},
    });
  });

  it("strips ANSI colours from tracebacks", () => {
    expect(stripAnsi("\u001b[0;31mZeroDivisionError\u001b[0m: division by zero")).toBe(
      "ZeroDivisionError: division by zero",
    );
  });
});

describe("parseJupyterEndpoint", () => {
  it("keeps the path prefix and builds http and ws URLs", () => {
    const endpoint = parseJupyterEndpoint("https://jupyter.example.org/user/ada");
    expect(endpoint.baseUrl).toBe("https://jupyter.example.org:443/user/ada/");
    expect(endpoint.host).toBe("jupyter.example.org");
    expect(endpoint.port).toBe(443);
    expect(endpoint.httpUrl("api/kernels")).toBe("https://jupyter.example.org:443/user/ada/api/kernels");
    expect(endpoint.wsUrl("api/kernels/k/channels")).toBe(
      "wss://jupyter.example.org:443/user/ada/api/kernels/k/channels",
    );
    expect(parseJupyterEndpoint("http://127.0.0.1:8888").wsUrl("x")).toBe("ws://127.0.0.1:8888/x");
  });

  it("refuses URLs that are not http(s) or that carry credentials", () => {
    for (const bad of [
      "not a url",
      "ftp://host/",
      "http://user:pw@host:8888/",
      "http://host:8888/?token=abc",
    ]) {
      expect(() => parseJupyterEndpoint(bad)).toThrow(ContainerConfigurationError);
    }
  });

  it("builds connectivity errors that name the server", () => {
    const error = parseJupyterEndpoint("http://10.0.0.5:8899/").connectivityError("down");
    expect(error.host).toBe("10.0.0.5");
    expect(error.port).toBe(8899);
    expect(error.getUserMessage()).toContain("10.0.0.5:8899");
  });
});
