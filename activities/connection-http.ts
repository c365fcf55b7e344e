// The authenticated HTTP client of one connection, as every activity that calls its provider opens it.
import type { ProviderCatalog } from '../providers/catalog';
import type { Store } from '../store/store';
import type { HttpMethod } from '../sync/http-client';
import { connectionApiBaseUrl } from '../security/connection-api-base-url';
import { createProviderHttpClient, type HttpClientOptions } from '../sync-engine/provider-http-client';
import { loggablePath } from '../sync-engine/loggable-request';
import { ProviderError } from '../sync/provider-error';
import { toActivityFailure } from './failures';

/** One provider request as the event log may keep it: no token, header value or body; the path without risky query values. */
export interface LoggedRequest {
  method: HttpMethod;
  path: string;
  /** Null: no answer (a reset, a timeout). */
  status: number | null;
  ms: number;
  /** Why there was no answer. */
  error: string | null;
}

type ExtraOptions = Omit<HttpClientOptions, 'baseUrl' | 'accessToken' | 'authorizationScheme' | 'urlRules' | 'maxResponseBytes' | 'errorRules' | 'timeoutMs'> & {
  /** Sees every request, made loggable here, where the connection's tokens are known and can be kept out of it. */
  onRequest?: (request: LoggedRequest) => void;
};

/**
 * The customer's own host (Salesforce's instance URL) first, then the integration's, then the provider's, with the
 * stored access token and the provider's host rules, byte limit, error rules and timeout. `generation` is the
 * credentials' generation, which a 401 reports so the workflow can tell a stale token from a fresh one; `baseUrl` the
 * host chosen (a recording hides it).
 */
export async function openConnectionHttp(
  { store, catalog }: { store: Store; catalog: ProviderCatalog },
  connection: { connectionId: string; integration: string; provider: string },
  extra: ExtraOptions = {},
) {
  const provider = catalog.get(connection.provider);
  const { generation, credentials } = await store.connections.readCredentials(connection.connectionId);
  const integration = await store.integrations.find(connection.integration);
  const baseUrl = connectionApiBaseUrl(credentials, integration, provider);
  if (!baseUrl || !credentials.accessToken) {
    throw toActivityFailure(new ProviderError('auth_expired', 'no access token has been issued yet'), generation);
  }
  const { onRequest, ...options } = extra;
  const secrets = [credentials.accessToken, credentials.refreshToken];
  const http = createProviderHttpClient({
    baseUrl,
    accessToken: credentials.accessToken,
    authorizationScheme: provider.api.authorizationScheme,
    urlRules: catalog.urlRules(provider.key),
    maxResponseBytes: provider.api.maxResponseBytes,
    errorRules: provider.api.errorRules,
    timeoutMs: provider.api.requestTimeoutMs,
    ...options,
    ...(onRequest
      ? {
          onResponse: (info) => {
            options.onResponse?.(info);
            onRequest({ method: info.method, path: loggablePath(info.url, secrets), status: info.status, ms: info.ms, error: null });
          },
          onNoResponse: (error, info) => {
            options.onNoResponse?.(error, info);
            onRequest({ method: info.method, path: loggablePath(info.url, secrets), status: null, ms: info.ms, error: error.message.slice(0, 200) });
          },
        }
      : {}),
  });
  return { generation, provider, integration, http, baseUrl };
}
