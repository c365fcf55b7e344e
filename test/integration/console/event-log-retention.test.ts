// The event log's retention on the embedded database (FerretDB has no TTL indexes): the API's purge removes events,
// hourly statistics and failing deliveries older than TRIBUTARY_LOG_RETENTION_DAYS and keeps the rest.
import { EventLogRetention } from '../../../api/console/event-log-retention';
import { RunStatistics } from '../../../api/console/run-statistics';
import { ensureEventLogRetention } from '../../../store/database';
import { logEvent } from '../../../store/event-log';
import { startTestStack, type TestStack } from '../../support/test-stack';

const DAY = 86_400_000;

describe('event log retention', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'log-retention', inProcessWorker: false });
  });
  afterAll(() => stack?.close());

  const event = (daysAgo: number, now: Date, kind = 'page') =>
    logEvent({ source: 'run', kind, level: 'info', message: `${daysAgo} days ago`, connectionId: 'old', runId: `run-${daysAgo}`, at: new Date(now.getTime() - daysAgo * DAY), data: { status: 'succeeded', added: 1 } });

  it('purges what is older than the retention, hour by hour, and nothing newer', async () => {
    const now = new Date();
    await stack.store.events.insert([event(40, now), event(15, now), event(14.01, now), event(13.99, now), event(2, now), event(0, now)]);
    await stack.store.webhookDeliveries.markOutcome({ eventId: 'old-failure', type: 'sync', connectionId: 'old', attempt: 3, status: 500, error: 'HTTP 500', attemptedAt: new Date(now.getTime() - 20 * DAY) }, true);
    await stack.store.webhookDeliveries.markOutcome({ eventId: 'new-failure', type: 'sync', connectionId: 'old', attempt: 1, status: 500, error: 'HTTP 500', attemptedAt: now }, true);
    await stack.store.eventRollups.add(new Date(now.getTime() - 20 * DAY).toISOString().slice(0, 13), { succeeded: 1, failed: 0, added: 1, updated: 0, deleted: 0 });

    const retention = new EventLogRetention(stack.store, 14, () => now);
    expect(await retention.purge()).toBe(3);
    const left = await stack.store.events.collection.find({ connectionId: 'old' }).toArray();
    expect(left.map((doc) => doc.message).sort()).toEqual(['0 days ago', '13.99 days ago', '2 days ago']);
    expect((await stack.store.webhookDeliveries.failingNow(new Date(0), 10)).recent.map((failing) => failing._id)).toEqual(['new-failure']);
    expect((await stack.store.eventRollups.hours()).size).toBe(0);

    // Again: nothing more goes, and it starts from where it stopped.
    expect(await retention.purge()).toBe(0);
    expect(await stack.store.eventRollups.progress('purged-through')).toBe(retention.cutoff.toISOString().slice(0, 13));
    // A day later, the 13.99-day-old event is past the retention too.
    expect(await new EventLogRetention(stack.store, 14, () => new Date(now.getTime() + DAY)).purge()).toBe(1);
  });

  it('accepts the TTL index setting on this database (a no-op where TTL is not implemented) and changes it in place', async () => {
    await ensureEventLogRetention(stack.database.db, 14);
    await ensureEventLogRetention(stack.database.db, 7);
  });

  it("sums run ends per hour once, and the overview's hours add the minutes not summed yet", async () => {
    const now = new Date();
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const end = (at: Date, status: 'succeeded' | 'failed', added: number) =>
      logEvent({ source: 'run', kind: 'finished', level: 'info', message: 'end', connectionId: 'stats', runId: `r-${at.getTime()}-${status}`, at, data: { status, added, updated: 1, deleted: 0 } });
    await stack.store.events.insert([end(minutesAgo(50), 'succeeded', 5), end(minutesAgo(45), 'failed', 0), end(minutesAgo(0.1), 'succeeded', 2)]);
    const statistics = new RunStatistics(stack.store, () => now);
    const totals = async () =>
      (await statistics.lastHours(2)).reduce((sum, { stats }) => ({ succeeded: sum.succeeded + stats.succeeded, failed: sum.failed + stats.failed, added: sum.added + stats.added }), {
        succeeded: 0,
        failed: 0,
        added: 0,
      });
    // Before any roll-up, the last quarter hour is read live: only the newest end.
    expect(await totals()).toEqual({ succeeded: 1, failed: 0, added: 2 });
    expect(await statistics.rollUp()).toBeGreaterThan(50);
    expect(await totals()).toEqual({ succeeded: 2, failed: 1, added: 7 });
    // Summed once: a second roll-up (another API process) finds nothing left to sum.
    await statistics.rollUp();
    expect(await totals()).toEqual({ succeeded: 2, failed: 1, added: 7 });
  });
});
