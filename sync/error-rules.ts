// Turns a provider's HTTP answer into a ProviderError, using the provider's own error conventions given as data.
import { ProviderError, type ProviderErrorKind } from './provider-error';
import { askedWaitMs, describeWait, type BackoffPolicy, type RateLimitWait } from '../contracts/provider-waits';

export type { RateLimitWait } from '../contracts/provider-waits';

export interface ProviderErrorRule {
  status?: number;
  /** The provider's machine-readable code, read at `errorCodePath`. */
  code?: string;
  /** Matches when the provider's message contains this text (Salesforce tells its two request limits apart only so). */
  messageIncludes?: string;
  /** Matches a JSON body field other than the code, e.g. HubSpot's 429 `{"policyName": "DAILY"}`. */
  bodyField?: { path: string[]; equals: string };
  /**
   * Matches a response header's value: Pipedrive answers its daily-budget 429 and its two-second burst 429 alike, but
   * only the burst one leaves `x-ratelimit-remaining` at 0.
   */
  header?: { name: string; matches: RegExp };
  kind: ProviderErrorKind;
  /** For `rate_limited` answers whose headers name no wait. */
  wait?: RateLimitWait;
  /**
   * The answer's reset headers describe another limit than the one that refused it (Pipedrive sends its two-second
   * window's `x-ratelimit-reset` with a daily-budget refusal): `wait` applies whatever they say.
   */
  ignoreResetHeaders?: true;
  reason: string;
}

export interface ProviderErrorRules {
  /** Where a JSON error body keeps its code, e.g. `['0', 'errorCode']` for Salesforce's error arrays. */
  errorCodePath: string[];
  errorMessagePath: string[];
  /** Checked in order before the generic HTTP rules. */
  rules: ProviderErrorRule[];
  /** Headers that say when a limit resets, read after `Retry-After`; default `X-RateLimit-Reset` and its spellings. */
  rateLimitResetHeaders?: string[];
  /** Rate-limit answers that name no wait at all back off exponentially, with full jitter, up to a cap. */
  rateLimitBackoff: BackoffPolicy;
  /** No wait a provider names (Retry-After, a reset header, a rule) is longer than this; longer ones are clamped. */
  maxRateLimitWaitMs: number;
  /**
   * Answers that mean a requested field does not exist or is hidden from the integration user (its permissions
   * changed since the fields were listed): a sync run that chose its fields lists them again and retries once, reading
   * the field no more. They are classified as usual (`rules`, then the HTTP status) before that.
   */
  fieldErrors?: FieldErrorRule[];
}

/** Matches an error answer by its status and the provider's code (read at `errorCodePath`). */
export interface FieldErrorRule {
  status?: number;
  code: string;
}

/** Whether a classified error is one the provider says is about a field that does not exist or is hidden. */
export function isFieldError(rules: Pick<ProviderErrorRules, 'fieldErrors'>, error: ProviderError): boolean {
  return (rules.fieldErrors ?? []).some(
    (rule) => rule.code === error.details.providerCode && (rule.status === undefined || rule.status === error.details.status),
  );
}

export function classifyErrorResponse(rules: ProviderErrorRules, status: number, headers: Headers, body: string, now = Date.now()): ProviderError {
  const parsed = tryParse(body);
  const shortCode = stringAt(parsed, rules.errorCodePath);
  // Copied into run errors that API clients read: short, and only ever from a host the URL rules allowed.
  const fullMessage = stringAt(parsed, rules.errorMessagePath) ?? body;
  const providerMessage = shorten(fullMessage, MAX_COPIED_MESSAGE);
  const providerCode = shortCode === undefined ? undefined : shorten(shortCode, 100);
  const describe = (reason: string) => `${reason} (HTTP ${status}${providerCode ? ` ${providerCode}` : ''}: ${providerMessage})`;
  const rateLimited = (reason: string, wait: RateLimitWait | undefined, ignoreResetHeaders = false) => {
    const resetHeaders = ignoreResetHeaders ? [] : rules.rateLimitResetHeaders;
    const bounded = askedWaitMs(headers, { resetHeaders, ruleWait: wait, maxWaitMs: rules.maxRateLimitWaitMs }, now);
    const clampNote = bounded?.askedMs === undefined ? '' : `; asked to wait ${describeWait(bounded.askedMs)}, clamped to ${describeWait(bounded.waitMs)}`;
    return new ProviderError('rate_limited', `${describe(reason)}${clampNote}`, {
      status,
      providerCode,
      ...(bounded === undefined ? { backoff: rules.rateLimitBackoff } : { waitMs: bounded.waitMs }),
    });
  };

  for (const rule of rules.rules) {
    if (rule.status !== undefined && rule.status !== status) continue;
    if (rule.code !== undefined && rule.code !== shortCode) continue;
    if (rule.messageIncludes !== undefined && !fullMessage.includes(rule.messageIncludes)) continue;
    if (rule.bodyField !== undefined && stringAt(parsed, rule.bodyField.path) !== rule.bodyField.equals) continue;
    if (rule.header !== undefined && !rule.header.matches.test(headers.get(rule.header.name) ?? '')) continue;
    if (rule.kind === 'rate_limited') return rateLimited(rule.reason, rule.wait, rule.ignoreResetHeaders === true);
    return new ProviderError(rule.kind, describe(rule.reason), { status, providerCode });
  }
  if (status === 401) return new ProviderError('auth_expired', describe('access token rejected'), { status, providerCode });
  if (status === 429) return rateLimited('rate limited', undefined);
  if (status === 408 || status >= 500) return new ProviderError('transient', describe('provider unavailable'), { status, providerCode });
  return new ProviderError('permanent', describe('provider rejected the request'), { status, providerCode });
}

/** How much of a provider's error message a run error keeps. */
// Long enough for Salesforce's INVALID_FIELD, whose useful sentence comes after the whole echoed query.
const MAX_COPIED_MESSAGE = 600;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function tryParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function stringAt(value: unknown, path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}
