// Finds the id of the account a token belongs to, as the provider's catalog entry says: the one account-identity fetcher.
import type { AccountIdentity } from '../providers/provider-definition';
import { authorizationHeader } from '../security/authorization-header';
import { isRedirect, readTextWithLimit } from '../security/limited-body';
import type { ProviderUrlRules } from '../security/provider-urls';
import { resolveApiPath } from '../sync/http-client';

const LOOKUP_TIMEOUT_MS = 30_000;

/** How long one lookup may take, and what else may end it (an activity's cancellation). */
export interface LookupLimits {
  /** At most LOOKUP_TIMEOUT_MS, whatever is asked. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Where a lookup may go and what it carries: the connection's hosts, the provider's host rules and byte limit. */
export interface AccountLookupTarget {
  accessToken: string;
  /** The connection's API base URL, for `from: 'api'` lookups; null while it has none (such a lookup then fails). */
  apiBaseUrl: string | null;
  /** The integration's token URL, for `from: 'token-url'` lookups. */
  tokenUrl: string;
  urlRules: ProviderUrlRules;
  /** The provider's `oauth.maxResponseBytes`: an identity answer is as small as a token answer. */
  maxResponseBytes: number;
  /** The provider's `api.authorizationScheme`. */
  authorizationScheme?: string;
}

/**
 * The account id: what the token answer says (`tokenAnswer`), or else what the provider's lookup answers. Null when
 * the entry has no lookup and the answer does not say. A lookup that fails throws with a reason that names no secret:
 * every caller treats the id as best effort (a connection that does not know it learns it at its next refresh).
 */
export async function identifyAccount(
  identity: AccountIdentity,
  target: AccountLookupTarget,
  tokenAnswer: Record<string, unknown> = {},
  limits: LookupLimits = {},
): Promise<string | null> {
  return accountIdInAnswer(identity, tokenAnswer) ?? (identity.lookup ? lookUpAccountId(identity.lookup, target, limits) : null);
}

/** What a token answer itself says of the account; asks nobody. */
export function accountIdInAnswer(identity: AccountIdentity, tokenAnswer: Record<string, unknown>): string | null {
  return identity.tokenAnswer ? readAccountId(tokenAnswer[identity.tokenAnswer.field], identity.tokenAnswer.pattern) : null;
}

/**
 * Only the path comes from the catalog: the request goes to the connection's API base or the token URL's origin and
 * must stay there, passes the provider's host rules (checked, and resolved, before connecting), follows no redirect,
 * and is read up to `maxResponseBytes`.
 */
async function lookUpAccountId(lookup: NonNullable<AccountIdentity['lookup']>, target: AccountLookupTarget, limits: LookupLimits): Promise<string> {
  const base = lookup.from === 'api' ? target.apiBaseUrl : target.tokenUrl;
  if (!base) throw new Error('the connection has no API base URL yet to ask its account at');
  const tokenInPath = lookup.path.includes('{accessToken}');
  const url = resolveApiPath(base, lookup.path.replace('{accessToken}', encodeURIComponent(target.accessToken)));
  if (url.origin !== new URL(base).origin) throw new Error(`account identity path leaves the ${lookup.from === 'api' ? 'API host' : "token URL's host"}`);
  const headers: Record<string, string> = tokenInPath ? {} : { authorization: authorizationHeader(target.accessToken, target.authorizationScheme) };
  const answer = await getJson(url, headers, target.urlRules, target.maxResponseBytes, limits);
  if (!answer) throw new Error(`the provider did not answer ${lookup.path.split('{')[0]} with JSON`);
  const value = readAccountId(valueAt(answer, lookup.field));
  if (value === null) throw new Error(`the provider's answer has no ${lookup.field}`);
  return value;
}

/** The value at a dot path (`org.0.id`: the first element's `id` of the `org` array); undefined when it is not there. */
function valueAt(answer: Record<string, unknown>, path: string): unknown {
  let value: unknown = answer;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A string or integer field as text; with a pattern, only its `accountId` group. */
export function readAccountId(value: unknown, pattern?: RegExp): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) value = String(value);
  if (typeof value !== 'string' || value === '') return null;
  if (!pattern) return value;
  return pattern.exec(value)?.groups?.accountId ?? null;
}

/**
 * One GET that carries a credential: the URL must pass the rules first, a redirect (which would carry the token
 * elsewhere) is not followed, and the answer is read only up to `maxBytes`. Null for a non-object answer.
 */
async function getJson(
  url: URL,
  headers: Record<string, string>,
  urlRules: ProviderUrlRules,
  maxBytes: number,
  limits: LookupLimits,
): Promise<Record<string, unknown> | null> {
  await urlRules.checkBeforeConnect(url);
  const timeoutMs = Math.max(0, Math.floor(Math.min(LOOKUP_TIMEOUT_MS, limits.timeoutMs ?? LOOKUP_TIMEOUT_MS)));
  const signals = [AbortSignal.timeout(timeoutMs), ...(limits.signal ? [limits.signal] : [])];
  const response = await fetch(url, { headers: { ...headers, accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.any(signals) });
  if (isRedirect(response) || !response.ok) {
    await response.body?.cancel().catch(() => undefined);
    if (isRedirect(response)) throw new Error(`the provider answered HTTP ${response.status}, a redirect; not followed with a token`);
    throw new Error(`the provider answered HTTP ${response.status}`);
  }
  const answer: unknown = JSON.parse(await readTextWithLimit(response, maxBytes));
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : null;
}
