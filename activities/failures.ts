// Turns provider errors into Temporal failures whose type tells the workflow what to do next.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, type CredentialsExpiredDetails } from '../contracts/failure-types';
import { rateLimitedDetails } from '../contracts/provider-waits';
import { ProviderError } from '../sync/provider-error';

export function toActivityFailure(error: unknown, credentialGeneration: number): unknown {
  if (!(error instanceof ProviderError)) return error;
  switch (error.kind) {
    case 'auth_expired': {
      const details: CredentialsExpiredDetails = { generation: credentialGeneration };
      return ApplicationFailure.create({ type: FailureType.credentialsExpired, message: error.message, nonRetryable: true, details: [details] });
    }
    case 'rate_limited': {
      const details = rateLimitedDetails(error.details, error.message);
      // Non-retryable here: the workflow waits on a timer, so no worker slot is held and the status can say why.
      return ApplicationFailure.create({ type: FailureType.rateLimited, message: error.message, nonRetryable: true, details: [details] });
    }
    case 'permanent':
      return ApplicationFailure.create({ type: FailureType.providerRejected, message: error.message, nonRetryable: true });
    case 'transient':
      return ApplicationFailure.create({ type: FailureType.providerUnavailable, message: error.message });
  }
}
