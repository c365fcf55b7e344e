// The proxy's story: find the connection's API host and token, send the caller's request there, hand the answer back.
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { Store } from '../../store/store';
import type { ConnectionWorkflows } from '../connection-workflows';
import { authorizationHeader } from '../../security/authorization-header';
import { FreshCredentials } from '../fresh-credentials';
import { connectionApiBaseUrl } from '../../security/connection-api-base-url';
import { UrlRefusedError } from '../../security/provider-urls';
import { isGatewayError, quickRetryWaitMs } from '../../contracts/provider-waits';
import { IDEMPOTENT_METHODS, forwardedRequestHeaders, proxyTarget, returnedResponseHeaders } from '../proxy/proxy-target';

export interface ProxySettings {
  /** Largest request body accepted and largest answer passed back; a longer answer is cut off (the caller sees an aborted body). */
  maxBodyBytes: number;
  /** How long a request that met a 401 waits for the connection workflow to store new credentials. */
  refreshWaitMs: number;
  /** One request to the provider, from sending to the answer's headers. */
  requestTimeoutMs: number;
  /** Extra attempts for idempotent methods that got no answer or a gateway error (502, 503, 504). */
  idempotentRetries: number;
  /** A proxied 401 forces a refresh of a connection at most this often (and never twice for one generation). */
  forcedRefreshMinIntervalMs: number;
}

export const DEFAULT_PROXY_SETTINGS: ProxySettings = {
  maxBodyBytes: 10 * 1024 * 1024,
  refreshWaitMs: 30_000,
  requestTimeoutMs: 60_000,
  idempotentRetries: 2,
  forcedRefreshMinIntervalMs: 60_000,
};

/** A caller is waiting on the answer: quick retries only, the first after this long (see contracts/provider-waits.ts). */
const FIRST_RETRY_WAIT_MS = 200;

