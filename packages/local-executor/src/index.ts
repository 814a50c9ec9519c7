// Every export of this file is public API of @execkit/local-executor.

export type { RefreshedTokens, TokenRefreshCallback } from "./auth/auth-session";
export type {
  BatchItemResult,
  BatchOperation,
  BatchSettledCallback,
  ExecuteBatchOptions,
} from "./batch";
export type { CheckEntitiesData, EntityCheckResult } from "./health-check";
export { LocalExecutor } from "./local-executor";
export type { LocalExecutorOptions } from "./options";
export type { PaginateOptions } from "./paginate";
export type { FormDataFile } from "./request/multipart";
export type { RequestLogEntry } from "./request-logger";
