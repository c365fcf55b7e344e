// A deleted connection's last sync slice can still be writing when the connection is created again under the same
// id: its worker was cut off from Temporal, so it never heard of the delete. Whatever it writes late must never show
// up in the new connection. The slice here is held between "the run is still running" and its page write, exactly
// the window a fence has to cover, then released after the delete and the re-create.
import { createSyncRunActivities } from '../../../activities/sync-run-activities';
import type { SyncSliceResult } from '../../../contracts/activity-messages';
import type { PageToApply } from '../../../store/records';
import type { Store } from '../../../store/store';
import { eventually } from '../../support/eventually';
import { activityAttempt, activityDependencies } from '../../support/activity-harness';
import { startTestStack, type TestStack } from '../../support/test-stack';

const CONTACTS = 30;

describe('a slice of a deleted connection that writes late', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'delete-fence' });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());

  /** Every record the records API serves for the connection's contacts, following the cursor to the end. */
  async function served(connectionId: string) {
    const records: { id: string; action: string }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ connectionId, model: 'contacts', limit: '1000', ...(cursor ? { cursor } : {}) });
      const { status, body } = await stack.api('GET', `/records?${query}`);
      expect(status).toBe(200);
      records.push(...body.records);
      cursor = body.nextCursor;
      if (!body.hasMore) return records;
    }
  }

  const firstRunSucceeded = (connectionId: string) =>
    eventually(async () => (await stack.api('GET', `/connections/${connectionId}`)).body.syncs?.contacts?.lastRun?.status === 'succeeded', {
      what: `${connectionId}'s contacts run to succeed`,
    });

  it('writes beside the connection created again under the same id, never into it', async () => {
    expect((await stack.connectSalesforce('reborn', { contacts: { frequency: '1h' } })).status).toBe(201);
    await firstRunSucceeded('reborn');
    // An id's first life has no incarnation: its keys are those every earlier release wrote.
    expect((await stack.store.connections.get('reborn')).incarnation).toBeUndefined();

    // A worker of its own that Temporal cannot reach: its slice holds the page it read until released.
    let pageHeld!: () => void;
    const reachedWrite = new Promise<void>((resolve) => (pageHeld = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const records = stack.store.records;
    const cutOffStore: Store = {
      ...stack.store,
      records: Object.assign(Object.create(Object.getPrototypeOf(records)), records, {
        applyPage: async (page: PageToApply) => {
          pageHeld();
          await released;
          return records.applyPage(page);
        },
      }),
    };
    const activities = createSyncRunActivities(activityDependencies(cutOffStore));
    const environment = () =>
      activityAttempt({ startToCloseTimeoutMs: 120_000, heartbeatTimeoutMs: 120_000 });
    await environment().run(activities.beginSyncRun, { connectionId: 'reborn', model: 'contacts', mode: 'full' as const, runId: 'reborn:contacts:late' });
    const lateSlice = environment()
      .run(activities.syncModelSlice, { runId: 'reborn:contacts:late' })
      .then(
        (result) => result as SyncSliceResult,
        (error: Error) => error,
      );
    await reachedWrite;

    // The page in its hands holds every contact; one of them is deleted at Salesforce before the connection is
    // deleted and created again, so the new connection must never hold it.
    const [gone] = stack.sandbox.records('Contact');
    stack.sandbox.delete('Contact', gone.Id);
    expect((await stack.api('DELETE', '/connections/reborn')).status).toBe(200);
    expect((await stack.connectSalesforce('reborn', { contacts: { frequency: '1h' } })).status).toBe(201);
    await firstRunSucceeded('reborn');
    const secondLife = (await stack.store.connections.get('reborn')).incarnation;
    expect(secondLife).toMatch(/^[0-9a-f]{16}$/);
    const beforeRelease = await served('reborn');
    expect(beforeRelease.map((record) => record.id)).not.toContain(gone.Id);
    expect(beforeRelease).toHaveLength(CONTACTS - 1);

    release();
    await lateSlice;
    const afterRelease = await served('reborn');
    expect(afterRelease.map((record) => record.id)).not.toContain(gone.Id);
    expect(afterRelease).toEqual(beforeRelease);
    expect(await stack.store.records.countLive({ connectionId: 'reborn', model: 'contacts', incarnation: secondLife })).toBe(CONTACTS - 1);
    // The late write did happen, whole, under the first life's plain keys (else this test would prove nothing).
    const lateWrites = await stack.store.records.collection.countDocuments({ connectionId: 'reborn', incarnation: { $exists: false } });
    expect(lateWrites).toBe(CONTACTS);

    // The next sync of the new connection neither sees nor announces the late write.
    const before = stack.receiver.received.length;
    expect((await stack.api('POST', '/connections/reborn/sync', { models: ['contacts'], mode: 'full' })).status).toBe(202);
    await eventually(async () => (await stack.store.runs.collection.countDocuments({ connectionId: 'reborn', status: 'succeeded' })) >= 2, {
      what: "the new connection's full resync",
    });
    expect(await served('reborn')).toEqual(beforeRelease);
    const announced = stack.receiver.received.slice(before).filter((webhook) => webhook.event.type === 'sync' && webhook.event.connectionId === 'reborn');
    for (const webhook of announced) expect(webhook.event).toMatchObject({ added: 0, updated: 0, deleted: 0 });

    // Deleting the connection again removes what the first life left behind too.
    expect((await stack.api('DELETE', '/connections/reborn')).status).toBe(200);
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'reborn' })).toBe(0);
    // Each later life draws its own.
    expect((await stack.connectSalesforce('reborn', { contacts: { frequency: '1h' } })).status).toBe(201);
    expect((await stack.store.connections.get('reborn')).incarnation).toMatch(/^[0-9a-f]{16}$/);
    expect((await stack.store.connections.get('reborn')).incarnation).not.toBe(secondLife);
  });
});
