// A refresh attempt's own deadline falls before Temporal's timeouts, so its retry never starts while it still runs.
import { attemptDeadline } from '../../../activities/credential-activities';
import { heartbeatIntervalMs } from '../../../activities/heartbeat';

describe('attemptDeadline', () => {
  it('when only start-to-close is set, then the attempt ends a margin before it', () => {
    expect(attemptDeadline({ startToCloseTimeoutMs: 60_000, scheduleToCloseTimeoutMs: 0, scheduledTimestampMs: 0 }, 1_000_000)).toBe(1_058_000);
  });

  it('when the retries overall end sooner, then that end counts', () => {
    const info = { startToCloseTimeoutMs: 60_000, scheduleToCloseTimeoutMs: 30_000, scheduledTimestampMs: 990_000 };
    expect(attemptDeadline(info, 1_000_000)).toBe(1_018_000);
  });

  it('when the timeout is short, then the margin is a tenth of it', () => {
    expect(attemptDeadline({ startToCloseTimeoutMs: 4000, scheduleToCloseTimeoutMs: 0, scheduledTimestampMs: 0 }, 0)).toBe(3600);
  });
});

describe('heartbeatIntervalMs', () => {
  it('beats several times per heartbeat timeout, and every two seconds without one', () => {
    expect(heartbeatIntervalMs(2000)).toBe(500);
    expect(heartbeatIntervalMs(60_000)).toBe(2000);
    expect(heartbeatIntervalMs(undefined)).toBe(2000);
  });
});
