import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  CodeRuntimeError,
  ConnectorSpecError,
  createHttpStatusError,
  type ExecKitError,
  NetworkError,
  REDACTED,
  Redactor,
  RequestTimeoutError,
  TokenRefreshError,
} from "./index";

const SECRETS = {
  token: "tok_live_9f8e7d6c5b4a39281706",
  password: "hunter2-correct-horse",
  apiKey: "key-0123456789abcdef",
  clientSecret: "cs_abcdefghijklmnop",
};

/** Everything an error exposes as text: message, JSON, stack, and the whole cause chain. */
function everythingVisible(error: ExecKitError): string {
  const parts = [error.message, JSON.stringify(error), error.stack ?? "", String(error)];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 10; depth++) {
    if (cause instanceof Error) {
      parts.push(cause.message, cause.stack ?? "", JSON.stringify(cause));
      cause = cause.cause;
    } else {
      parts.push(JSON.stringify(cause));
      break;
    }
  }
  return parts.join("\n");
}

function expectNoSecret(error: ExecKitError): void {
  const text = everythingVisible(error);
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  const basic = btoa(`user:${SECRETS.password}`);
  expect(text).not.toContain(basic);
}

describe("no error leaks a secret it was given", () => {
  const redactor = new Redactor(Object.values(SECRETS));

  it("HTTP status errors: message, URL, headers, body and cause", () => {
    for (const status of [400, 401, 403, 404, 422, 429, 500, 503]) {
      const error = createHttpStatusError({
        status,
        method: "post",
        url: `https://user:${SECRETS.password}@api.test/v1/x?api_key=${SECRETS.apiKey}&q=${encodeURIComponent(SECRETS.token)}`,
        headers: {
          authorization: `Bearer ${SECRETS.token}`,
          "x-echo": `you sent ${SECRETS.apiKey}`,
          "set-cookie": `session=${SECRETS.token}`,
        },
        body: {
          message: `invalid token ${SECRETS.token}`,
          client_secret: SECRETS.clientSecret,
          nested: { note: SECRETS.password },
        },
        redactor,
        cause: Object.assign(new Error(`connect failed for Basic ${btoa(`user:${SECRETS.password}`)}`), {
          cause: new Error(`inner ${SECRETS.clientSecret}`),
        }),
      });
      expectNoSecret(error);
      expect(error.message).toContain(REDACTED);
    }
  });

  it("network, timeout and token refresh errors", () => {
    expectNoSecret(
      new NetworkError(`ECONNRESET while sending ${SECRETS.apiKey}`, {
        url: `https://api.test/?token=${SECRETS.token}`,
        redactor,
        cause: new Error(`socket hang up ${SECRETS.token}`),
      }),
    );
    expectNoSecret(new RequestTimeoutError(`timed out ${SECRETS.token}`, { redactor, timeoutMs: 5 }));
    expectNoSecret(
      new TokenRefreshError(
        `Token refresh failed: 400 {"error":"invalid_grant","refresh_token":"${SECRETS.token}"}`,
        {
          status: 400,
          body: { refresh_token: SECRETS.token, client_secret: SECRETS.clientSecret },
          redactor,
        },
      ),
    );
  });

  it("non-HTTP errors and non-Error causes", () => {
    expectNoSecret(new ConnectorSpecError(`bad value ${SECRETS.apiKey}`, { pointer: "/info" }, { redactor }));
    expectNoSecret(
      new CodeRuntimeError(`KeyError: ${SECRETS.apiKey}`, "tb", 1, {
        redactor,
        cause: { password: SECRETS.password },
      }),
    );
    expectNoSecret(
      new AuthenticationError("denied", { status: 401, redactor, cause: `raw ${SECRETS.token}` }),
    );
  });

  it("removes credential-shaped values even without a redactor", () => {
    const jwt =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    const stripeKey = "sk_live_0123456789abcdefABCDEF";
    const error = new NetworkError(`failed with ${jwt} and ${stripeKey} and Bearer abcdefghijklmnop`);
    expect(error.message).not.toContain(jwt);
    expect(error.message).not.toContain(stripeKey);
    expect(error.message).not.toContain("abcdefghijklmnop");
    expect(error.message).toContain("Bearer [REDACTED]");
  });
});

describe("Redactor", () => {
  it("redacts registered values, their URL-encoded form and short values not at all", () => {
    const redactor = new Redactor(["a b/c+secret", "abc"]);
    expect(redactor.redact("x a b/c+secret y")).toBe(`x ${REDACTED} y`);
    expect(redactor.redact(`q=${encodeURIComponent("a b/c+secret")}`)).toBe(`q=${REDACTED}`);
    expect(redactor.redact("abc stays")).toBe("abc stays");
  });

  it("redacts sensitive headers by name, keeps the others", () => {
    const redactor = new Redactor();
    expect(
      redactor.redactHeaders({
        Authorization: "Basic x",
        "X-Api-Key": "k",
        "Content-Type": "application/json",
        Cookie: "a=b",
      }),
    ).toEqual({
      Authorization: REDACTED,
      "X-Api-Key": REDACTED,
      "Content-Type": "application/json",
      Cookie: REDACTED,
    });
  });

  it("deep-copies values, redacting sensitive keys and cycles", () => {
    const value: Record<string, unknown> = {
      access_token: "t0000",
      user: { name: "ann", password: "p" },
      list: [1, "x"],
    };
    value.self = value;
    const copy = new Redactor().redactValue(value) as Record<string, unknown>;
    expect(copy).toEqual({
      access_token: REDACTED,
      user: { name: "ann", password: REDACTED },
      list: [1, "x"],
      self: "[Circular]",
    });
    expect(value.access_token).toBe("t0000");
  });
});

describe("free-text fields are redacted like messages", () => {
  const redactor = new Redactor(Object.values(SECRETS));
  it("covers spec details, tracebacks, error chains, comments and technical details", async () => {
    const { CodeGenerationError, MaxAttemptsExceededError, ApprovalRejectedError, CodeSyntaxError } =
      await import("./index");
    const errors = [
      new ConnectorSpecError(`value ${SECRETS.token}`, { pointer: "/x" }, { redactor }),
      new CodeRuntimeError("x", `File "<code>", line 1: api_key=${SECRETS.apiKey}`, 1, {
        redactor,
        technicalDetails: { stderr: `leaked ${SECRETS.password}`, env: { API_TOKEN: "whatever-value" } },
      }),
      new CodeGenerationError("x", 1, [`first ${SECRETS.clientSecret}`], { redactor }),
      new MaxAttemptsExceededError("x", "execution", 2, [`chain ${SECRETS.token}`], { redactor }),
      new ApprovalRejectedError("x", { comment: `see ${SECRETS.apiKey}`, redactor }),
      new CodeSyntaxError("x", [`line 1: ${SECRETS.password}`], { redactor }),
    ];
    for (const error of errors) expectNoSecret(error);
    expect(JSON.stringify(errors[1])).not.toContain("whatever-value");
  });
});
