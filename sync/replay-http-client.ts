// A ProviderHttpClient that answers from a recording instead of the provider: each request gets the first recorded
// answer not yet served with the same method, path, query and body; one with no answer left fails naming the nearest.
import { isRedirect } from '../security/limited-body';
import type { ProviderErrorRules } from './error-rules';
import { answerOf, requestUrl, type HttpMethod, type HttpResponse, type ProviderHttpClient, type RequestOptions } from './http-client';
import type { Recording } from './recording';

/** How a provider without its own rules reads error answers: 401 expired, 429 wait, 5xx retry, the rest permanent. */
export const GENERIC_ERROR_RULES: ProviderErrorRules = {
  errorCodePath: [],
  errorMessagePath: [],
  rules: [],
  rateLimitBackoff: { baseMs: 5_000, capMs: 10 * 60_000 },
  maxRateLimitWaitMs: 24 * 60 * 60_000,
};

/** One request the sync made offline and what answered it. */
export interface ServedRequest {
  method: HttpMethod;
  /** Decoded for reading, parameters in name order: `/services/data/v62.0/queryAll?q=SELECT Id, …`. */
  path: string;
  status: number;
  /** Its index in `recording.exchanges`; `null` when `whenMissing` answered it. */
  exchange: number | null;
}

/** The sync asked for something the recording has no answer (left) for: the sync changed, or the recording is short. */
export class RecordingMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingMismatchError';
  }
}

/** Shown in a mismatch: enough to spot the difference, few enough to read. */
const NEAREST_SHOWN = 3;

export class ReplayHttpClient implements ProviderHttpClient {
  /** What this client answered, in order. */
  readonly served: ServedRequest[] = [];
  private readonly used = new Set<number>();
  private readonly base: URL;
  private readonly keys: string[];
  private readonly bodies: string[];

  /**
   * `whenMissing`: a live client that answers what the recording cannot (and records it, through its onExchange):
   * how a recording grows by the runs resumed from its checkpoints without holding any request twice.
   */
  constructor(
    private readonly recording: Recording,
    private readonly errorRules: ProviderErrorRules = GENERIC_ERROR_RULES,
    private readonly whenMissing?: ProviderHttpClient,
  ) {
    this.base = new URL(recording.apiBase);
    this.keys = recording.exchanges.map(({ request }) => requestKey(request.method, new URL(request.path, this.base)));
    this.bodies = recording.exchanges.map(({ request }) => canonicalJson(request.body));
  }

  async get<T>(pathOrUrl: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>('GET', pathOrUrl, options)).body;
  }

  async post<T>(pathOrUrl: string, body: unknown, options?: RequestOptions): Promise<T> {
    return (await this.request<T>('POST', pathOrUrl, { ...options, body })).body;
  }

  async request<T>(method: HttpMethod, pathOrUrl: string, { body, ...options }: RequestOptions & { body?: unknown } = {}): Promise<HttpResponse<T>> {
    // The live client's own URL rules: a next-page link to another origin fails here exactly as it would there.
    const url = requestUrl(this.base, pathOrUrl, options.query);
    const key = requestKey(method, url);
    const index = this.take(key, body);
    if (index === null) {
      const live = await this.whenMissing!.request<T>(method, pathOrUrl, { ...options, body });
      this.served.push({ method, path: key.slice(method.length + 1), status: live.status, exchange: null });
      return live;
    }
    const { response } = this.recording.exchanges[index];
    this.served.push({ method, path: key.slice(method.length + 1), status: response.status, exchange: index });
    const text = response.body !== undefined ? JSON.stringify(response.body) : (response.text ?? '');
    const redirect = isRedirect(new Response(null, { status: response.status }));
    return answerOf<T>(method, url, { status: response.status, headers: new Headers(response.headers), text, redirect }, this.errorRules);
  }

  /**
   * The first unserved exchange with this method, path, query and body. A search API's query is its body, so a
   * changed filter must not be answered with what another filter found, any more than a changed query string.
   */
  private take(key: string, body: unknown): number | null {
    const sent = canonicalJson(body);
    const index = this.keys.findIndex((candidate, i) => candidate === key && this.bodies[i] === sent && !this.used.has(i));
    if (index < 0 && this.whenMissing) return null;
    if (index < 0) throw this.mismatch(key, sent);
    this.used.add(index);
    return index;
  }

  private mismatch(key: string, sent: string): RecordingMismatchError {
    const nearest = this.keys
      .map((candidate, index) => ({ candidate, index, score: likeness(key, candidate) + (this.bodies[index] === sent ? 0.5 : 0) }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, NEAREST_SHOWN)
      .map(({ candidate, index }) => {
        const notes = [
          ...(candidate === key && this.bodies[index] !== sent ? [`another body: ${shorten(this.bodies[index])}`] : []),
          ...(this.used.has(index) ? ['already served in this run'] : []),
        ];
        return `  #${index} ${candidate}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
      });
    const body = sent === '' ? '' : ` with body ${shorten(sent)}`;
    return new RecordingMismatchError(
      `request ${this.served.length + 1} of this run, ${key}${body}, has no recorded answer left ` +
        `(${this.recording.exchanges.length} recorded, ${this.used.size} served). ` +
        (nearest.length > 0 ? `Nearest recorded:\n${nearest.join('\n')}` : 'The recording has no exchanges.'),
    );
  }
}

/** JSON with keys sorted, so a hand-written recording need not list them in the order the sync builds them. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * `GET /path?a=1&b=2`, decoded and with the query's parameters in name order: `%2C` and `,`, `+` and `%20`, or a
 * hand-written recording's own parameter order make no difference; the path and every value do.
 */
function requestKey(method: string, url: URL): string {
  const parameters = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = parameters.map(([name, value]) => `${name}=${value}`).join('&');
  return `${method} ${safeDecode(url.pathname)}${query ? `?${query}` : ''}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** How alike two requests read: the longer their common start, the nearer (method and path come first in a key). */
function likeness(a: string, b: string): number {
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  return same - Math.abs(a.length - b.length) / 1000;
}
