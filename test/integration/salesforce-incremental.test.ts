// Incremental correctness against the sandbox Salesforce: ties on one SystemModstamp across pages and slices, late
// commits caught by the lookback without re-announcing what it re-reads, changes made while a sync runs, deletes
// by full resync (only after a complete one).
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/test-stack';

const syncEvents = (stack: TestStack, connectionId: string) =>
  stack.receiver.received.map((r) => r.event).filter((e): e is SyncWebhookEvent => e.type === 'sync' && e.connectionId === connectionId);

/** The stored live records equal the sandbox's live Contacts, field for field. */
async function expectStoreEqualsTruth(stack: TestStack, connectionId: string): Promise<void> {
  const stored = await storedLiveRecords(stack, connectionId, 'contacts');
  const truth = stack.sandbox.records('Contact');
  expect(stored.size).toBe(truth.length);
  for (const record of truth) expect(stored.get(record.Id)).toMatchObject({ Id: record.Id, LastName: record.LastName, SystemModstamp: record.SystemModstamp });
}

describe('ties on one SystemModstamp', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // One page per slice: every slice resumes from a checkpoint in the middle of the tie.
    stack = await startTestStack({ name: 'sf-ties', maxSliceMs: 1 });
  });
  afterAll(() => stack?.close());

  it('stores every record of a tie larger than a page exactly once, resuming inside the tie, with one request per page', async () => {
    stack.sandbox.seed('Contact', 4500, { tieGroupSize: 4500 });
    expect(new Set(stack.sandbox.records('Contact').map((r) => r.SystemModstamp)).size).toBe(1);
    stack.sandbox.resetStats();
    expect((await stack.connectSalesforce('tied', { contacts: { frequency: '1h' } })).status).toBe(201);
    const run = await waitForRunAfter(stack, 'tied', 'contacts', null);
    expect(run).toMatchObject({ status: 'succeeded', recordsRead: 4500, added: 4500 });
    await expectStoreEqualsTruth(stack, 'tied');
    // Three pages, each slice a fresh query from the checkpoint, and one closing query that finds nothing left.
    const { requests } = stack.sandbox.stats();
    expect((requests.query ?? 0) + (requests.queryAll ?? 0) + (requests.queryMore ?? 0)).toBe(4);
    expect(run.pages).toBe(4);
  });
});

