import {
  ApprovalRejectedError,
  CodeRuntimeError,
  ContainerConfigurationError,
  ExecKitError,
  NetworkError,
  RequestAbortedError,
} from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { failureMessage } from "./failure-message";

describe("failureMessage", () => {
  it("is one line naming the step, the message and what to do", () => {
    const line = failureMessage(
      new ApprovalRejectedError("The code was rejected: no terminal"),
      "4 (Python)",
      false,
    );
    expect(line).toBe(
      "The demo failed in step 4 (Python): The code was rejected: no terminal → run `pnpm demo --yes` to approve the analysis code, or run the demo in a terminal and answer y.",
    );
  });

  it("keeps the first line of a multi-line message (a traceback) and never includes a stack", () => {
    const traceback = 'Traceback (most recent call last):\n  File "x.py", line 1\n    1/0';
    const error = new CodeRuntimeError(`ZeroDivisionError: division by zero\n${traceback}`, traceback, 1, {
      folderPath: "/tmp/run",
    });
    const line = failureMessage(error, "4 (Python)", false);
    expect(line).not.toContain("\n");
    expect(line).not.toMatch(/\bat .*\.ts:\d+/);
    expect(line).toContain(
      "ZeroDivisionError: division by zero (…) → open the FINAL_FAILURE notebook in /tmp/run",
    );
    expect(line).not.toContain("Traceback");
    expect(line).toContain("EXECKIT_PYTHON");
    expect(line).toContain("/tmp/run");
  });

  it("gives each kind of failure its own next step", () => {
    expect(failureMessage(new ContainerConfigurationError("no python"), undefined, false)).toContain(
      "EXECKIT_PYTHON",
    );
    expect(failureMessage(new NetworkError("socket hang up"), "2 (LocalExecutor)", false)).toContain(
      "127.0.0.1",
    );
    const differ = new ExecKitError("disagree", { code: "DEMO_RESULTS_DIFFER" });
    expect(failureMessage(differ, "3 (HostedExecutor)", false)).toContain("bug in an executor");
    expect(failureMessage(new TypeError("x is undefined"), undefined, false)).toContain(
      "EXECKIT_DEMO_DEBUG=1",
    );
  });

  it("reports an interruption as such, not as a failure", () => {
    expect(failureMessage(new RequestAbortedError("aborted"), "2 (LocalExecutor)", false)).toBe(
      "The demo was interrupted in step 2 (LocalExecutor); nothing is left running.",
    );
    expect(failureMessage(new Error("anything"), undefined, true)).toContain("interrupted");
  });
});
