import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ConnectorModel, isDownloadResult, loadConnectorModel } from "@execkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoopbackServer, loopbackAgent, startLoopbackServer } from "../test/loopback";
import { LocalExecutor } from "./index";

const sharedDir = process.env.EXECKIT_SHARED_DIR ?? resolve(__dirname, "../../../../shared");
const goldenDir = join(sharedDir, "airbyte-golden");
const specsDir = join(sharedDir, "airbyte-specs");
const available = existsSync(goldenDir) && existsSync(specsDir);

interface RecordedMessage {
  kind: string;
  method?: string;
  url?: string;
  status?: number;
  headers: Record<string, string>;
  body: string | null;
  body_encoding?: "utf8" | "base64";
}
interface GoldenCase {
  id: string;
  variant: string;
  entity: string;
  action: string;
  operation: {
    graphql: boolean;
    download: boolean;
    query_params: string[];
    nullable_variables: Record<string, string>;
  };
  params: Record<string, unknown>;
  auth_config: Record<string, string>;
  auth_scheme: string | null;
  config_values: Record<string, string>;
  requests: RecordedMessage[];
  responses: RecordedMessage[];
  result?: {
    success: boolean;
    data: unknown;
    error: string | null;
    meta: unknown;
    download?: { sha256: string; length: number };
  };
  exception?: { type: string; message: string; phase: string };
}

/** Headers that belong to the reference's HTTP client, not to the connector's behaviour. */
const CLIENT_HEADERS = new Set([
  "host",
  "accept-encoding",
  "connection",
  "user-agent",
  "content-length",
  "transfer-encoding",
]);

function decode(message: { body: string | null; body_encoding?: string }): Buffer | null {
  if (message.body === null) return null;
  return Buffer.from(message.body, message.body_encoding === "base64" ? "base64" : "utf8");
}

function queryPairs(search: string): string[] {
  return [...new URLSearchParams(search)].map(([k, v]) => `${k}=${v}`).sort();
}

function multipartParts(body: Buffer, contentType: string): string[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return [body.toString("latin1")];
  return body
    .toString("latin1")
    .split(`--${boundary}`)
    .map((part) => part.trim())
    .filter((part) => part !== "" && part !== "--")
    .map((part) => {
      // JSON parts are compared structurally: the reference's json.dumps spaces differ from JSON.stringify's.
      const [head, ...rest] = part.split("\r\n\r\n");
      const content = rest.join("\r\n\r\n");
      try {
        return `${head}\r\n\r\n${JSON.stringify(sortKeys(JSON.parse(content)))}`;
      } catch {
        return part;
      }
    });
}

