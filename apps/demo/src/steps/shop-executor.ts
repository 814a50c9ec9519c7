import { type ConnectorModel, Secret } from "@execkit/core";
import { LocalExecutor } from "@execkit/local-executor";
import type { Sandbox } from "../sandbox/sandbox-server";

/**
 * A LocalExecutor for the Acme Shop connector, pointed at the sandbox. The same code reaches the real API with
 * the default `api_origin` and real credentials; only `configValues` and `authConfig` change.
 */
export function createShopExecutor(
  model: ConnectorModel,
  sandbox: Sandbox,
  onTokenRefresh?: () => void,
): LocalExecutor {
  const { accessToken, refreshToken, clientId, clientSecret } = sandbox.credentials;
  return new LocalExecutor({
    model,
    // Secret keeps the values out of logs, errors and console.log of the options.
    authConfig: {
      access_token: new Secret(accessToken),
      refresh_token: new Secret(refreshToken),
      client_id: clientId,
      client_secret: new Secret(clientSecret),
    },
    configValues: { api_origin: sandbox.url },
    onTokenRefresh,
    timeoutMs: 10_000,
  });
}
