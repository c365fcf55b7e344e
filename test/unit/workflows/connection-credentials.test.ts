// The connection's credential decisions without Temporal: which refresh starts now, what a failure says, when degraded is announced.
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { FailureType } from '../../../contracts/failure-types';
import { degradedNoticeDue, refreshDue, refreshFailureMessage } from '../../../workflows/connection/credentials';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const credentials = (refreshAt: number | null) => ({ status: 'active' as const, credentials: { generation: 7, refreshAt } });

describe('which refresh the main loop starts', () => {
  it('refreshes a token past its refresh time before one an action or the proxy was refused', () => {
    expect(refreshDue(credentials(NOW), 5, false, NOW)).toEqual({ generation: 7, because: 'due' });
    expect(refreshDue(credentials(NOW + 1), 5, false, NOW)).toEqual({ generation: 5, because: 'refused' });
    expect(refreshDue(credentials(null), null, false, NOW)).toBeNull();
  });

  it('starts none while one is in flight, for a parked connection, or for a paused one', () => {
    expect(refreshDue(credentials(NOW), 5, true, NOW)).toBeNull();
    expect(refreshDue({ ...credentials(NOW), status: 'auth_error' }, 5, false, NOW)).toBeNull();
    expect(refreshDue({ ...credentials(NOW), paused: true }, 5, false, NOW)).toBeNull();
  });
});

describe('what a failed refresh says', () => {
  it("is the activity's own message when it failed for a reason", () => {
    const refused = new ActivityFailure('activity failed', 'refreshCredentials', '1', RetryState.NON_RETRYABLE_FAILURE, 'w', ApplicationFailure.create({ type: FailureType.invalidGrant, message: 'invalid_grant: token revoked' }));
    expect(refreshFailureMessage(refused)).toBe('invalid_grant: token revoked');
  });

  it("is the last attempt's message when the retries timed out", () => {
    const timeout = new TimeoutFailure('schedule-to-close timeout', undefined, TimeoutType.SCHEDULE_TO_CLOSE);
    Object.assign(timeout, { cause: ApplicationFailure.create({ type: FailureType.providerUnavailable, message: 'token endpoint answered 503' }) });
    const failure = new ActivityFailure('activity timed out', 'refreshCredentials', '1', RetryState.TIMEOUT, 'w', timeout);
    expect(refreshFailureMessage(failure)).toBe('token endpoint kept failing; last attempt: token endpoint answered 503');
  });

  it('says the refresh failed when nothing tells why', () => {
    expect(refreshFailureMessage(new Error('something else'))).toBe('credential refresh failed');
  });
});

describe('telling the app a connection is degraded', () => {
  it('happens once, after it stayed degraded for the notice time (15 minutes unless the settings say)', () => {
    expect(degradedNoticeDue({ since: NOW - 15 * 60_000, announced: false }, NOW, undefined)).toBe(true);
    expect(degradedNoticeDue({ since: NOW - 15 * 60_000 + 1, announced: false }, NOW, undefined)).toBe(false);
    expect(degradedNoticeDue({ since: NOW - 4_000, announced: false }, NOW, 4_000)).toBe(true);
    expect(degradedNoticeDue({ since: NOW - 60 * 60_000, announced: true }, NOW, 4_000)).toBe(false);
  });
});
