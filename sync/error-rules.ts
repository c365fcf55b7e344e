// Turns a provider's HTTP answer into a ProviderError, using the provider's own error conventions given as data.
import { ProviderError, type ProviderErrorKind } from './provider-error';

export interface ProviderErrorRule {
  status?: number;
  /** The provider's machine-readable code, read at `errorCodePath`. */
  code?: string;
  kind: ProviderErrorKind;
  /** For `rate_limited` answers that carry no header saying how long to wait. */
  waitMs?: number;
  reason: string;
}

export interface ProviderErrorRules {
  /** Where a JSON error body keeps its code, e.g. `['0', 'errorCode']` for Salesforce's error arrays. */
  errorCodePath: string[];
  errorMessagePath: string[];
  /** Checked in order before the generic HTTP rules. */
  rules: ProviderErrorRule[];
}

export function classifyErrorResponse(rules: ProviderErrorRules, status: number, headers: Headers, body: string): ProviderError {
  const parsed = tryParse(body);
  const providerCode = stringAt(parsed, rules.errorCodePath);
  const providerMessage = stringAt(parsed, rules.errorMessagePath) ?? body.slice(0, 200);
  const describe = (reason: string) => `${reason} (HTTP ${status}${providerCode ? ` ${providerCode}` : ''}: ${providerMessage})`;

  for (const rule of rules.rules) {
    if (rule.status !== undefined && rule.status !== status) continue;
    if (rule.code !== undefined && rule.code !== providerCode) continue;
    const waitMs = rule.kind === 'rate_limited' ? (retryAfterMs(headers) ?? rule.waitMs) : undefined;
    return new ProviderError(rule.kind, describe(rule.reason), { status, providerCode, waitMs });
  }
  if (status === 401) return new ProviderError('auth_expired', describe('access token rejected'), { status, providerCode });
  if (status === 429) {
    return new ProviderError('rate_limited', describe('rate limited'), { status, providerCode, waitMs: retryAfterMs(headers) });
  }
  if (status === 408 || status >= 500) return new ProviderError('transient', describe('provider unavailable'), { status, providerCode });
  return new ProviderError('permanent', describe('provider rejected the request'), { status, providerCode });
}

/** `Retry-After` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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
