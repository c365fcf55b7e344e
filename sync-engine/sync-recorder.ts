// Records a sync's provider requests and answers (hooked into the HTTP client's onExchange), scrubbed of secrets and
// hosts, and refuses to hand out a recording in which any known secret would remain.
import { writeFile } from 'node:fs/promises';
import type { ProviderExchange } from './provider-http-client';
import { PLACEHOLDER_ORIGIN, RECORDING_FORMAT, RECORDING_VERSION, SCRUBBED, parseRecording, type RecordedExchange, type RecordedRun, type Recording } from '../sync/recording';
import { findSecrets, urlForms } from './secret-search';

/**
 * Response headers a sync may read: paging (`Link`), waits (`Retry-After`, `*-RateLimit-Reset`), usage and quotas
 * (`Sforce-Limit-Info`, `X-HubSpot-RateLimit-*`, `X-MS-RateLimit-*`), totals. Everything else (cookies, request ids,
 * dates, server names) stays out: it is noise in a fixture at best and a credential at worst.
 */
const KEPT_HEADERS = /^(link|retry-after|x-total-count|etag|last-modified)$|limit|quota/;
/** Never kept, whatever `keepHeaders` says: credentials by nature, and no sync reads them. */
const NEVER_KEPT = new Set(['set-cookie', 'authorization', 'proxy-authorization', 'cookie']);
/** Shorter secrets would match ordinary text: a recording could not honestly be said to be free of them. */
const MIN_SECRET_LENGTH = 8;

export interface SyncRecorderOptions {
  /** The connection's API base URL (Salesforce's instance URL): its origin becomes the placeholder origin. */
  apiBaseUrl: string;
  /** More of the connection's hosts to hide wherever they appear (origins such as `https://login.example.com`, or host names). */
  hosts?: readonly string[];
  /**
   * The values that must never be written, by what they are: `{ 'access token': …, 'client secret': … }`. They are
   * scrubbed from URLs (paths, next-page links in bodies and headers) and kept headers; anywhere else they refuse the
   * recording. Empty values are ignored (no refresh token issued).
   */
  secrets: Readonly<Record<string, string | null | undefined>>;
  /** The run being recorded: what runSyncOffline replays by default. */
  run: RecordedRun;
  provider?: string;
  model?: string;
  description?: string;
  /** Response headers to keep besides KEPT_HEADERS (names, any case). */
  keepHeaders?: readonly string[];
  now?: () => Date;
}

/** The recording would still hold a secret: nothing was written or returned. */
export class RecordingRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingRefusedError';
  }
}

/**
 * Pass `recorder.onExchange` as the HTTP client's `onExchange` (createProviderHttpClient, openConnectionHttp), run the
 * sync, then `save(file)` or `recording()`. Exchanges are scrubbed as they arrive, so no answer's secrets are held
 * longer than the request that brought them; the check for what remains runs over the serialized text.
 */
export class SyncRecorder {
  private readonly exchanges: RecordedExchange[] = [];
  private readonly secrets: { label: string; value: string }[];
  /** Longest first, so an origin is replaced before a host name it contains. */
  private readonly hostForms: { from: string; to: string }[];
  private readonly keepHeaders: Set<string>;
  private readonly apiBase: string;
  private readonly recordedAt: string;
  private stopAfterPages: number | undefined;

  constructor(private readonly options: SyncRecorderOptions) {
    this.secrets = Object.entries(options.secrets)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
      .map(([label, value]) => ({ label, value }));
    const short = this.secrets.filter((secret) => secret.value.length < MIN_SECRET_LENGTH).map((secret) => secret.label);
    if (short.length > 0) {
      throw new RecordingRefusedError(`cannot record: secret(s) ${short.join(', ')} are shorter than ${MIN_SECRET_LENGTH} characters and cannot be told apart from ordinary text`);
    }
    const base = new URL(options.apiBaseUrl);
    const placeholder = new URL(PLACEHOLDER_ORIGIN);
    const forms: { from: string; to: string }[] = [];
    for (const host of [base.origin, ...(options.hosts ?? [])]) {
      const url = host.includes('://') ? new URL(host) : null;
      if (url) forms.push({ from: url.origin, to: PLACEHOLDER_ORIGIN });
      forms.push({ from: url ? url.host : host, to: placeholder.host });
    }
    this.hostForms = forms.filter((form) => form.from !== '').sort((a, b) => b.from.length - a.from.length);
    this.keepHeaders = new Set((options.keepHeaders ?? []).map((name) => name.toLowerCase()));
    this.apiBase = `${PLACEHOLDER_ORIGIN}${base.pathname}`;
    this.recordedAt = (options.now ?? (() => new Date()))().toISOString();
  }

