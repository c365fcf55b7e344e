// HubSpot on the real stack: a first sync stores exactly the sandbox's truth, an incremental one exactly its changes
// (archives as deletes), more than 10,000 changes sharing modified dates arrive completely through keyset search
// without touching the 10,000-result cap, and a TEN_SECONDLY_ROLLING storm is waited out.
import type { HubSpotObject } from '../../sandbox/hubspot/server';
import { storedLiveRecords, waitForRunAfter } from '../support/assertions';
import { startHubSpotStack, type HubSpotStack } from '../support/hubspot-stack';

/** The stored live records equal the sandbox's live records, property for property. */
async function expectStoreEqualsTruth(stack: HubSpotStack, connectionId: string, object: HubSpotObject): Promise<void> {
  const stored = await storedLiveRecords(stack, connectionId, object);
  const truth = stack.hubspot.records(object);
  expect(stored.size).toBe(truth.length);
  for (const record of truth) {
    expect(stored.get(record.id)).toEqual({ id: record.id, properties: record.properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: false });
  }
}

describe('HubSpot contacts and companies', () => {
  let stack: HubSpotStack;
  beforeAll(async () => {
    stack = await startHubSpotStack({ name: 'hubspot-sync' });
    stack.hubspot.seed('companies', 300);
    stack.hubspot.seed('contacts', 700);
  });
  afterAll(() => stack?.close());

  let firstContactsRun: string;

  it('stores exactly the sandbox truth on the first sync of both models', async () => {
    expect((await stack.connectHubSpot('acme', { contacts: { frequency: '1h' }, companies: { frequency: '1h' } })).status).toBe(201);
    const contacts = await waitForRunAfter(stack, 'acme', 'contacts', null);
    const companies = await waitForRunAfter(stack, 'acme', 'companies', null);
    expect(contacts).toMatchObject({ status: 'succeeded', added: 700, updated: 0, deleted: 0 });
    expect(companies).toMatchObject({ status: 'succeeded', added: 300, updated: 0, deleted: 0 });
    // The list endpoint, 100 per page: 7 pages of contacts.
    expect(contacts.pages).toBe(7);
    await expectStoreEqualsTruth(stack, 'acme', 'contacts');
    await expectStoreEqualsTruth(stack, 'acme', 'companies');
    firstContactsRun = contacts.runId;
  });

  it('stores the new truth after updates, creates and archives, with exact counts', async () => {
    const before = stack.hubspot.records('contacts');
    for (const record of before.slice(0, 5)) stack.hubspot.update('contacts', record.id, { jobtitle: `Changed ${record.id}` });
    for (let i = 0; i < 3; i++) stack.hubspot.create('contacts', { firstname: 'New', lastname: `Contact ${i}`, email: `new${i}@example.com` });
    stack.hubspot.archive('contacts', before[10].id);
    stack.hubspot.archive('contacts', before[11].id);

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', firstContactsRun);
    expect(run).toMatchObject({ status: 'succeeded', added: 3, updated: 5, deleted: 2 });
    await expectStoreEqualsTruth(stack, 'acme', 'contacts');
    const deleted = await stack.store.records.collection.find({ connectionId: 'acme', model: 'contacts', lastAction: 'deleted' }).toArray();
    expect(deleted.map((d) => d.externalId).sort()).toEqual([before[10].id, before[11].id].sort());
    firstContactsRun = run.runId;
  });

  it('waits out a TEN_SECONDLY_ROLLING storm and then stores the changes', async () => {
    const [record] = stack.hubspot.records('contacts');
    stack.hubspot.update('contacts', record.id, { jobtitle: 'After the storm' });
    stack.hubspot.resetStats();
    stack.hubspot.faults.rateLimitStorm({ seconds: 4, policy: 'TEN_SECONDLY_ROLLING' });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', firstContactsRun, 90_000);
    expect(run).toMatchObject({ status: 'succeeded', added: 0, updated: 1, deleted: 0 });
    expect(run.rateLimitWaits).toBeGreaterThanOrEqual(1);
    // The catalog's 10-second wait outlasts the 4-second storm: one refused request, not a hot loop.
    expect(stack.hubspot.stats().refusals.TEN_SECONDLY_ROLLING).toBe(1);
    await expectStoreEqualsTruth(stack, 'acme', 'contacts');
  });
});

describe('more than 10,000 HubSpot changes sharing modified dates', () => {
  const IMPORTED = 10_500;
  let stack: HubSpotStack;
  beforeAll(async () => {
    // No burst limit here, so the request count below measures the sync's paging and nothing else.
    stack = await startHubSpotStack({ name: 'hubspot-cap', hubspot: { tenSecondlyLimit: 0 } });
  });
  afterAll(() => stack?.close());

  it('syncs them completely through keyset search, never paging past the cap, in a bounded number of requests', async () => {
    stack.hubspot.seed('contacts', 300);
    expect((await stack.connectHubSpot('bulk', { contacts: { frequency: '1h' } })).status).toBe(201);
    const first = await waitForRunAfter(stack, 'bulk', 'contacts', null, 120_000);
    expect(first).toMatchObject({ status: 'succeeded', added: 300 });

    // A bulk import: 10,500 contacts created at once, 700 per millisecond — 15 instants, each more than a page, and
    // more than the 10,000 results one search may page through.
    stack.hubspot.importNow('contacts', IMPORTED, { tieGroupSize: 700 });
    stack.hubspot.resetStats();
    expect((await stack.api('POST', '/connections/bulk/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'bulk', 'contacts', first.runId, 420_000);
    expect(run).toMatchObject({ status: 'succeeded', added: IMPORTED, updated: 0, deleted: 0 });
    await expectStoreEqualsTruth(stack, 'bulk', 'contacts');

    const stats = stack.hubspot.stats();
    expect(stats.refusals.searchCap ?? 0).toBe(0);
    // 200 per search page; each 700-record instant costs one range page and four id pages: about 2 requests per 200.
    expect(stats.requests.search).toBeLessThanOrEqual(Math.ceil(IMPORTED / 200) * 2 + 15 * 2 + 2);
    // Deletes: one page of the (empty) archived list.
    expect(stats.requests.list).toBe(1);
    // 10,500 records stored on a shared 2-core machine: storage, not paging, sets this budget.
  }, 600_000);
});
