// A sync a team writes itself (opportunities.sync.ts, public sync API only) runs like a built-in one on the real
// stack: exact first sync across pages, changes and deletes incrementally, and records that fail the team's schema
// reported in the run and its webhook, never stored, until a later change makes them valid; and a full resync
// restarted from its checkpoint still sees what was deleted after it read it (the kit's queryAll reader).
import { providerCatalog } from '../../../providers/catalog';
import type { SyncWebhookEvent } from '../../../contracts/webhook-events';
import { storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { opportunitiesSync } from './opportunities.sync';

const PAGE = 400;

describe('a custom sync written against the public sync API', () => {
  let stack: TestStack;
  let negativeIds: string[];
  let lastRunId: string;

  /** The sandbox's live opportunities, minus those the team's schema refuses, as the sync should store them. */
  function expectedStore(excluded: string[]): Map<string, Record<string, unknown>> {
    const expected = new Map<string, Record<string, unknown>>();
    for (const { Id, IsDeleted, AccountId, Name, StageName, Amount, CloseDate, SystemModstamp } of stack.sandbox.records('Opportunity')) {
      if (!excluded.includes(Id)) expected.set(Id, { Id, IsDeleted, AccountId, Name, StageName, Amount, CloseDate, SystemModstamp });
    }
    return expected;
  }

  const syncWebhookFor = (runId: string) =>
    stack.receiver.received.map((r) => r.event).find((event): event is SyncWebhookEvent => event.type === 'sync' && event.id === runId);

  beforeAll(async () => {
    const catalog = providerCatalog
      .withApi('salesforce', () => ({ pageSize: PAGE }))
      .withSync('salesforce', opportunitiesSync);
    stack = await startTestStack({ name: 'custom-sync', catalog });
    stack.sandbox.seed('Account', 50);
    stack.sandbox.seed('Opportunity', 1_000);
    const fields = { Name: 'Refund booked as a deal', StageName: 'Closed Won', CloseDate: '2026-03-31' };
    negativeIds = [stack.sandbox.create('Opportunity', { ...fields, Amount: -500 }).Id, stack.sandbox.create('Opportunity', { ...fields, Amount: -1 }).Id];
  });
  afterAll(() => stack?.close());

  it('stores exactly the sandbox’s valid opportunities, page by page', async () => {
    expect((await stack.connectSalesforce('acme', { opportunities: { frequency: '1h' } })).status).toBe(201);
    const run = await waitForRunAfter(stack, 'acme', 'opportunities', null);
    expect(run).toMatchObject({ status: 'succeeded', added: 1_000, updated: 0, deleted: 0, invalidRecords: 2 });
    // 1,002 rows at 400 a page: the next-URL helper followed every nextRecordsUrl.
    expect(run.pages).toBe(3);
    expect(await storedLiveRecords(stack, 'acme', 'opportunities')).toEqual(expectedStore(negativeIds));
    lastRunId = run.runId;
  });

  it('reports the records that failed the schema with their ids and problems, in the run and its webhook', async () => {
    const runs = await stack.api('GET', '/connections/acme/runs?model=opportunities');
    const [run] = runs.body.runs;
    expect(run.invalidSamples.map((s: { externalId: string }) => s.externalId).sort()).toEqual([...negativeIds].sort());
    for (const sample of run.invalidSamples) expect(sample.problems).toEqual([expect.stringMatching(/^Amount: /)]);
    await stack.receiver.waitFor(() => syncWebhookFor(lastRunId) !== undefined);
    expect(syncWebhookFor(lastRunId)).toMatchObject({ model: 'opportunities', added: 1_000, invalidRecords: 2 });
    const stored = await stack.store.records.collection.countDocuments({ connectionId: 'acme', model: 'opportunities', externalId: { $in: negativeIds } });
    expect(stored).toBe(0);
  });

  it('stores changes, deletes and a corrected record on the next run, resuming from its checkpoint', async () => {
    const [first, second] = stack.sandbox.records('Opportunity').filter((o) => !negativeIds.includes(o.Id));
    stack.sandbox.update('Opportunity', first.Id, { StageName: 'Negotiation/Review' });
    stack.sandbox.delete('Opportunity', second.Id);
    stack.sandbox.update('Opportunity', negativeIds[0], { Amount: 500 });

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['opportunities'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'opportunities', lastRunId);
    // The corrected record is new to the app; the one still negative was not changed, so it is not read again.
    expect(run).toMatchObject({ status: 'succeeded', added: 1, updated: 1, deleted: 1, invalidRecords: 0 });
    // One query from the checkpoint: three changed rows, not the whole table again.
    expect(run.recordsRead).toBe(3);
    expect(await storedLiveRecords(stack, 'acme', 'opportunities')).toEqual(expectedStore([negativeIds[1]]));
    lastRunId = run.runId;
  });

  it('loses no delete when a full resync must restart from its checkpoint after its session died', async () => {
    const byModstampThenId = (a: { SystemModstamp: string; Id: string }, b: { SystemModstamp: string; Id: string }) =>
      a.SystemModstamp === b.SystemModstamp ? (a.Id < b.Id ? -1 : 1) : a.SystemModstamp < b.SystemModstamp ? -1 : 1;
    const inOrder = stack.sandbox.records('Opportunity').sort(byModstampThenId);
    // Both on the resync's first page of 400; the updates are later than any lookback a sync might use.
    const deleted = [inOrder[10].Id, inOrder[200].Id];
    const updated = [inOrder[600].Id, inOrder[inOrder.length - 1].Id];
    stack.sandbox.faults.holdQueries({ afterCalls: 1 });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['opportunities'], mode: 'full' })).status).toBe(202);
    await eventually(() => stack.sandbox.faults.heldQueries() === 1, { intervalMs: 50, what: 'the resync to ask for its second page' });
    for (const id of deleted) stack.sandbox.delete('Opportunity', id);
    stack.sandbox.advanceClock(15_000);
    for (const id of updated) stack.sandbox.update('Opportunity', id, { NextStep: 'Call back', StageName: 'Prospecting' });
    stack.sandbox.expireSessions();
    stack.sandbox.faults.clear();

    const full = await waitForRunAfter(stack, 'acme', 'opportunities', lastRunId);
    expect(full).toMatchObject({ status: 'succeeded', mode: 'full', fullReason: 'requested' });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['opportunities'] })).status).toBe(202);
    const incremental = await waitForRunAfter(stack, 'acme', 'opportunities', full.runId);
    expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental' });

    const stored = await storedLiveRecords(stack, 'acme', 'opportunities');
    expect({ deletedButStillLive: deleted.filter((id) => stored.has(id)) }).toEqual({ deletedButStillLive: [] });
    expect(stored).toEqual(expectedStore([negativeIds[1]]));
    expect(full.deleted + incremental.deleted).toBe(2);
  });
});
