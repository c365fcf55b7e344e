// The authenticated HTTP client a sync gets: base URL, bearer token, timeouts and provider error classification built in.
import { authorizationHeader } from '../security/authorization-header';
import { BodyTooLargeError, isRedirect, readTextWithLimit } from '../security/limited-body';
import { UrlRefusedError, type ProviderUrlRules } from '../security/provider-urls';
import type { ProviderErrorRules } from '../sync/error-rules';
import { answerOf, requestUrl, type HttpMethod, type HttpResponse, type ProviderHttpClient, type RequestOptions } from '../sync/http-client';
import { ProviderError } from '../sync/provider-error';
import type { QuotaGuard } from './quota-guard';

export interface ResponseInfo {
  status: number;
  headers: Headers;
  method: HttpMethod;
  /** As sent (the query included): whoever logs it must drop what may be secret (see sync-engine/loggable-request.ts). */
  url: URL;
  /** From sending the request (its permit held) to its last body byte. */
  ms: number;
}

/** A request that got no answer at all, for the same observers. */
export interface NoResponseInfo {
  method: HttpMethod;
  url: URL;
  ms: number;
}

/** One request and its whole answer, as a recording keeps it (see sync-engine/sync-recorder.ts). */
export interface ProviderExchange {
  method: HttpMethod;
  /** As sent: the connection's base URL resolved, the query added. */
  url: URL;
  /** The JSON body sent, undefined for none. */
  requestBody: unknown;
  status: number;
  headers: Headers;
  /** The answer's body as read ('' for a redirect, which is never read). */
  text: string;
}

export interface HttpClientOptions {
  baseUrl: string;
  accessToken: string;
  /** The `Authorization` scheme the token is sent with: the provider's `api.authorizationScheme`, `Bearer` by default. */
  authorizationScheme?: string;
  /** Where the provider's access token may go: the base URL and every request are checked before anything is sent. */
  urlRules: ProviderUrlRules;
  /** Bodies (pages and errors) longer than this are refused: the provider's `api.maxResponseBytes`. */
  maxResponseBytes: number;
  errorRules: ProviderErrorRules;
  timeoutMs: number;
  /** Aborts in-flight requests, e.g. when Temporal cancels the activity. */
  signal?: AbortSignal;
  /** Sees every answer, e.g. to read quota headers. */
  onResponse?: (info: ResponseInfo) => void;
  /**
   * Sees every request with its whole answer, for a recording (a dry run's `--save`). Unset on the engine's runs, where
   * it costs nothing: nothing is copied for it.
   */
  onExchange?: (exchange: ProviderExchange) => void;
  /** Sees every request that got no answer at all (reset, timeout); not called when `signal` cancelled it. */
  onNoResponse?: (error: Error, request: NoResponseInfo) => void;
  /** Reads the usage every answer reports and refuses to start a request once too much of the quota is used. */
  quota?: QuotaGuard;
  /** A permit per request, held until its body is read (see ConcurrencyLimit); waiting for it is not timed out. */
  limiter?: { acquire(signal?: AbortSignal): Promise<() => void> };
  /**
   * Wraps every request from its permit wait to its last body byte, e.g. to heartbeat an activity while a slow
   * provider thinks: a request may rightly take longer than the activity's heartbeat timeout.
   */
  whileWaiting?: <T>(waiting: Promise<T>) => Promise<T>;
}

export function createProviderHttpClient(options: HttpClientOptions): ProviderHttpClient {
  function send<T>(method: HttpMethod, pathOrUrl: string, body: unknown, request: RequestOptions = {}): Promise<HttpResponse<T>> {
    const sending = sendNow<T>(method, pathOrUrl, body, request);
    return options.whileWaiting ? options.whileWaiting(sending) : sending;
  }

  async function sendNow<T>(method: HttpMethod, pathOrUrl: string, body: unknown, request: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = requestUrl(await checkedBaseUrl(), pathOrUrl, request.query);
    options.quota?.assertRoom();
    const release = options.limiter ? await options.limiter.acquire(options.signal) : () => undefined;
    const sentAt = Date.now();
    const signals = [AbortSignal.timeout(options.timeoutMs)];
    if (options.signal) signals.push(options.signal);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: authorizationHeader(options.accessToken, options.authorizationScheme),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
        // A redirect would re-send the bearer token to wherever Location points.
        redirect: 'manual',
      });
      text = isRedirect(response) ? '' : await readTextWithLimit(response, options.maxResponseBytes);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof BodyTooLargeError) {
        throw new ProviderError('permanent', `${method} ${url.pathname} answered more than ${error.maxBytes} bytes (the provider's api.maxResponseBytes)`);
      }
      options.onNoResponse?.(error as Error, { method, url, ms: Date.now() - sentAt });
      // Network errors, resets and timeouts: the request may be fine, the path to the provider was not.
      throw new ProviderError('transient', `${method} ${url.pathname} failed: ${describeNoResponse(error as Error, options.timeoutMs)}`);
    } finally {
      release();
    }
    options.quota?.observe(response.headers);
    options.onResponse?.({ status: response.status, headers: response.headers, method, url, ms: Date.now() - sentAt });
    options.onExchange?.({ method, url, requestBody: body, status: response.status, headers: response.headers, text });
    return answerOf<T>(method, url, { status: response.status, headers: response.headers, text, redirect: isRedirect(response) }, options.errorRules);
  }

  /** The base URL must pass the provider's rules; every request must then stay on its origin (requestUrl). */
  // Checked (and its host resolved) once per client, i.e. once per sync slice.
  let checkedBase: Promise<URL> | undefined;
  function checkedBaseUrl(): Promise<URL> {
    checkedBase ??= options.urlRules.checkBeforeConnect(options.baseUrl).catch((error: unknown) => {
      if (!(error instanceof UrlRefusedError)) throw error;
      throw new ProviderError('permanent', `the connection's API URL ${error.message}; no request was sent`);
    });
    return checkedBase;
  }

  return {
    async get<T>(pathOrUrl: string, request?: RequestOptions): Promise<T> {
      return (await send<T>('GET', pathOrUrl, undefined, request)).body;
    },
    async post<T>(pathOrUrl: string, body: unknown, request?: RequestOptions): Promise<T> {
      return (await send<T>('POST', pathOrUrl, body, request)).body;
    },
    request<T>(method: HttpMethod, pathOrUrl: string, { body, ...request }: RequestOptions & { body?: unknown } = {}) {
      return send<T>(method, pathOrUrl, body, request);
    },
  };
}

/** fetch says "This operation was aborted" for a timeout and "fetch failed" for a reset: name the actual cause. */
function describeNoResponse(error: Error, timeoutMs: number): string {
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : (cause?.message ?? error.message);
}
