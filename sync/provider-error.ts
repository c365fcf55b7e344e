// What went wrong talking to a provider, classified so the engine knows whether to refresh, wait, retry or stop.
import type { BackoffPolicy } from '../contracts/provider-waits';

/**
 * - `auth_expired`: the access token is no longer accepted; refresh and resume.
 * - `rate_limited`: the provider asked us to wait (`waitMs`, or `backoff` when it did not say how long); resume later
 *   without holding a worker slot.
 * - `transient`: 5xx, timeouts, resets, truncated or invalid JSON, expired query cursors; retry with backoff.
 * - `permanent`: the request itself is wrong; retrying cannot help within this run.
 */
export type ProviderErrorKind = 'auth_expired' | 'rate_limited' | 'transient' | 'permanent';

export interface ProviderErrorDetails {
  status?: number;
  providerCode?: string;
  /** Exactly how long to wait, from the provider's headers or its catalog entry. */
  waitMs?: number;
  /** No wait was named: back off by how many times this run has already waited. */
  backoff?: BackoffPolicy;
}

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: ProviderErrorDetails = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/**
 * Thrown by a sync in an incremental run when only reading everything can be right from here: its cursor cannot be
 * continued (Dataverse's expired change-tracking token, "perform a full sync"), or deletes are found only by a full
 * sweep (a table without change tracking). The engine turns the run into a full resync in place: it reads again from
 * no checkpoint and marks what it no longer sees as deleted, with `reason` in the run's log and its `fullReason`. In
 * a run that is full already it fails the run, as a permanent error does.
 */
export class FullResyncNeeded extends Error {
  constructor(readonly reason: string) {
    super(`a full resync is needed: ${reason}`);
    this.name = 'FullResyncNeeded';
  }
}
