// A run's outcome is counted page by page (no scan of the run's records at the end), and stays exact when an
// attempt died after storing a page but before checkpointing it, so the page is applied a second time.
import { createSyncRunActivities } from '../../activities/sync-run-activities';
import type { Store } from '../../store/store';
import { activityAttempt, activityDependencies } from '../support/activity-harness';
import { startTestStack, type TestStack } from '../support/test-stack';

const CONTACTS = 4500; // three pages of the provider's 2,000

describe('sync run outcome', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No worker: the test drives the sync activities itself, one attempt at a time.
    stack = await startTestStack({ name: 'run-outcome', inProcessWorker: false });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());

  const activities = (store: Store) => createSyncRunActivities(activityDependencies(store));
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) => activityAttempt().run(fn, ...args);

  it('counts page by page when every attempt ended normally, equal to an exact recount', async () => {
    expect((await stack.connectSalesforce('steady', { contacts: { frequency: '1h' } })).status).toBe(201);
    const sync = activities(stack.store);
    await run(sync.beginSyncRun, { runId: 'steady-1', connectionId: 'steady', model: 'contacts', mode: 'incremental' });
    expect(await run(sync.syncModelSlice, { runId: 'steady-1' })).toMatchObject({ done: true, pages: 3, recordsRead: CONTACTS });

    const stored = await stack.store.runs.require('steady-1');
    expect(stored).toMatchObject({ recountNeeded: false, changes: { added: CONTACTS, updated: 0, deleted: 0 } });
    const summary = await run(sync.finishSyncRun, { runId: 'steady-1', nextRunAt: null });
    expect(summary).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });
    expect(await stack.store.records.countRunOutcome('steady-1')).toEqual({ added: CONTACTS, updated: 0, deleted: 0 });
  });

  it('recounts exactly after an attempt stored a page and died before its checkpoint', async () => {
    expect((await stack.connectSalesforce('crashy', { contacts: { frequency: '1h' } })).status).toBe(201);
    // The first attempt's process "dies" right after storing page 2: its checkpoint and counts are never written.
    let pagesRecorded = 0;
    const dyingStore: Store = {
      ...stack.store,
      runs: Object.assign(Object.create(Object.getPrototypeOf(stack.store.runs)), stack.store.runs, {
        recordPage: async (...args: Parameters<Store['runs']['recordPage']>) => {
          if (++pagesRecorded === 2) throw new Error('worker killed between the page write and its checkpoint');
          return stack.store.runs.recordPage(...args);
        },
      }),
    };
    const sync = activities(stack.store);
    await run(sync.beginSyncRun, { runId: 'crashy-1', connectionId: 'crashy', model: 'contacts', mode: 'incremental' });
    await expect(run(activities(dyingStore).syncModelSlice, { runId: 'crashy-1' })).rejects.toThrow(/worker killed/);
    expect(await stack.store.runs.require('crashy-1')).toMatchObject({ pages: 1, changes: { added: 2000 } });

    // The retry reads page 2 again; its records are already stored and count as unchanged.
    expect(await run(sync.syncModelSlice, { runId: 'crashy-1' })).toMatchObject({ done: true, pages: 2 });
    const stored = await stack.store.runs.require('crashy-1');
    expect(stored.recountNeeded).toBe(true);
    expect(stored.changes.added).toBe(CONTACTS - 2000);

    const summary = await run(sync.finishSyncRun, { runId: 'crashy-1', nextRunAt: null });
    expect(summary).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });
    expect(await stack.store.records.countLive({ connectionId: 'crashy', model: 'contacts', incarnation: (await stack.store.connections.get('crashy')).incarnation })).toBe(CONTACTS);
  });
});
