import { describe, expect, it } from "vitest";
import {
  ApprovalRejectedError,
  CodeGenerationError,
  CodeRuntimeError,
  CodeSyntaxError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ErrorCategory,
  ExecKitError,
  ExecutionTimeoutError,
  MaxAttemptsExceededError,
  PythonExecutorException,
  WorkflowError,
} from "./index";

describe("Python execution errors", () => {
  it("carry the reference's categories and retry decisions", () => {
    const cases: Array<[PythonExecutorException, ErrorCategory, boolean, boolean]> = [
      [new CodeRuntimeError("boom", "Traceback…", 2), ErrorCategory.CODE_RELATED, false, true],
      [
        new CodeSyntaxError("bad", ["line 1, column 4: invalid syntax"]),
        ErrorCategory.CODE_RELATED,
        false,
        true,
      ],
      [new CodeGenerationError("empty", 1, ["a"]), ErrorCategory.CODE_RELATED, false, true],
      [new ContainerConnectivityError("down", "127.0.0.1", 8888), ErrorCategory.INFRASTRUCTURE, true, false],
      [new ContainerConfigurationError("no kernel"), ErrorCategory.CONFIGURATION, false, false],
      [new ExecutionTimeoutError(5), ErrorCategory.WORKFLOW, false, false],
      [new ApprovalRejectedError("no"), ErrorCategory.WORKFLOW, false, false],
      [
        new MaxAttemptsExceededError("out", "code_generation", 3, ["a", "b"]),
        ErrorCategory.WORKFLOW,
        false,
        false,
      ],
      [new WorkflowError("broken", "analysis"), ErrorCategory.WORKFLOW, false, false],
    ];
    for (const [error, category, retryExecution, regenerate] of cases) {
      expect(error.category, error.name).toBe(category);
      expect(error.shouldRetryExecution(), error.name).toBe(retryExecution);
      expect(error.shouldRetryCodeGeneration(), error.name).toBe(regenerate);
      expect(error.isInfrastructureError()).toBe(category === "infrastructure");
      expect(error.isCodeError()).toBe(category === "code_related");
      expect(error.isWorkflowError()).toBe(category === "workflow");
      expect(error).toBeInstanceOf(PythonExecutorException);
      expect(error).toBeInstanceOf(ExecKitError);
      expect(error.toJSON().category).toBe(category);
    }
  });

  it("keep their fields", () => {
    const runtime = new CodeRuntimeError(
      "ZeroDivisionError: division by zero",
      "Traceback (most recent call last)",
      3,
      {
        folderPath: "/tmp/x",
        technicalDetails: { exitCode: 1 },
      },
    );
    expect(runtime.tracebackInfo).toContain("Traceback");
    expect(runtime.executionAttempt).toBe(3);
    expect(runtime.folderPath).toBe("/tmp/x");
    expect(runtime.technicalDetails).toEqual({ exitCode: 1 });
    expect(Object.isFrozen(runtime.technicalDetails)).toBe(true);

    const connectivity = new ContainerConnectivityError("socket closed", "jupyter.local", 8088);
    expect(connectivity.getUserMessage()).toBe(
      "Python execution environment is not reachable at jupyter.local:8088",
    );
    expect(connectivity.toJSON()).toMatchObject({
      host: "jupyter.local",
      port: 8088,
      code: "CONTAINER_UNREACHABLE",
    });

    const timeout = new ExecutionTimeoutError(30);
    expect(timeout.message).toBe("Python code execution timeout after 30 seconds");
    expect(timeout.timeoutSeconds).toBe(30);

    const generation = new CodeGenerationError("no code block", 2, ["first", "second"]);
    expect(generation.generationAttempt).toBe(2);
    expect(generation.errorChain).toEqual(["first", "second"]);

    const exhausted = new MaxAttemptsExceededError("gave up", "execution", 2, ["x"]);
    expect(exhausted.toJSON()).toMatchObject({
      operationType: "execution",
      maxAttempts: 2,
      errorChain: ["x"],
    });

    const rejected = new ApprovalRejectedError("Rejected by reviewer", {
      comment: "too risky",
      codeSha256: "ab",
    });
    expect(rejected.comment).toBe("too risky");
    expect(rejected.code).toBe("APPROVAL_REJECTED");

    expect(new ContainerConfigurationError("missing", { configKey: "jupyter.baseUrl" }).configKey).toBe(
      "jupyter.baseUrl",
    );
    expect(new WorkflowError("lost state", "execute").getUserMessage()).toContain("during execute");
  });
});
