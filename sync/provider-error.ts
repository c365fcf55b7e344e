// What went wrong talking to a provider, classified so the engine knows whether to refresh, wait, retry or stop.

/**
 * - `auth_expired`: the access token is no longer accepted; refresh and resume.
 * - `rate_limited`: the provider asked us to wait (`waitMs`); resume later without holding a worker slot.
 * - `transient`: 5xx, timeouts, resets, truncated or invalid JSON, expired query cursors; retry with backoff.
 * - `permanent`: the request itself is wrong; retrying cannot help within this run.
 */
export type ProviderErrorKind = 'auth_expired' | 'rate_limited' | 'transient' | 'permanent';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { status?: number; providerCode?: string; waitMs?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
