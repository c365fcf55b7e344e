// Reads the id of the account a sign-in connected (a Salesforce org, a HubSpot portal), as the provider's catalog says.
import type { AccountIdSource } from '../providers/provider-definition';

const LOOKUP_TIMEOUT_MS = 30_000;

/**
 * The account id from the token answer or, when it has none and the provider offers one, the token lookup. Null when
 * neither says: the connection is then bound at its next sign-in that does.
 */
export async function accountIdOf(
  source: AccountIdSource,
  tokenAnswer: Record<string, unknown>,
  tokenUrl: string,
  accessToken: string,
): Promise<string | null> {
  const fromAnswer = readAccountId(source, tokenAnswer[source.tokenField]);
  if (fromAnswer !== null || !source.lookup) return fromAnswer;
  // The lookup goes to the token endpoint's own host, which already receives the client secret.
  const url = new URL(source.lookup.path.replace('{accessToken}', encodeURIComponent(accessToken)), tokenUrl);
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
    if (!response.ok) return null;
    const answer = (await response.json()) as Record<string, unknown>;
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
