// Makes and checks the random secret a provider-webhook URL carries, for providers whose notifications are unsigned.
import { randomBytes } from 'node:crypto';
import { secretKeyMatches } from './secret-key';

/** 256 random bits, URL-safe without escaping (43 characters of base64url). */
export function newWebhookUrlSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether the presented secret is one of the accepted ones (during a rotation, the new and the old). Each is compared
 * in constant time and every one is compared, so the time taken says neither how much matched nor which.
 */
export function webhookUrlSecretMatches(presented: string, accepted: readonly string[]): boolean {
  let matched = false;
  for (const secret of accepted) matched = secretKeyMatches(presented, secret) || matched;
  return matched;
}
