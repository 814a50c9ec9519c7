// Every export of this file is public API of @execkit/errors.

export {
  ActionNotSupportedError,
  ConnectorAmbiguityError,
  ConnectorNotFoundError,
  ConnectorSpecError,
  EntityNotFoundError,
  ExecutorError,
  InvalidConfigurationError,
  InvalidParameterError,
  MissingCredentialsError,
  MissingParameterError,
  PaginationLimitError,
  type SpecLocation,
} from "./connector-errors";
export { ExecKitError, type ExecKitErrorOptions, type SerializedError } from "./execkit-error";
export {
  AuthenticationError,
  ConnectorValidationError,
  type CreateHttpStatusErrorInput,
  createHttpStatusError,
  extractErrorDetail,
  HTTPClientError,
  HTTPStatusError,
  type HTTPStatusErrorOptions,
  type HttpRequestInfo,
  NetworkError,
  parseRetryAfterMs,
  RateLimitError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseFormatError,
  TokenRefreshError,
} from "./http-errors";
export {
  ApprovalRejectedError,
  CodeGenerationError,
  CodeRuntimeError,
  CodeSyntaxError,
  ContainerConfigurationError,
  ContainerConnectivityError,
  ErrorCategory,
  ExecutionTimeoutError,
  MaxAttemptsExceededError,
  type PythonExecutorErrorOptions,
  PythonExecutorException,
  WorkflowError,
} from "./python-errors";
export { defaultRedactor, excerpt, isSensitiveHeader, isSensitiveKey, REDACTED, Redactor } from "./redaction";
