// The authenticated HTTP client a sync gets: base URL, bearer token, timeouts and provider error classification built in.
import { classifyErrorResponse, type ProviderErrorRules } from './error-rules';
import { ProviderError } from './provider-error';
import type { QuotaGuard } from './quota-guard';

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/** A successful answer: its JSON body, and its status and headers for APIs that page or report in headers. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Paths are resolved against the connection's API base URL; absolute URLs (a `next` link the provider handed back)
 * are used as they are. Every method throws a `ProviderError` for an error answer, which the engine acts on.
 */
export interface ProviderHttpClient {
  get<T = unknown>(pathOrUrl: string, options?: RequestOptions): Promise<T>;
  post<T = unknown>(pathOrUrl: string, body: unknown, options?: RequestOptions): Promise<T>;
  /** The whole answer, for when the headers matter (a `Link` header, a total count). `body` is sent as JSON. */
  request<T = unknown>(method: HttpMethod, pathOrUrl: string, options?: RequestOptions & { body?: unknown }): Promise<HttpResponse<T>>;
}

export interface ResponseInfo {
  status: number;
  headers: Headers;
}

export interface HttpClientOptions {
  baseUrl: string;
  accessToken: string;
  errorRules: ProviderErrorRules;
  timeoutMs: number;
  /** Aborts in-flight requests, e.g. when Temporal cancels the activity. */
  signal?: AbortSignal;
  /** Sees every answer, e.g. to read quota headers. */
  onResponse?: (info: ResponseInfo) => void;
  /** Sees every request that got no answer at all (reset, timeout); not called when `signal` cancelled it. */
  onNoResponse?: (error: Error) => void;
  /** Reads the usage every answer reports and refuses to start a request once too much of the quota is used. */
  quota?: QuotaGuard;
  /** A permit per request, held until its body is read (see ConcurrencyLimit); waiting for it is not timed out. */
  limiter?: { acquire(signal?: AbortSignal): Promise<() => void> };
}

export function createProviderHttpClient(options: HttpClientOptions): ProviderHttpClient {
  async function send<T>(method: HttpMethod, pathOrUrl: string, body: unknown, request: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = new URL(pathOrUrl, options.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    options.quota?.assertRoom();
    const release = options.limiter ? await options.limiter.acquire(options.signal) : () => undefined;
    const signals = [AbortSignal.timeout(options.timeoutMs)];
    if (options.signal) signals.push(options.signal);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${options.accessToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      options.onNoResponse?.(error as Error);
      // Network errors, resets and timeouts: the request may be fine, the path to the provider was not.
      throw new ProviderError('transient', `${method} ${url.pathname} failed: ${describeNoResponse(error as Error, options.timeoutMs)}`);
    } finally {
      release();
    }
    options.quota?.observe(response.headers);
    options.onResponse?.({ status: response.status, headers: response.headers });
    if (!response.ok) throw classifyErrorResponse(options.errorRules, response.status, response.headers, text);
    try {
      // A write answered 204 No Content (Salesforce's PATCH) has no body to parse.
      return { status: response.status, headers: response.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
    } catch {
      throw new ProviderError('transient', `${method} ${url.pathname} returned a truncated or invalid JSON body`, {
        status: response.status,
      });
    }
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
