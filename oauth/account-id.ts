// Reads the id of the account a token belongs to (a Salesforce org, a HubSpot portal), as the provider's catalog says.
import type { AccountIdentity, AccountIdSource, ProviderOAuth } from '../providers/provider-definition';
import { isRedirect, readTextWithLimit } from '../security/limited-body';
import type { ProviderUrlRules } from '../security/provider-urls';

const LOOKUP_TIMEOUT_MS = 30_000;

/** How long one lookup may take, and what else may end it (an activity's cancellation). */
export interface LookupLimits {
  /** At most LOOKUP_TIMEOUT_MS, whatever is asked. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The account id from the token answer or, when it has none and the provider offers one, the token lookup. Null when
 * neither says: the connection is then bound at its next sign-in or refresh that does.
 */
export async function accountIdOf(
  oauth: Pick<ProviderOAuth, 'accountId' | 'maxResponseBytes'>,
  client: { tokenUrl: string; urlRules: ProviderUrlRules },
  tokenAnswer: Record<string, unknown>,
  accessToken: string,
  limits: LookupLimits = {},
): Promise<string | null> {
  return accountIdInAnswer(oauth, tokenAnswer) ?? lookUpAccountId(oauth, client, accessToken, limits);
}

/** What the token answer itself says (Salesforce's identity URL `id`, HubSpot's `hub_id`); asks nobody. */
export function accountIdInAnswer(oauth: Pick<ProviderOAuth, 'accountId'>, tokenAnswer: Record<string, unknown>): string | null {
  return readAccountId(oauth.accountId, tokenAnswer[oauth.accountId.tokenField]);
}

/**
 * The provider's token lookup (HubSpot's `GET /oauth/v1/access-tokens/{token}`), where it has one; null when it has
 * none or it did not say. It goes to the token endpoint's own host, which already receives the client secret; the
 * same URL rules as the token request hold (allowed host, no internal address), and the answer is read only up to
 * the same limit.
 */
export async function lookUpAccountId(
  oauth: Pick<ProviderOAuth, 'accountId' | 'maxResponseBytes'>,
  client: { tokenUrl: string; urlRules: ProviderUrlRules },
  accessToken: string,
  limits: LookupLimits = {},
): Promise<string | null> {
  const lookup = oauth.accountId.lookup;
  if (!lookup) return null;
  try {
    const url = new URL(lookup.path.replace('{accessToken}', encodeURIComponent(accessToken)), client.tokenUrl);
    const answer = await getJson(url, {}, client.urlRules, oauth.maxResponseBytes, limits);
    return answer ? readAccountId({}, answer[lookup.field]) : null;
  } catch {
    return null;
  }
}

/**
 * Asks the provider's identity endpoint (Salesforce's userinfo on the instance, HubSpot's token info) which account
 * an access token belongs to. Only the path comes from the catalog: the request goes to the connection's own API base,
 * through the provider's host rules (checked, and resolved, before connecting) and read up to `maxResponseBytes`.
 * Returns the id as a string (HubSpot's `hub_id` is a number), or throws with a reason that names no secret.
 */
export async function identifyAccount(
  identity: AccountIdentity,
  target: { baseUrl: string; accessToken: string; urlRules: ProviderUrlRules; maxResponseBytes: number },
  limits: LookupLimits = {},
): Promise<string> {
  const url = new URL(identity.path.replace('{accessToken}', encodeURIComponent(target.accessToken)), target.baseUrl);
  if (url.origin !== new URL(target.baseUrl).origin) throw new Error('account identity path leaves the API host');
  const answer = await getJson(url, { authorization: `Bearer ${target.accessToken}` }, target.urlRules, target.maxResponseBytes, limits);
  if (!answer) throw new Error(`the provider did not answer ${identity.path.split('{')[0]} with JSON`);
  const value = readAccountId({}, answer[identity.field]);
  if (value === null) throw new Error(`the provider's answer has no ${identity.field}`);
  return value;
}

/** A string or number field as text; with a pattern, only its `accountId` group. */
export function readAccountId(source: Pick<AccountIdSource, 'pattern'>, value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) value = String(value);
  if (typeof value !== 'string' || value === '') return null;
  if (!source.pattern) return value;
  return source.pattern.exec(value)?.groups?.accountId ?? null;
}

/**
 * One GET that carries a credential: the URL must pass the rules first, a redirect (which would carry the token
 * elsewhere) is not followed, and the answer is read only up to `maxBytes`. Null for a non-2xx or non-object answer.
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
