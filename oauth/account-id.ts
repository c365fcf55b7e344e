// Reads the id of the account a sign-in connected (a Salesforce org, a HubSpot portal), as the provider's catalog says.
import type { AccountIdSource, ProviderOAuth } from '../providers/provider-definition';
import { isRedirect, readTextWithLimit } from '../security/limited-body';
import type { ProviderUrlRules } from '../security/provider-urls';

const LOOKUP_TIMEOUT_MS = 30_000;

/**
 * The account id from the token answer or, when it has none and the provider offers one, the token lookup. Null when
 * neither says: the connection is then bound at its next sign-in that does.
 */
export async function accountIdOf(
  oauth: Pick<ProviderOAuth, 'accountId' | 'maxResponseBytes'>,
  client: { tokenUrl: string; urlRules: ProviderUrlRules },
  tokenAnswer: Record<string, unknown>,
  accessToken: string,
): Promise<string | null> {
  const source = oauth.accountId;
  const fromAnswer = readAccountId(source, tokenAnswer[source.tokenField]);
  if (fromAnswer !== null || !source.lookup) return fromAnswer;
  // The lookup goes to the token endpoint's own host, which already receives the client secret; the same URL rules
  // as the token request hold (allowed host, no internal address), and the answer is read only up to the same limit.
  const url = new URL(source.lookup.path.replace('{accessToken}', encodeURIComponent(accessToken)), client.tokenUrl);
  try {
    await client.urlRules.checkBeforeConnect(url);
    // A redirect would carry the access token (in the path) elsewhere: not followed.
    const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
    if (isRedirect(response) || !response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return null;
    }
    const answer = JSON.parse(await readTextWithLimit(response, oauth.maxResponseBytes)) as Record<string, unknown>;
    return readAccountId({}, answer[source.lookup.field]);
  } catch {
    return null;
  }
}

/** A string or number field as text; with a pattern, only its `accountId` group. */
export function readAccountId(source: Pick<AccountIdSource, 'pattern'>, value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) value = String(value);
  if (typeof value !== 'string' || value === '') return null;
  if (!source.pattern) return value;
  return source.pattern.exec(value)?.groups?.accountId ?? null;
}