describe('lookback and changes during a sync', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-lookback' });
    stack.sandbox.seed('Contact', 6000);
  });
  afterAll(() => stack?.close());

  it('catches a change that became visible late, with an earlier SystemModstamp than the cursor, and announces only it', async () => {
    expect((await stack.connectSalesforce('late', { contacts: { frequency: '1h' } })).status).toBe(201);
    const first = await waitForRunAfter(stack, 'late', 'contacts', null);
    const [early, lateOne] = stack.sandbox.records('Contact');

    stack.sandbox.update('Contact', early.Id, { Title: 'Visible at once' });
    expect((await stack.api('POST', '/connections/late/sync', { models: ['contacts'] })).status).toBe(202);
    const second = await waitForRunAfter(stack, 'late', 'contacts', first.runId);
    expect(second).toMatchObject({ status: 'succeeded', updated: 1 });

    // Written 4 s ago in a transaction that commits only now: its SystemModstamp is before the cursor just taken.
    const late = stack.sandbox.update('Contact', lateOne.Id, { Title: 'Committed late' }, { committedLateByMs: 4000 });
    expect(Date.parse(late.SystemModstamp.replace('+0000', 'Z'))).toBeLessThan(Date.parse(String(stack.sandbox.records('Contact').find((r) => r.Id === early.Id)?.SystemModstamp).replace('+0000', 'Z')));
    expect((await stack.api('POST', '/connections/late/sync', { models: ['contacts'] })).status).toBe(202);
    const third = await waitForRunAfter(stack, 'late', 'contacts', second.runId);
    // The lookback re-read the early change too; its content is unchanged, so only the late one is news.
    expect(third).toMatchObject({ status: 'succeeded', added: 0, updated: 1, deleted: 0 });
    expect(third.recordsRead).toBeGreaterThanOrEqual(2);
    const stored = await storedLiveRecords(stack, 'late', 'contacts');
    expect(stored.get(lateOne.Id)).toMatchObject({ Title: 'Committed late' });
    await stack.receiver.waitFor(() => syncEvents(stack, 'late').length === 3);
    expect(syncEvents(stack, 'late').map((e) => [e.added, e.updated, e.deleted])).toEqual([
      [6000, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
  });

  it('catches records changed while a sync was running, at the latest by the next sync', async () => {
    stack.sandbox.faults.slowResponses({ delayMs: 500 });
    expect((await stack.connectSalesforce('moving', { contacts: { frequency: '1h' } })).status).toBe(201);
    const runId = await eventually(async () => {
      const run = (await stack.api('GET', '/connections/moving')).body.syncs.contacts.lastRun;
      return run?.status === 'running' && run.pages >= 1 ? run.runId : null;
    }, { intervalMs: 50, what: 'the first page stored' });
    const records = stack.sandbox.records('Contact');
    stack.sandbox.update('Contact', records[0].Id, { Title: 'Changed after it was read' });
    stack.sandbox.update('Contact', records[records.length - 1].Id, { Title: 'Changed before it was read' });
    const created = stack.sandbox.create('Contact', { LastName: 'Created mid-sync' });
    stack.sandbox.faults.clear();

    const first = await waitForRunAfter(stack, 'moving', 'contacts', null);
    expect(first.runId).toBe(runId);
    expect((await stack.api('POST', '/connections/moving/sync', { models: ['contacts'] })).status).toBe(202);
    await waitForRunAfter(stack, 'moving', 'contacts', first.runId);
    await expectStoreEqualsTruth(stack, 'moving');
    const stored = await storedLiveRecords(stack, 'moving', 'contacts');
    expect(stored.get(records[0].Id)).toMatchObject({ Title: 'Changed after it was read' });
    expect(stored.get(records[records.length - 1].Id)).toMatchObject({ Title: 'Changed before it was read' });
    expect(stored.has(created.Id)).toBe(true);
  });
});

describe('deletes by full resync', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-full-resync' });
    stack.sandbox.seed('Contact', 3000);
  });
  afterAll(() => stack?.close());

  /** Deleted and purged from the recycle bin: gone even from queryAll, so only a full resync can notice. */
  const hardDelete = (ids: string[]) => {
    for (const id of ids) stack.sandbox.delete('Contact', id);
    stack.sandbox.purgeRecycleBin();
  };

  it('marks exactly the records it did not see as deleted, after it completed, and announces them', async () => {
    expect((await stack.connectSalesforce('resynced', { contacts: { frequency: '1h' } })).status).toBe(201);
    const first = await waitForRunAfter(stack, 'resynced', 'contacts', null);
    const gone = stack.sandbox.records('Contact').slice(100, 103).map((r) => r.Id);
    hardDelete(gone);

    expect((await stack.api('POST', '/connections/resynced/sync', { models: ['contacts'] })).status).toBe(202);
    const incremental = await waitForRunAfter(stack, 'resynced', 'contacts', first.runId);
    expect(incremental).toMatchObject({ status: 'succeeded', deleted: 0 }); // invisible to an incremental sync
    expect((await storedLiveRecords(stack, 'resynced', 'contacts')).size).toBe(3000);

    expect((await stack.api('POST', '/connections/resynced/sync', { models: ['contacts'], mode: 'full' })).status).toBe(202);
    const full = await waitForRunAfter(stack, 'resynced', 'contacts', incremental.runId);
    expect(full).toMatchObject({ status: 'succeeded', mode: 'full', added: 0, updated: 0, deleted: 3 });
    await expectStoreEqualsTruth(stack, 'resynced');
    const deletedDocs = await stack.store.records.collection.find({ connectionId: 'resynced', lastAction: 'deleted' }).toArray();
    expect(deletedDocs.map((d) => d.externalId).sort()).toEqual([...gone].sort());
    expect(deletedDocs.every((d) => d.deletedAt instanceof Date)).toBe(true);
    // What the console shows a support person: the records the connection holds now, deletes not counted.
    const view = await stack.api('GET', '/connections/resynced');
    expect(view.body.syncs.contacts.recordCount).toBe(3000 - gone.length);
    expect((await stack.api('GET', '/connections')).body.connections[0].syncs.contacts.recordCount).toBeUndefined();
    await stack.receiver.waitFor(() => syncEvents(stack, 'resynced').some((e) => e.mode === 'full'));
    expect(syncEvents(stack, 'resynced').find((e) => e.mode === 'full')).toMatchObject({ added: 0, updated: 0, deleted: 3 });
  });

  it('announces what a failed run stored before it failed, with the cursor range that holds exactly those changes', async () => {
    // The second page's request waits at the provider until access is revoked, however far the sync reads ahead.
    stack.sandbox.faults.holdQueries({ afterCalls: 1 });
    expect((await stack.connectSalesforce('cut-short', { contacts: { frequency: '1h' } })).status).toBe(201);
    await eventually(async () => {
      const run = (await stack.api('GET', '/connections/cut-short')).body.syncs.contacts.lastRun;
      return run?.status === 'running' && run.pages >= 1 && stack.sandbox.faults.heldQueries() === 1;
    }, { intervalMs: 50, what: 'the first page stored and the second requested' });
    const { credentials } = await stack.store.connections.readCredentials('cut-short');
    stack.sandbox.revokeGrant(credentials.refreshToken);
    stack.sandbox.faults.clear();

    const failed = await waitForRunAfter(stack, 'cut-short', 'contacts', null);
    expect(failed).toMatchObject({ status: 'failed', added: 2000 });
    await stack.receiver.waitFor(() => syncEvents(stack, 'cut-short').length === 1);
    const [event] = syncEvents(stack, 'cut-short');
    expect(event).toMatchObject({ status: 'failed', added: 2000, updated: 0, deleted: 0 });
    const announced = await readWholeFeed(stack, 'cut-short', 'contacts', event.changes.cursor, 500);
    expect(announced).toHaveLength(2000);
  });

  it('deletes nothing when the full resync fails part-way', async () => {
    expect((await stack.connectSalesforce('half-read', { contacts: { frequency: '1h' } })).status).toBe(201);
    const first = await waitForRunAfter(stack, 'half-read', 'contacts', null);
    const liveBefore = await storedLiveRecords(stack, 'half-read', 'contacts');
    hardDelete(stack.sandbox.records('Contact').slice(200, 202).map((r) => r.Id));

    // The customer revokes access while the second page is requested: the run cannot finish.
    stack.sandbox.faults.holdQueries({ afterCalls: 1 });
    expect((await stack.api('POST', '/connections/half-read/sync', { models: ['contacts'], mode: 'full' })).status).toBe(202);
    await eventually(async () => {
      const run = (await stack.api('GET', '/connections/half-read')).body.syncs.contacts.lastRun;
      return run?.runId !== first.runId && run?.status === 'running' && run.pages >= 1 && stack.sandbox.faults.heldQueries() === 1;
    }, { intervalMs: 50, what: 'the full resync to store a page and request the next' });
    const { credentials } = await stack.store.connections.readCredentials('half-read');
    stack.sandbox.revokeGrant(credentials.refreshToken);
    stack.sandbox.faults.clear();

    const failed = await waitForRunAfter(stack, 'half-read', 'contacts', first.runId);
    expect(failed).toMatchObject({ status: 'failed', mode: 'full', deleted: 0 });
    const liveAfter = await storedLiveRecords(stack, 'half-read', 'contacts');
    expect([...liveAfter.keys()].sort()).toEqual([...liveBefore.keys()].sort());
  });
});
