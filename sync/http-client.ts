// What a sync's HTTP client is (the interface it is handed), where a request goes and what an answer means: shared
// by the engine's live client (sync-engine/provider-http-client.ts) and the offline replay, so both behave alike.
import { classifyErrorResponse, type ProviderErrorRules } from './error-rules';
import { ProviderError } from './provider-error';

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH';

/** A successful answer: its JSON body, and its status and headers for APIs that page or report in headers. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Paths are resolved against the connection's API base URL (see resolveApiPath); absolute URLs (a `next` link the provider handed back)
 * are used as they are if they keep the base URL's origin. Every method throws a `ProviderError` for an error answer,
 * which the engine acts on.
 */
export interface ProviderHttpClient {
  get<T = unknown>(pathOrUrl: string, options?: RequestOptions): Promise<T>;
  post<T = unknown>(pathOrUrl: string, body: unknown, options?: RequestOptions): Promise<T>;
  /** The whole answer, for when the headers matter (a `Link` header, a total count). `body` is sent as JSON. */
  request<T = unknown>(method: HttpMethod, pathOrUrl: string, options?: RequestOptions & { body?: unknown }): Promise<HttpResponse<T>>;
}

/**
 * Where a request goes: a path against the connection's base URL, or an absolute URL the provider handed back (a next
 * page) as long as it keeps the base's origin, with the query's defined values added. Shared with the offline client,
 * so a replayed sync asks for exactly what it would ask the provider for.
 */
export function requestUrl(base: URL, pathOrUrl: string, query: RequestOptions['query'] = {}): URL {
  const url = resolveApiPath(base, pathOrUrl);
  if (url.origin !== base.origin || url.username || url.password) {
    throw new ProviderError('permanent', `a URL the provider handed back leaves the API's origin ${base.origin}; it was not followed`);
  }
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/**
 * A path against an API base, as RFC 3986 resolves references against a directory: `/x` against the base's origin (the
 * built-in providers' paths), `x` under the base's path (`{environmentUrl}/api/data/v9.2` + `contacts`), an absolute
 * URL as it is. A base without a path treats both alike.
 */
export function resolveApiPath(base: URL | string, pathOrUrl: string): URL {
  if (pathOrUrl.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) return new URL(pathOrUrl, base);
  const directory = new URL(base);
  if (!directory.pathname.endsWith('/')) directory.pathname += '/';
  return new URL(pathOrUrl, directory);
}

/**
 * What a sync gets for an answer: its parsed body, or the `ProviderError` the engine acts on (a redirect, an error
 * status classified by the provider's rules, a body that is not JSON). Shared with the offline client, so a recorded
 * answer means what the live one did.
 */
export function answerOf<T>(
  method: HttpMethod,
  url: URL,
  answer: { status: number; headers: Headers; text: string; redirect: boolean },
  errorRules: ProviderErrorRules,
): HttpResponse<T> {
  const { status, headers, text } = answer;
  if (answer.redirect) {
    throw new ProviderError('permanent', `${method} ${url.pathname} answered HTTP ${status}, a redirect; redirects are not followed with credentials`, { status });
  }
  if (status < 200 || status >= 300) throw classifyErrorResponse(errorRules, status, headers, text);
  try {
    // A write answered 204 No Content (Salesforce's PATCH) has no body to parse.
    return { status, headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
  } catch {
    throw new ProviderError('transient', `${method} ${url.pathname} returned a truncated or invalid JSON body`, { status });
  }
}
