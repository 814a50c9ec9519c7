// Every export of this file is public API of @execkit/core.
export { Action, isAction, READ_ONLY_ACTIONS, SPEC_ACTIONS } from "./action";
export { type ByteStreamContext, bufferToByteStream, toByteStream } from "./byte-stream";
export { AUTH_MAPPING_KEYS, defaultAuthConfig } from "./connector/build-auth";
export {
  acceptsLimit,
  type CheckOperation,
  findCheckOperation,
  hasRequiredParams,
} from "./connector/check-operation";
export {
  type ActionDescription,
  describeEntities,
  type EntityDescription,
  type ParameterDescription,
  type RelationshipDescription,
} from "./connector/describe-entities";
export { type LoadConnectorModelOptions, loadConnectorModel } from "./connector/load-connector-model";
export { getEntity, getOperation, listEntityNames, requireOperation } from "./connector/lookup";
export type {
  AiHints,
  AuthConfigSpec,
  AuthType,
  ConnectorModel,
  EntityModel,
  EntityRelationship,
  GraphqlBodyModel,
  HttpMethod,
  JsonSchema,
  ModelWarning,
  OperationModel,
  ParamConfigInject,
  ParameterLocation,
  ParameterModel,
  RequestBodyModel,
  ResponseErrorCheck,
  ScopingRule,
  SecuritySchemeModel,
  ServerVariable,
  TokenRefreshConfig,
} from "./connector/model";
export type { ConnectorSource } from "./connector/read-spec-source";
export { delay } from "./delay";
export {
  type ByteStream,
  type CallOptions,
  type CheckData,
  type ExecuteOptions,
  type ExecutionConfig,
  ExecutionConfigSchema,
  type ExecutionData,
  type ExecutionResult,
  ExecutionResultSchema,
  type ExecutorProtocol,
  isDownloadResult,
  normalizeExecuteArguments,
} from "./execution";
export {
  type RetryConfig,
  type RetryConfigInput,
  RetryConfigSchema,
  resolveRetryConfig,
} from "./retry-config";
export { revealSecret, Secret, type SecretValue } from "./secret";
