// End to end on the real stack: Salesforce Contacts and Accounts land in MongoDB exactly, changes are announced exactly.
import { encodeCursor } from '../../contracts/change-cursor';
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import type { SalesforceObject } from '../../sandbox/salesforce/server';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/test-stack';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../support/assertions';

const OBJECT_OF: Record<string, SalesforceObject> = { contacts: 'Contact', accounts: 'Account' };

describe('Salesforce sync, end to end', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-e2e' });
    stack.sandbox.seed('Account', 1000);
    stack.sandbox.seed('Contact', 5000);
  });
  afterAll(() => stack?.close());

  const syncEvents = (model: string) =>
    stack.receiver.received.map((r) => r.event).filter((e): e is SyncWebhookEvent => e.type === 'sync' && e.model === model);

  async function expectStoreEqualsSandbox(model: 'contacts' | 'accounts') {
    const fields = model === 'contacts' ? contactsFields() : accountsFields();
    const truth = stack.sandbox.records(OBJECT_OF[model]);
    const stored = await storedLiveRecords(stack, 'acme', model);
    expect(stored.size).toBe(truth.length);
    for (const record of truth) {
      const mine = stored.get(record.Id as string);
      expect(mine).toBeDefined();
      for (const field of fields) expect([record.Id, field, mine?.[field]]).toEqual([record.Id, field, record[field]]);
    }
    // One document per record, never two.
    const total = await stack.store.records.collection.countDocuments({ connectionId: 'acme', model });
    expect(total).toBe(stack.sandbox.records(OBJECT_OF[model], { includeDeleted: true }).length);
  }

  it('first sync stores every record exactly and announces them as added, with a signed webhook', async () => {
    const created = await stack.connectSalesforce('acme', { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toMatch(/refreshToken|accessToken|sandbox-client-secret/i);

    await stack.receiver.waitFor(() => syncEvents('contacts').length === 1 && syncEvents('accounts').length === 1, 120_000);
    expect(syncEvents('contacts')[0]).toMatchObject({ connectionId: 'acme', integration: 'salesforce-sandbox', mode: 'incremental', added: 5000, updated: 0, deleted: 0 });
    expect(syncEvents('accounts')[0]).toMatchObject({ added: 1000, updated: 0, deleted: 0 });
    expect(stack.receiver.received.every((r) => r.signatureValid && r.idempotencyKey === r.event.id)).toBe(true);

    await expectStoreEqualsSandbox('contacts');
    await expectStoreEqualsSandbox('accounts');

    // Following the webhook's cursor yields exactly the announced changes.
    const event = syncEvents('contacts')[0];
    const feed = await readWholeFeed(stack, 'acme', 'contacts', event.changes.cursor, 1000);
    expect(feed.length).toBe(5000);
    expect(new Set(feed.map((r) => r.id)).size).toBe(5000);
    expect(feed.every((r) => r.action === 'added')).toBe(true);
  });

  it('the next sync stores the new truth and announces exactly 5 added, 10 updated, 3 deleted', async () => {
    const contacts = stack.sandbox.records('Contact');
    const before = await stack.api('GET', '/connections/acme');
    for (const c of contacts.slice(0, 10)) stack.sandbox.update('Contact', c.Id as string, { Title: `Changed ${c.Id}` });
    for (const c of contacts.slice(100, 103)) stack.sandbox.delete('Contact', c.Id as string);
    for (let i = 0; i < 5; i++) stack.sandbox.create('Contact', { LastName: `New ${i}`, Email: `new${i}@example.com` });

    const sync = await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] });
    expect(sync.status).toBe(202);
    await stack.receiver.waitFor(() => syncEvents('contacts').length === 2, 60_000);
    const event = syncEvents('contacts')[1];
    expect(event).toMatchObject({ added: 5, updated: 10, deleted: 3 });
    await expectStoreEqualsSandbox('contacts');

    const feed = await readWholeFeed(stack, 'acme', 'contacts', event.changes.cursor, 7);
    expect(feed.map((r) => r.action).sort()).toEqual([...Array(5).fill('added'), ...Array(3).fill('deleted'), ...Array(10).fill('updated')].sort());
    const deleted = feed.filter((r) => r.action === 'deleted');
    expect(deleted.every((r) => r.deletedAt && r.data.LastName)).toBe(true); // last known data comes with a delete
    expect(before.body.syncs.contacts.lastRun.status).toBe('succeeded');
  });

  it('filters the feed by action and by modification time, deletes with their last data', async () => {
    const [, second] = syncEvents('contacts');
    const readAll = (filters: Record<string, string>) => readWholeFeed(stack, 'acme', 'contacts', undefined, 1000, filters);
    const deleted = await readAll({ filter: 'deleted' });
    expect(deleted).toHaveLength(3);
    for (const record of deleted) expect(record).toMatchObject({ action: 'deleted', deletedAt: expect.any(String), data: { LastName: expect.any(String) } });
    expect((await readAll({ filter: 'updated' })).map((r) => r.data.Title)).toEqual(Array.from({ length: 10 }, () => expect.stringMatching(/^Changed /)));
    expect(await readAll({ filter: 'added,deleted' })).toHaveLength(5000 + 5 - 10 - 3 + 3);
    // Only what the second run wrote: everything the first one stored is older.
    const recent = await readAll({ modifiedAfter: second.startedAt });
    expect(recent.map((r) => r.action).sort()).toEqual([...Array(5).fill('added'), ...Array(3).fill('deleted'), ...Array(10).fill('updated')].sort());

    const tooMany = await stack.api('GET', '/records?connectionId=acme&model=contacts&limit=1001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toEqual([expect.objectContaining({ field: 'query.limit' })]);
  });

  it('a sync with no change sends no webhook and writes nothing', async () => {
    const webhooksBefore = stack.receiver.received.length;
    const feed = { connectionId: 'acme', model: 'contacts', incarnation: (await stack.store.connections.get('acme')).incarnation };
    const feedBefore = await stack.store.records.feeds.visibleSeq(feed);
    const lastWrite = await stack.store.records.collection.find({ connectionId: 'acme' }).sort({ lastModifiedAt: -1 }).limit(1).next();
    const { syncs } = (await stack.api('GET', '/connections/acme')).body;

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts', 'accounts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', syncs.contacts.lastRun.runId);
    expect(run).toMatchObject({ status: 'succeeded', added: 0, updated: 0, deleted: 0 });
    expect(run.providerRequests).toBe(1);
    await waitForRunAfter(stack, 'acme', 'accounts', syncs.accounts.lastRun.runId);

    // The lookback re-read the last seconds' records; unchanged, they reach neither the feed nor the webhook.
    expect(await readWholeFeed(stack, 'acme', 'contacts', encodeCursor(feedBefore, feed), 1000)).toEqual([]);
    const lastWriteAfter = await stack.store.records.collection.find({ connectionId: 'acme' }).sort({ lastModifiedAt: -1 }).limit(1).next();
    expect(lastWriteAfter?.lastModifiedAt).toEqual(lastWrite?.lastModifiedAt);
    // Give a stray webhook time to show up before asserting there is none.
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.receiver.received.length).toBe(webhooksBefore);
  });

  it('status shows each model\'s last run and never a secret', async () => {
    const status = await eventually(async () => {
      const response = await stack.api('GET', '/connections/acme');
      return response.body.syncs.accounts.lastRun?.status === 'succeeded' ? response : null;
    });
    expect(status.body).toMatchObject({ connectionId: 'acme', status: 'active', provider: 'salesforce' });
    expect(status.body.syncs.contacts.lastRun).toMatchObject({ status: 'succeeded', error: null });
    expect(typeof status.body.syncs.contacts.lastRun.durationMs).toBe('number');
    expect(JSON.stringify(status.body)).not.toMatch(/refreshToken|accessToken|clientSecret|sealed|"iv"/);
  });
});

function contactsFields(): string[] {
  return ['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'Title', 'AccountId', 'MailingCity', 'CreatedDate', 'LastModifiedDate'];
}
function accountsFields(): string[] {
  return ['Id', 'Name', 'Website', 'Industry', 'NumberOfEmployees', 'BillingCity', 'CreatedDate', 'LastModifiedDate'];
}
