// Turns provider errors into Temporal failures whose type tells the workflow what to do next.
import { ApplicationFailure } from '@temporalio/common';
import { MIN_RATE_LIMIT_WAIT_MS } from '../contracts/backoff';
import { FailureType, type CredentialsExpiredDetails, type RateLimitedDetails } from '../contracts/failure-types';
import { ProviderError } from '../sync/provider-error';

/** Rate-limit errors that carry neither a wait nor a backoff policy still wait this long rather than hammering the provider. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export function toActivityFailure(error: unknown, credentialGeneration: number): unknown {
  if (!(error instanceof ProviderError)) return error;
  switch (error.kind) {
    case 'auth_expired': {
      const details: CredentialsExpiredDetails = { generation: credentialGeneration };
      return ApplicationFailure.create({ type: FailureType.credentialsExpired, message: error.message, nonRetryable: true, details: [details] });
    }
    case 'rate_limited': {
      const { waitMs, backoff } = error.details;
      const details: RateLimitedDetails = {
        // A hint is honoured exactly, but never as a zero wait: a reset that already passed must not become a hot loop.
        waitMs: waitMs === undefined ? (backoff?.baseMs ?? DEFAULT_RATE_LIMIT_WAIT_MS) : Math.max(MIN_RATE_LIMIT_WAIT_MS, waitMs),
        reason: error.message,
        ...(waitMs === undefined && backoff ? { backoff: { baseMs: backoff.baseMs, capMs: backoff.capMs } } : {}),
      };
      // Non-retryable here: the workflow waits on a timer, so no worker slot is held and the status can say why.
      return ApplicationFailure.create({ type: FailureType.rateLimited, message: error.message, nonRetryable: true, details: [details] });
    }
    case 'permanent':
      return ApplicationFailure.create({ type: FailureType.providerRejected, message: error.message, nonRetryable: true });
    case 'transient':
      return ApplicationFailure.create({ type: FailureType.providerUnavailable, message: error.message });
  }
}