  /** For the HTTP client's `onExchange`. */
  readonly onExchange = (exchange: ProviderExchange): void => {
    const headers: Record<string, string> = {};
    exchange.headers.forEach((value, name) => {
      if (this.keeps(name)) headers[name] = this.scrubUrl(this.hideHosts(value));
    });
    this.exchanges.push({
      request: {
        method: exchange.method,
        // A query may carry a URL of the connection's own (a redirect target, a callback): its host goes too.
        path: this.scrubUrl(this.hideHosts(exchange.url.pathname + exchange.url.search)),
        // As it went over the wire (a Date as its ISO text, undefined fields left out), which is what a replay compares.
        ...(exchange.requestBody === undefined ? {} : { body: this.scrubValue(JSON.parse(JSON.stringify(exchange.requestBody))) }),
      },
      response: { status: exchange.status, headers, ...this.recordedBody(exchange.text) },
    });
  };

  get exchangeCount(): number {
    return this.exchanges.length;
  }

  /**
   * The recorded run stopped after `pages` pages though the sync had more (a dry run's `--limit`): a replay stops
   * there too (`run.stopAfterPages`) instead of asking for a page that was never recorded.
   */
  stoppedAfter(pages: number): void {
    this.stopAfterPages = pages;
  }

  /** The recording as JSON text, checked: throws RecordingRefusedError, naming where, if a secret remains. */
  serialize(): string {
    const recording: Recording = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      ...(this.options.description ? { description: this.options.description } : {}),
      ...(this.options.provider ? { provider: this.options.provider } : {}),
      ...(this.options.model ? { model: this.options.model } : {}),
      recordedAt: this.recordedAt,
      apiBase: this.apiBase,
      // A checkpoint may hold a next-page URL too.
      run: this.scrubValue({ ...this.options.run, ...(this.stopAfterPages === undefined ? {} : { stopAfterPages: this.stopAfterPages }) }) as RecordedRun,
      exchanges: this.exchanges,
    };
    const text = formatRecording(recording);
    // The whole text, not the fields the scrubber visited: whatever path a secret took in, it must not get out.
    const found = findSecrets(text, JSON.parse(text), this.secrets);
    if (found.length > 0) {
      const places = found.map(({ label, where }) => `the ${label} at ${where}`).join('; ');
      throw new RecordingRefusedError(
        `the recording would contain ${places}; nothing was written. Secrets are scrubbed only from URLs and headers: ` +
          'one inside a response or request body is data the sync reads, and changing it would make the recording lie',
      );
    }
    return text;
  }

  /** The checked recording as an object, e.g. to replay it at once with runSyncOffline. */
  recording(): Recording {
    return parseRecording(JSON.parse(this.serialize()));
  }

  /** Writes the checked recording; on a refusal nothing is written. */
  async save(file: string): Promise<void> {
    await writeFile(file, this.serialize());
  }

  /** JSON as JSON, so a fixture reads (and diffs) as data; anything else as text, hosts hidden. */
  private recordedBody(text: string): { body?: unknown; text?: string } {
    if (text === '') return {};
    try {
      return { body: this.scrubValue(JSON.parse(text)) };
    } catch {
      return { text: this.hideHosts(text) };
    }
  }

  private keeps(name: string): boolean {
    const lower = name.toLowerCase();
    return !NEVER_KEPT.has(lower) && (KEPT_HEADERS.test(lower) || this.keepHeaders.has(lower));
  }

  private hideHosts(text: string): string {
    let result = text;
    for (const { from, to } of this.hostForms) result = result.split(from).join(to);
    return result;
  }

  /** A URL (or a header that holds some): every form a secret takes in one becomes SCRUBBED. */
  private scrubUrl(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      for (const form of urlForms(secret.value)) result = result.replace(new RegExp(escapeRegExp(form), 'gi'), SCRUBBED);
    }
    return result;
  }

  /** A JSON body: hosts hidden in every string; secrets scrubbed only from strings that are URLs (next-page links). */
  private scrubValue(value: unknown): unknown {
    if (typeof value === 'string') {
      const hidden = this.hideHosts(value);
      return /^(https?:\/\/|\/)/i.test(hidden) ? this.scrubUrl(hidden) : hidden;
    }
    if (Array.isArray(value)) return value.map((item) => this.scrubValue(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.scrubValue(item)]));
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Indented down to each record of a page (`exchanges[i].response.body.records[j]`), each record on one line: a
 * fixture stays readable and its diff shows which records changed, without a line per field.
 */
export function formatRecording(recording: Recording): string {
  return `${format(recording, 0)}\n`;
}

const INDENTED_LEVELS = 6;

function format(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object' || depth >= INDENTED_LEVELS) return JSON.stringify(value);
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${pad}${format(item, depth + 1)}`).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${pad}${JSON.stringify(key)}: ${format(item, depth + 1)}`).join(',\n')}\n${end}}`;
}
