// A read of everything that dies after storing a page but before checkpointing it starts again from nothing. A
// record only the abandoned read stored, deleted at the provider before the new read passes it, must end deleted:
// the new read cannot report it (it never sees it), so the run's end marks what its own read did not see.
import type { Store } from '../../../store/store';
import { createSyncRunActivities } from '../../../activities/sync-run-activities';
import { activityAttempt, activityDependencies } from '../../support/activity-harness';
import { storedLiveRecords } from '../../support/assertions';
import { startTestStack, type TestStack } from '../../support/test-stack';

describe('a read of everything abandoned after its first stored page', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No worker: the test runs the run's activities itself, failing the first attempt between page and checkpoint.
    stack = await startTestStack({ name: 'abandoned-read', inProcessWorker: false });
    stack.sandbox.seed('Contact', 300);
  });
  afterAll(() => stack?.close());

  /** The stack's store, but the attempt dies right after its page is stored, before the checkpoint is written. */
  function diesBeforeCheckpoint(): Store {
    const runs = Object.create(stack.store.runs, {
      recordPage: { value: async () => Promise.reject(new Error('worker killed before the checkpoint')) },
    }) as Store['runs'];
    return { ...stack.store, runs };
  }

  const attempt = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) => activityAttempt().run(fn, ...args);

  it("marks deleted what only the abandoned attempt stored and the provider deleted meanwhile, on a connection's first run", async () => {
    expect((await stack.connectSalesforce('restarted', { contacts: { frequency: '1h' } })).status).toBe(201);
    const healthy = createSyncRunActivities(activityDependencies(stack.store));
    const dying = createSyncRunActivities(activityDependencies(diesBeforeCheckpoint()));
    await attempt(healthy.beginSyncRun, { runId: 'first', connectionId: 'restarted', model: 'contacts', mode: 'incremental' });

    await expect(attempt(dying.syncModelSlice, { runId: 'first' })).rejects.toThrow('worker killed before the checkpoint');
    expect((await storedLiveRecords(stack, 'restarted', 'contacts')).size).toBe(300);
    // Deleted and purged from the recycle bin before the retry reads: no read from here on will ever mention it.
    const [gone] = stack.sandbox.records('Contact');
    stack.sandbox.delete('Contact', gone.Id as string);
    stack.sandbox.purgeRecycleBin();

    expect(await attempt(healthy.syncModelSlice, { runId: 'first' })).toMatchObject({ done: true });
    const event = await attempt(healthy.finishSyncRun, { runId: 'first', nextRunAt: Date.now() + 3_600_000 });

    const live = await storedLiveRecords(stack, 'restarted', 'contacts');
    expect(live.has(gone.Id as string)).toBe(false);
    expect([...live.keys()].sort()).toEqual(stack.sandbox.records('Contact').map((r) => r.Id as string).sort());
    expect(event).toMatchObject({ status: 'succeeded', deleted: 1 });
  });
});
