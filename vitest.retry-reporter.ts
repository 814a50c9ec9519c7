import type { Reporter, TestCase } from "vitest/node";

/**
 * Names every test that passed only on a retry, with the error of its failed attempt, on lines starting with
 * "RETRIED". CI retries tests once (real processes and servers meet a loaded machine there) and `.ci/run`
 * repeats these lines at the end of its output, so a flaky test is reported instead of hidden.
 */
export default class RetryReporter implements Reporter {
  onTestCaseResult(testCase: TestCase): void {
    const diagnostic = testCase.diagnostic();
    if (diagnostic === undefined || diagnostic.retryCount === 0 || testCase.result().state !== "passed")
      return;
    const firstError = testCase.result().errors?.[0]?.message ?? "no error recorded";
    const where = `${testCase.project.name} ${testCase.module.moduleId.split("/src/").at(-1)}`;
    console.log(
      `RETRIED ${where} > ${testCase.fullName}: passed after ${diagnostic.retryCount} retry; ` +
        `first failure: ${firstError.split("\n")[0]}`,
    );
  }
}