export class ProxyUseCases {
  private readonly freshCredentials: FreshCredentials;

  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    workflows: ConnectionWorkflows,
    private readonly settings: ProxySettings,
    private readonly logger: Logger,
  ) {
    this.freshCredentials = new FreshCredentials(store, workflows, settings);
  }

  /** `pathAndQuery`: what followed `/proxy` in the request's URL, as sent. */
  async forward(req: Request, res: Response, pathAndQuery: string): Promise<void> {
    const connectionId = req.get('connection-id');
    if (!connectionId) throw AppError.invalid('headers.connection-id', 'is required: the connection whose credentials the request uses');
    const connection = await this.store.connections.get(connectionId);
    const integrationHeader = req.get('provider-config-key');
    if (integrationHeader !== undefined && integrationHeader !== connection.integration) {
      // Well-formed, but naming an integration the connection is not under: a conflict with what exists, like a cursor of another feed.
      throw new AppError('conflict', `headers.provider-config-key: connection "${connectionId}" belongs to integration "${connection.integration}"`);
    }
    if (connection.status === 'auth_error') {
      throw new AppError('conflict', `connection "${connectionId}" is in auth_error${connection.statusReason ? `: ${connection.statusReason}` : ''}; the customer must reconnect`);
    }
    const baseUrl = await this.baseUrlOf(connectionId, connection.integration, connection.provider);
    const target = proxyTarget(baseUrl, pathAndQuery);
    // The connection's base URL obeys the provider's host rules like every other request carrying its token.
    try {
      await this.catalog.urlRules(connection.provider).checkBeforeConnect(target);
    } catch (error) {
      if (error instanceof UrlRefusedError) throw new AppError('conflict', `the connection's API host is not allowed: ${error.message}`);
      throw error;
    }
    const method = req.method.toUpperCase();
    const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    const headers = forwardedRequestHeaders(req.headers);
    const log = this.logger.child({ connectionId, method, path: target.pathname });

    const { authorizationScheme } = this.catalog.get(connection.provider).api;
    let { generation, credentials } = await this.store.connections.readCredentials(connectionId);
    let answer = await this.send(method, target, headers, body, credentials.accessToken, authorizationScheme);
    if (answer.status === 401) {
      // Refresh belongs to the connection workflow; the proxy only asks for it and waits (see FreshCredentials).
      const claim = await this.freshCredentials.claim(connectionId, generation);
      if (claim === 'refused') {
        // Credentials refreshed moments ago and refused again: another refresh would not help; the caller sees why.
        log.info({ generation }, 'provider answered 401 again soon after a forced refresh; handing it back');
        return this.relay(answer, res, log);
      }
      await answer.body?.cancel();
      if (claim === 'granted') log.info({ generation }, 'provider answered 401; asking the connection workflow to refresh');
      await this.freshCredentials.awaitRefresh(connectionId, generation, claim);
      ({ generation, credentials } = await this.store.connections.readCredentials(connectionId));
      answer = await this.send(method, target, headers, body, credentials.accessToken, authorizationScheme);
    }
    await this.relay(answer, res, log);
  }

  /** The customer's own host (Salesforce's instance URL) first, then the integration's, then the provider's: as syncs do. */
  private async baseUrlOf(connectionId: string, integrationKey: string, providerKey: string): Promise<string> {
    const { credentials } = await this.store.connections.readCredentials(connectionId);
    const integration = await this.store.integrations.find(integrationKey);
    const baseUrl = connectionApiBaseUrl(credentials, integration, this.catalog.get(providerKey));
    if (!baseUrl) throw new AppError('conflict', `connection "${connectionId}" has no API host yet (no access token issued)`);
    return baseUrl;
  }

  /** Sends once, or for idempotent methods up to `idempotentRetries` more times when no answer or a gateway error came back. */
  private async send(
    method: string,
    target: URL,
    headers: Record<string, string>,
    body: Buffer | undefined,
    accessToken: string | null,
    authorizationScheme: string | undefined,
  ): Promise<globalThis.Response> {
    const attempts = 1 + (IDEMPOTENT_METHODS.has(method) ? this.settings.idempotentRetries : 0);
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await fetch(target, {
          method,
          headers: { ...headers, ...(accessToken ? { authorization: authorizationHeader(accessToken, authorizationScheme) } : {}) },
          body: method === 'GET' || method === 'HEAD' ? undefined : body,
          // Never follow a redirect with the token: the caller gets the 3xx and decides.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
        });
        if (attempt < attempts && isGatewayError(answer.status)) {
          await answer.body?.cancel();
        } else {
          return answer;
        }
      } catch (error) {
        if (attempt >= attempts) {
          throw new AppError('unavailable', `${method} ${target.pathname}: the provider did not answer (${(error as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed'})`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, quickRetryWaitMs(attempt, FIRST_RETRY_WAIT_MS)));
    }
  }

  /** Status and headers as the provider sent them (rate-limit answers included), then the body streamed up to the byte limit. */
  private async relay(answer: globalThis.Response, res: Response, log: Logger): Promise<void> {
    const declared = Number(answer.headers.get('content-length') ?? NaN);
    if (declared > this.settings.maxBodyBytes) {
      await answer.body?.cancel();
      throw new AppError('unavailable', `the provider's answer is ${declared} bytes, over the proxy's limit of ${this.settings.maxBodyBytes}`);
    }
    res.status(answer.status).set(returnedResponseHeaders(answer.headers));
    if (!answer.body) {
      res.end();
      return;
    }
    let seen = 0;
    const limit = this.settings.maxBodyBytes;
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        if (seen > limit) done(new Error(`answer exceeded the proxy's limit of ${limit} bytes`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream), capped, res);
    } catch (error) {
      // Headers are gone already: the only honest signal left is an aborted body, never a silently short one.
      log.warn({ err: (error as Error).message }, 'proxied answer cut off');
      res.destroy();
    }
  }
}
