// Asks the provider which customer account a fresh token belongs to, so change notifications can find the connection.
import type { AccountIdentity } from '../../providers/provider-definition';

/**
 * Returns the account id as a string (HubSpot's `hub_id` is a number), or throws with a reason that names no secret.
 * Only the path is built from provider data: the request always goes to the connection's own API base.
 */
export async function identifyProviderAccount(baseUrl: string, accessToken: string, identity: AccountIdentity, timeoutMs = 10_000): Promise<string> {
  const path = identity.path.replace('{accessToken}', encodeURIComponent(accessToken));
  const url = new URL(path, baseUrl);
  if (url.origin !== new URL(baseUrl).origin) throw new Error('account identity path leaves the API host');
  const answer = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!answer.ok) throw new Error(`the provider answered ${answer.status} to ${identity.path.split('{')[0]}`);
  const value = ((await answer.json()) as Record<string, unknown>)[identity.field];
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`the provider's answer has no ${identity.field}`);
  return String(value);
}
