// Names of the failures activities raise and workflows react to; shared so both sides spell them the same.

export const FailureType = {
  /** The provider rejected the access token. Details: `{ generation }` of the token that was used. */
  credentialsExpired: 'CredentialsExpired',
  /** The refresh token is dead (revoked, expired, used twice): the connection needs the customer to re-connect. */
  invalidGrant: 'InvalidGrant',
  /** The provider asked us to wait, or the quota guard did. Details: `{ waitMs, reason, backoff? }`. */
  rateLimited: 'RateLimited',
  /** The provider answered with a permanent error for this request; retrying in this run cannot help. */
  providerRejected: 'ProviderRejected',
  /** The provider was unreachable or answered 5xx / garbage: retried with backoff. */
  providerUnavailable: 'ProviderUnavailable',
  /** The connection or run no longer exists (deleted while running). */
  gone: 'Gone',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export interface CredentialsExpiredDetails {
  generation: number;
}

export interface RateLimitedDetails {
  /** How long to wait. With `backoff`, only a fallback: the provider named no wait. */
  waitMs: number;
  reason: string;
  /**
   * Present when the provider named no wait: the workflow waits a full-jitter exponential backoff over the run's
   * consecutive rate-limit waits (it alone knows how many there were). Absent in failures from older workers.
   */
  backoff?: { baseMs: number; capMs: number };
}
