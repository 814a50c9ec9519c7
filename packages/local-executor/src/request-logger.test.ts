import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redactor } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { RequestLogger } from "./request-logger";

describe("RequestLogger", () => {
  it("redacts headers, URLs, JSON and form bodies, and known secrets anywhere", async () => {
    const logFile = join(tmpdir(), `execkit-le-unit-${process.pid}.jsonl`);
    try {
      const logger = new RequestLogger({
        maxLogs: 10,
        logFile,
        redactor: new Redactor(["s3cr3t-value"]),
        connectorName: "t",
      });
      logger.log({
        kind: "token",
        method: "POST",
        url: "https://x.test/oauth?api_key=abc&page=2",
        attempt: 1,
        requestHeaders: { Authorization: "Bearer s3cr3t-value", "X-Trace": "s3cr3t-value-2" },
        requestBody: "grant_type=refresh_token&refresh_token=rt-123456&client_id=c",
        status: 200,
        responseHeaders: { "set-cookie": "sid=1" },
        responseBody: JSON.stringify({ access_token: "at-999999", note: "uses s3cr3t-value" }),
        startedAt: Date.now(),
      });
      const [entry] = logger.entries;
      expect(entry).toMatchObject({
        url: "https://x.test/oauth?api_key=[REDACTED]&page=2",
        requestHeaders: { Authorization: "[REDACTED]", "X-Trace": "[REDACTED]-2" },
        requestBody: { grant_type: "refresh_token", refresh_token: "[REDACTED]", client_id: "c" },
        responseHeaders: { "set-cookie": "[REDACTED]" },
        responseBody: { access_token: "[REDACTED]", note: "uses [REDACTED]" },
      });
      await logger.close();
      const text = readFileSync(logFile, "utf8");
      expect(text).not.toMatch(/s3cr3t-value|rt-123456|at-999999/);
    } finally {
      rmSync(logFile, { force: true });
    }
  });
});
