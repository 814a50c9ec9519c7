// Every export of this file is public API of @execkit/hosted-executor.
export { DEFAULT_API_URL } from "./cloud-protocol";
export { HostedExecutor } from "./hosted-executor";
export { DEFAULT_TIMEOUT_MS, HOSTED_RETRY_DEFAULTS, type HostedExecutorOptions } from "./hosted-options";
