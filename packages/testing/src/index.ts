// Every export of this file is public API of @execkit/testing.
export { type AuthVerdict, checkAuth } from "./auth-check";
export {
  type ConformanceCheckOptions,
  type ConformanceOutcome,
  checkOperationConformance,
} from "./conformance-check";
export { expectedDownloadBytes } from "./download-bytes";
export {
  type ExecutorContractFixture,
  type ExecutorContractOptions,
  executorContract,
} from "./executor-contract";
export { type ExpectedExtraction, extractExpected, linkRel } from "./expected-result";
export {
  type FakeCloud,
  type FakeCloudConnector,
  type FakeCloudEndpoint,
  type FakeCloudFault,
  type FakeCloudFaultHandle,
  type FakeCloudOptions,
  type FakeCloudRequest,
  fakeCloudConnector,
  startFakeCloud,
} from "./fake-cloud";
export type { FaultHandle, FaultMatch, FaultSpec, FaultTarget, RequestKind } from "./faults";
export {
  applyAuthMapping,
  findScheme,
  type GenerateCredentialsOptions,
  generateConfigValues,
  generateCredentials,
  needsInitialRefresh,
  primaryScheme,
} from "./generate-credentials";
export {
  GENERATED_SUFFIX,
  type GenerateParamsOptions,
  generateParams,
  graphqlVariableParams,
} from "./generate-params";
export { queryJsonPath, readDotPath } from "./json-path";
export {
  FILE_PATH_PREFIX,
  type MockApi,
  type MockApiOptions,
  type RecordedRequest,
  type RecordedResponse,
  startMockApi,
  TOKEN_PATH,
} from "./mock-api";
export { type PaginationMarker, type PaginationPlan, planPagination } from "./pagination";
export { type ParsedBody, parseFormBody } from "./request-validation";
export { createRoutingDispatcher, ORIGINAL_ORIGIN_HEADER } from "./routing-dispatcher";
export {
  describeWithSharedSpecs,
  listSharedSpecs,
  SHARED_SPECS_MISSING,
  type SharedSpec,
  sharedDir,
  sharedGoldenDir,
  sharedSpecsDir,
} from "./shared-dir";
export { sharedSpecResponses } from "./shared-spec-responses";
export { type SynthesizeOptions, synthesizeValue } from "./synthesize-response";
