// Every export of this file is public API of @execkit/errors.
export { ExecKitError, type ExecKitErrorOptions, type SerializedError } from "./execkit-error";
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
export {
  AuthenticationError,
  ConnectorValidationError,
  createHttpStatusError,
  type CreateHttpStatusErrorInput,
  extractErrorDetail,
  HTTPClientError,
  type HttpRequestInfo,
  HTTPStatusError,
  type HTTPStatusErrorOptions,
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
  PythonExecutorException,
  type PythonExecutorErrorOptions,
  WorkflowError,
} from "./python-errors";
export { defaultRedactor, excerpt, isSensitiveHeader, isSensitiveKey, REDACTED, Redactor } from "./redaction";
