import type { ExecutionData, ExecutionResult } from "@execkit/core";
import {
  ConnectorAmbiguityError,
  ConnectorNotFoundError,
  extractErrorDetail,
  type Redactor,
  ResponseFormatError,
} from "@execkit/errors";
import type { CloudResponse } from "./status-errors";
import type { IssuedToken } from "./token-cache";

/**
 * Parses a 2xx body as JSON. A body that is not JSON is a {@link ResponseFormatError} carrying a bounded,
 * redacted excerpt, unless `withBody` is false (the token answer, which may hold a credential in any shape).
 */
function parseJson(response: CloudResponse, redactor: Redactor, withBody = true): unknown {
  try {
    return JSON.parse(response.text);
  } catch (error) {
    throw new ResponseFormatError(
      `The cloud API answered ${response.method} ${response.url} with HTTP ${response.status} but a body that is not JSON (${response.text.length} characters). This is a server-side problem; retry later or report it.`,
      {
        ...requestInfo(response),
        status: response.status,
        body: withBody ? response.text : undefined,
        cause: error,
        redactor,
      },
    );
  }
}

/** Reads `access_token` (and `expires_in` when present) from the token endpoint's answer. */
export function parseTokenResponse(response: CloudResponse, redactor: Redactor): IssuedToken {
  const body = parseJson(response, redactor, false);
  const record = isRecord(body) ? body : undefined;
  const accessToken = record?.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new ResponseFormatError(
      `The token endpoint (${response.method} ${response.url}) answered without an access_token. Check the API URL; the answer had keys: ${record ? Object.keys(record).join(", ") || "none" : "none (not an object)"}.`,
      { ...requestInfo(response), status: response.status, body: record, redactor },
    );
  }
  redactor.add(accessToken);
  const expiresIn = record?.expires_in;
  const seconds =
    typeof expiresIn === "number" ? expiresIn : typeof expiresIn === "string" ? Number(expiresIn) : undefined;
  return { accessToken, expiresInSeconds: seconds };
}

/** What the lookup was for, to word its errors. */
export interface LookupTarget {
  workspaceName: string;
  connectorDefinitionId: string;
}

/** The single connector id in the lookup answer's `data`; none or several are typed errors. */
export function parseLookupResponse(
  response: CloudResponse,
  target: LookupTarget,
  redactor: Redactor,
): string {
  const body = parseJson(response, redactor);
  const connectors = isRecord(body) ? body.data : undefined;
  if (!Array.isArray(connectors)) {
    throw new ResponseFormatError(
      `The connector lookup (${response.method} ${response.url}) answered without a "data" list. This is a server-side problem; retry later or pass connectorId.`,
      { ...requestInfo(response), status: response.status, body: response.text, redactor },
    );
  }
  const { workspaceName, connectorDefinitionId } = target;
  const where = `workspace_name '${workspaceName}' and connector definition '${connectorDefinitionId}'`;
  if (connectors.length === 0) {
    throw new ConnectorNotFoundError(
      `No connector found for ${where}. Create one in that workspace, check the organization, or pass connectorId.`,
      { workspaceName, connectorDefinitionId, redactor },
    );
  }
  const ids = connectors.map((connector) => (isRecord(connector) ? connector.id : undefined));
  if (connectors.length > 1) {
    const named = ids.filter((id): id is string => typeof id === "string");
    throw new ConnectorAmbiguityError(
      `Multiple connectors found for ${where}. Expected exactly 1, found ${connectors.length}. Pass connectorId to pick one: ${named.join(", ")}.`,
      { workspaceName, connectorDefinitionId, connectorIds: named, redactor },
    );
  }
  const id = ids[0];
  if (typeof id !== "string" || id === "") {
    throw new ResponseFormatError(
      `The connector lookup (${response.method} ${response.url}) found a connector without an id. This is a server-side problem; pass connectorId instead.`,
      { ...requestInfo(response), status: response.status, body: response.text, redactor },
    );
  }
  return id;
}

/**
 * Turns the execute answer `{result, connector_metadata}` into an {@link ExecutionResult}. A body without a
 * `result` key is a {@link ResponseFormatError}.
 *
 * A download the cloud answers with a body that is not JSON comes back as a byte stream read from the socket as
 * the caller consumes it, in constant memory, as from `LocalExecutor`; a body with `"success": false` is a failed result (`error` from `message` or `error`).
 *
 * Differs from the reference: a missing `result` raises a bare `KeyError` there, and it parses every answer,
 * a download's bytes included, as JSON.
 */
export function parseExecuteResponse(response: CloudResponse, redactor: Redactor): ExecutionResult {
  if (response.stream !== undefined) return { success: true, data: response.stream, error: null, meta: null };
  const body = parseJson(response, redactor);
  // A cloud that answers a failed execution with 200 and the result's own `success: false` is taken at its word.
  if (isRecord(body) && body.success === false) return failureFrom(body, response.status, redactor);
  if (!isRecord(body) || !("result" in body)) {
    throw new ResponseFormatError(
      `The cloud API answered ${response.method} ${response.url} without a "result" key. This is a server-side problem; retry later or report it.`,
      { ...requestInfo(response), status: response.status, body: response.text, redactor },
    );
  }
  const meta = body.connector_metadata;
  return {
    success: true,
    data: body.result as ExecutionData,
    error: null,
    meta: isRecord(meta) ? meta : null,
  };
}

/**
 * The cloud reports an operation that could not run (unknown entity, unsupported action, missing or invalid
 * params) as a 400 or 422 whose JSON body has `"success": false`, with the reason in `message` (or `errors[]`)
 * and `result` when it has one. That is an execution error, returned as `success: false` as `LocalExecutor`
 * does, not thrown; any other 400/422 stays a `ConnectorValidationError`.
 */
export function isExecutionFailure(response: CloudResponse): boolean {
  if (response.status !== 400 && response.status !== 422) return false;
  try {
    const body: unknown = JSON.parse(response.text);
    return isRecord(body) && body.success === false;
  } catch {
    return false;
  }
}

/** The `success: false` result of an answer {@link isExecutionFailure} accepted. */
export function parseExecutionFailure(response: CloudResponse, redactor: Redactor): ExecutionResult {
  return failureFrom(JSON.parse(response.text) as Record<string, unknown>, response.status, redactor);
}

/** The reason from `message` (or `error`, or `errors[]`); `{}` as data when the body has no `result`. */
function failureFrom(body: Record<string, unknown>, status: number, redactor: Redactor): ExecutionResult {
  const reason = [body.message, body.error].find(
    (value): value is string => typeof value === "string" && value !== "",
  );
  const error = redactor.redact(reason ?? extractErrorDetail(body, status));
  // Without a `result` the data is `{}`, as the reference's and LocalExecutor's failed results have.
  const data = "result" in body ? (body.result ?? null) : {};
  return { success: false, data: data as ExecutionData, error, meta: null };
}

function requestInfo(response: CloudResponse): { method: string; url: string } {
  return { method: response.method, url: response.url };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