function compareBodies(
  expected: Buffer | null,
  actual: Buffer,
  contentType: string,
  actualType: string,
  fix: (body: unknown) => unknown,
): string | undefined {
  if (expected === null || expected.length === 0)
    return actual.length === 0 ? undefined : `unexpected body ${actual.toString().slice(0, 200)}`;
  if (contentType.startsWith("application/json") || contentType === "") {
    try {
      const want = fix(JSON.parse(expected.toString("utf8")));
      const got = JSON.parse(actual.toString("utf8"));
      return JSON.stringify(sortKeys(want)) === JSON.stringify(sortKeys(got))
        ? undefined
        : `JSON body differs:\n  want ${JSON.stringify(want).slice(0, 400)}\n  got  ${JSON.stringify(got).slice(0, 400)}`;
    } catch {
      // fall through to a text comparison
    }
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const want = queryPairs(expected.toString("utf8")).join("&");
    const got = queryPairs(actual.toString("utf8")).join("&");
    return want === got ? undefined : `form body differs:\n  want ${want}\n  got  ${got}`;
  }
  if (contentType.startsWith("multipart/")) {
    const want = multipartParts(expected, contentType);
    const got = multipartParts(actual, actualType);
    return JSON.stringify(want) === JSON.stringify(got)
      ? undefined
      : `multipart differs:\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`;
  }
  return expected.equals(actual) ? undefined : "body differs";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const goldenFiles = available
  ? readdirSync(goldenDir)
      .filter((file) => file.endsWith(".json"))
      .sort()
  : [];
const table: Array<{ spec: string; cases: number; passed: number }> = [];

describe.skipIf(!available)("golden replay of the reference LocalExecutor's wire traffic", () => {
  let server: LoopbackServer;
  let agent: ReturnType<typeof loopbackAgent>;
  let queue: RecordedMessage[] = [];

  beforeAll(async () => {
    server = await startLoopbackServer((_request, response) => {
      const next = queue.shift();
      if (!next) {
        response.statusCode = 599;
        response.end("no recorded response left");
        return;
      }
      response.statusCode = next.status ?? 200;
      for (const [name, value] of Object.entries(next.headers)) {
        if (!["content-length", "transfer-encoding", "connection", "content-encoding"].includes(name))
          response.setHeader(name, value);
      }
      response.end(decode(next) ?? undefined);
    });
    agent = loopbackAgent(server.port);
  });

  afterAll(async () => {
    await agent?.close();
    await server?.close();
    if (table.length > 0) {
      const lines = table.map(
        (row) => `${row.spec.padEnd(28)} ${String(row.cases).padStart(5)} ${String(row.passed).padStart(7)}`,
      );
      const total = table.reduce((acc, row) => [acc[0]! + row.cases, acc[1]! + row.passed], [0, 0]);
      console.log(
        [
          "spec                         cases  passed",
          ...lines,
          `${"total".padEnd(28)} ${String(total[0]).padStart(5)} ${String(total[1]).padStart(7)}`,
        ].join("\n"),
      );
    }
  });

  for (const file of goldenFiles) {
    const slug = file.replace(/\.json$/, "");
    it(`${slug}: every recorded case`, { timeout: 120_000 }, async () => {
      const golden = JSON.parse(readFileSync(join(goldenDir, file), "utf8")) as { cases: GoldenCase[] };
      const model: ConnectorModel = loadConnectorModel(join(specsDir, slug, "connector.yaml"));
      const failures: string[] = [];
      let passed = 0;
      for (const testCase of golden.cases) {
        const problems = await runCase(model, testCase);
        if (problems.length === 0) passed++;
        else failures.push(`${slug} ${testCase.id} [${testCase.variant}]:\n    ${problems.join("\n    ")}`);
      }
      table.push({ spec: slug, cases: golden.cases.length, passed });
      expect(
        failures.slice(0, 8).join("\n"),
        `${failures.length} of ${golden.cases.length} cases differ`,
      ).toBe("");
    });
  }

  async function runCase(model: ConnectorModel, testCase: GoldenCase): Promise<string[]> {
    const problems: string[] = [];
    queue = [...testCase.responses];
    const before = server.requests.length;
    const executor = new LocalExecutor({
      model,
      authConfig: testCase.auth_config,
      authScheme: testCase.auth_scheme ?? undefined,
      configValues: testCase.config_values,
      dispatcher: agent,
      retryConfig: { maxAttempts: 1 },
      timeoutMs: 10_000,
    });
    try {
      let result: Awaited<ReturnType<LocalExecutor["execute"]>> | undefined;
      try {
        result = await executor.execute(testCase.entity, testCase.action, { params: testCase.params });
      } catch (error) {
        problems.push(`threw ${(error as Error).name}: ${(error as Error).message}`);
      }
      let download: { sha256: string; length: number } | undefined;
      if (result && isDownloadResult(result)) {
        const hash = createHash("sha256");
        let length = 0;
        for await (const chunk of result.data) {
          hash.update(chunk);
          length += chunk.byteLength;
        }
        download = { sha256: hash.digest("hex"), length };
      }
      const received = server.requests.slice(before);
      if (received.length !== testCase.requests.length) {
        problems.push(`sent ${received.length} requests, the reference sent ${testCase.requests.length}`);
      }
      testCase.requests.forEach((want, index) => {
        const got = received[index];
        if (!got) return;
        problems.push(...compareRequest(testCase, want, got));
      });
      if (testCase.result && result) {
        const want = testCase.result;
        if (want.success !== result.success)
          problems.push(`success ${result.success}, want ${want.success} (${result.error})`);
        if (want.download) {
          if (JSON.stringify(download) !== JSON.stringify(want.download))
            problems.push(`download ${JSON.stringify(download)} want ${JSON.stringify(want.download)}`);
        } else if (want.success) {
          if (JSON.stringify(sortKeys(result.data)) !== JSON.stringify(sortKeys(want.data))) {
            problems.push(
              `data differs:\n  want ${JSON.stringify(want.data).slice(0, 300)}\n  got  ${JSON.stringify(result.data).slice(0, 300)}`,
            );
          }
          if (JSON.stringify(sortKeys(result.meta ?? null)) !== JSON.stringify(sortKeys(want.meta ?? null))) {
            problems.push(
              `meta differs: want ${JSON.stringify(want.meta)} got ${JSON.stringify(result.meta)}`,
            );
          }
        } else {
          // Our messages are worded differently; the failure must name the same missing or invalid params.
          const names = [...(want.error ?? "").matchAll(/'([^']+)'/g)].map((match) => match[1]!).slice(0, 1);
          for (const name of names)
            if (!(result.error ?? "").includes(name))
              problems.push(`error '${result.error}' does not name '${name}' (reference: ${want.error})`);
        }
      }
      if (testCase.exception) problems.push(`the reference raised ${testCase.exception.type}; not replayed`);
    } finally {
      await executor.close();
    }
    return problems;
  }
});

function compareRequest(
  testCase: GoldenCase,
  want: RecordedMessage,
  got: {
    method: string;
    host: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  },
): string[] {
  const problems: string[] = [];
  const wantUrl = new URL(want.url!);
  if (got.method !== want.method) problems.push(`${want.kind}: method ${got.method}, want ${want.method}`);
  if (got.host !== wantUrl.host) problems.push(`${want.kind}: host ${got.host}, want ${wantUrl.host}`);
  const gotUrl = new URL(got.url, "http://x");
  if (gotUrl.pathname !== wantUrl.pathname)
    problems.push(`${want.kind}: path ${gotUrl.pathname}, want ${wantUrl.pathname}`);
  let wantPairs = [...new URLSearchParams(wantUrl.search)];
  if (want.kind === "api") {
    // Fix 7: a null query value is omitted, not sent as `name=`.
    wantPairs = wantPairs.filter(([name, value]) => !(value === "" && testCase.params[name] === null));
    // Fix 8: GraphQL operations keep their params out of the URL.
    if (testCase.operation.graphql)
      wantPairs = wantPairs.filter(([name]) => !testCase.operation.query_params.includes(name));
  }
  const wantQuery = wantPairs
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join("&");
  const gotQuery = queryPairs(gotUrl.search).join("&");
  if (wantQuery !== gotQuery) problems.push(`${want.kind}: query ${gotQuery}, want ${wantQuery}`);
  for (const [name, value] of Object.entries(want.headers)) {
    if (CLIENT_HEADERS.has(name)) continue;
    const actual = got.headers[name];
    const actualText = Array.isArray(actual) ? actual.join(", ") : actual;
    if (name === "content-type" && value.startsWith("multipart/")) {
      if (!actualText?.startsWith(value.split(";")[0]!))
        problems.push(`${want.kind}: content-type ${actualText}, want ${value}`);
      continue;
    }
    if (actualText !== value) problems.push(`${want.kind}: header ${name}: ${actualText}, want ${value}`);
  }
  for (const name of Object.keys(got.headers)) {
    if (CLIENT_HEADERS.has(name) || name in want.headers) continue;
    problems.push(`${want.kind}: extra header ${name}`);
  }
  const fix = (body: unknown) => {
    // Fix 5: nullable GraphQL variables whose param is null are sent as null.
    if (want.kind !== "api" || !testCase.operation.graphql || body === null || typeof body !== "object")
      return body;
    const variables = (body as { variables?: Record<string, unknown> }).variables;
    if (!variables) return body;
    for (const [variable, param] of Object.entries(testCase.operation.nullable_variables)) {
      if (testCase.params[param] === null) variables[variable] = null;
    }
    return body;
  };
  const contentType = (want.headers["content-type"] ?? "").toLowerCase();
  const actualType = String(got.headers["content-type"] ?? "");
  const bodyProblem = compareBodies(decode(want), got.body, contentType, actualType, fix);
  if (bodyProblem) problems.push(`${want.kind}: ${bodyProblem}`);
  return problems;
}
