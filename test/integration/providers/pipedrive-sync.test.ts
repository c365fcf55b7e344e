// Pipedrive on the real stack: a first sync stores exactly the sandbox's truth (three pages of persons whose shared
// update seconds straddle the page boundaries), an incremental one exactly its changes, a delete no webhook reported is
// found by the next full read, a custom field is read by its hash, and a token dying between two pages, a burst-limit
// storm and a spent daily budget lose and repeat nothing; crm.contacts and crm.companies read them in the unified shape.
import type { PipedriveItem, PipedriveObject } from '../../../sandbox/pipedrive/server';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startPipedriveStack, type PipedriveStack } from '../../support/pipedrive-stack';
import { crmCompany, crmContact } from '../../../unified-model/unified-crm';

const PERSONS = 1200;
const ORGANIZATIONS = 300;
/** Persons changed in the same second come in groups this big: 500-record pages end inside a group. */
const TIE_GROUP = 40;

/** What the sync stores of an item: everything, with only the custom fields the connection reads. */
const asStored = (item: PipedriveItem, customFields: string[] = []) => ({
  ...item,
  custom_fields: Object.fromEntries(Object.entries(item.custom_fields).filter(([code]) => customFields.includes(code))),
});

async function expectStoreEqualsTruth(stack: PipedriveStack, connectionId: string, object: PipedriveObject, customFields: string[] = []): Promise<void> {
  const stored = await storedLiveRecords(stack, connectionId, object);
  const truth = stack.pipedrive.records(object);
  expect(stored.size).toBe(truth.length);
  for (const item of truth) expect([item.id, stored.get(String(item.id))]).toEqual([item.id, asStored(item, customFields)]);
  // One document per record, deleted ones included: nothing was stored twice.
  expect(await stack.store.records.collection.countDocuments({ connectionId, model: object, lastAction: { $ne: 'deleted' } })).toBe(truth.length);
}

/** Where the feed ends now: a cursor that reads only later changes. */
async function feedEnd(stack: PipedriveStack, connectionId: string, model: string, from?: string): Promise<string> {
  let cursor = from;
  for (;;) {
    const page = await stack.api('GET', `/records?${new URLSearchParams({ connectionId, model, limit: '500', ...(cursor ? { cursor } : {}) })}`);
    cursor = page.body.nextCursor as string;
    if (!page.body.hasMore) return cursor;
  }
}

describe('Pipedrive persons and organizations', () => {
  let stack: PipedriveStack;
  beforeAll(async () => {
    stack = await startPipedriveStack({ name: 'pipedrive-sync' });
    stack.pipedrive.seed('organizations', ORGANIZATIONS);
    stack.pipedrive.seed('persons', PERSONS, { tieGroupSize: TIE_GROUP });
  });
  afterAll(() => stack?.close());

  let personsRun: string;
  let afterFirstRun: string;

  it('stores exactly the sandbox truth on the first sync of both models, reading 500 persons a page', async () => {
    stack.pipedrive.resetStats();
    expect((await stack.connectPipedrive('acme', { persons: { frequency: '1h' }, organizations: { frequency: '1h' } })).status).toBe(201);
    const persons = await waitForRunAfter(stack, 'acme', 'persons', null);
    const organizations = await waitForRunAfter(stack, 'acme', 'organizations', null);
    expect(persons).toMatchObject({ status: 'succeeded', added: PERSONS, updated: 0, deleted: 0, pages: 3 });
    expect(organizations).toMatchObject({ status: 'succeeded', added: ORGANIZATIONS, updated: 0, deleted: 0, pages: 1 });
    await expectStoreEqualsTruth(stack, 'acme', 'persons');
    await expectStoreEqualsTruth(stack, 'acme', 'organizations');
    // The first page, then two by cursor; the company and its fields once each.
    const { requests } = stack.pipedrive.stats();
    expect([requests['persons.list'], requests['persons.list.next']]).toEqual([1, 2]);
    expect((await stack.api('GET', '/connections/acme')).body).toMatchObject({ status: 'active', accountId: String(stack.pipedrive.companies[0].id) });
    personsRun = persons.runId;
    afterFirstRun = await feedEnd(stack, 'acme', 'persons');
  });

  it('an incremental run stores exactly the creates and updates, a bulk edit in one second included', async () => {
    const before = stack.pipedrive.records('persons');
    const created = [0, 1, 2].map((i) => stack.pipedrive.create('persons', { name: `New Person ${i}`, emails: [{ value: `new${i}@example.com`, primary: true }] }));
    stack.pipedrive.update('persons', before[3].id, { name: 'Renamed Once' });
    stack.pipedrive.update('persons', before[4].id, { phones: [{ value: '+372 5000 0004', primary: true, label: 'mobile' }] });
    // A bulk edit: three persons stamped with one second.
    stack.pipedrive.updateMany('persons', [before[5].id, before[6].id, before[7].id], { visible_to: 1 });

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['persons'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'persons', personsRun);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 3, updated: 5, deleted: 0 });
    await expectStoreEqualsTruth(stack, 'acme', 'persons');

    const feed = await readWholeFeed(stack, 'acme', 'persons', afterFirstRun, 100);
    const actions = Object.fromEntries(feed.map((change) => [change.id, change.action]));
    expect(actions).toEqual({
      ...Object.fromEntries(created.map((person) => [String(person.id), 'added'])),
      ...Object.fromEntries([3, 4, 5, 6, 7].map((i) => [String(before[i].id), 'updated'])),
    });
    personsRun = run.runId;
    afterFirstRun = await feedEnd(stack, 'acme', 'persons', afterFirstRun);
  });

  it('cannot see a delete no webhook reported in its list; the next full read marks it deleted, and only it', async () => {
    const [gone] = stack.pipedrive.records('persons');
    stack.pipedrive.delete('persons', gone.id);
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['persons'] })).status).toBe(202);
    const incremental = await waitForRunAfter(stack, 'acme', 'persons', personsRun);
    expect(incremental).toMatchObject({ status: 'succeeded', added: 0, updated: 0, deleted: 0 });

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['persons'], mode: 'full' })).status).toBe(202);
    const full = await waitForRunAfter(stack, 'acme', 'persons', incremental.runId);
    expect(full).toMatchObject({ status: 'succeeded', mode: 'full', added: 0, updated: 0, deleted: 1 });
    await expectStoreEqualsTruth(stack, 'acme', 'persons');
    const feed = await readWholeFeed(stack, 'acme', 'persons', afterFirstRun, 100);
    expect(feed.map((change) => [change.id, change.action])).toEqual([[String(gone.id), 'deleted']]);
    personsRun = full.runId;
  });

  it("reads a custom field the connection asks for by its hash, and only that one, after one backfill", async () => {
    const leadSource = stack.pipedrive.fields('persons').find((field) => field.field_name === 'Lead source') as { field_code: string };
    const changed = await stack.api('PATCH', '/connections/acme', { fields: { persons: [leadSource.field_code] } });
    expect(changed.status).toBe(200);
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['persons'] })).status).toBe(202);
    const backfill = await waitForRunAfter(stack, 'acme', 'persons', personsRun);
    expect(backfill).toMatchObject({ status: 'succeeded', mode: 'full', missingFields: [] });
    // Every person now holds the field, null where it has no lead source.
    expect(backfill.updated).toBe(stack.pipedrive.records('persons').length);
    await expectStoreEqualsTruth(stack, 'acme', 'persons', [leadSource.field_code]);
    personsRun = backfill.runId;
  });

  it('a token that dies between two pages is refreshed once, and the run stores every person once', async () => {
    stack.pipedrive.resetStats();
    stack.pipedrive.faults.expiredTokenMidPaging({ afterPages: 1 });
    expect((await stack.connectPipedrive('expiring', { persons: { frequency: '1h' } })).status).toBe(201);
    const run = await waitForRunAfter(stack, 'expiring', 'persons', null);
    expect(run).toMatchObject({ status: 'succeeded', added: stack.pipedrive.records('persons').length, updated: 0 });
    expect(stack.pipedrive.stats().refreshes.filter((refresh) => refresh.ok)).toHaveLength(1);
    await expectStoreEqualsTruth(stack, 'expiring', 'persons');
  });

  it('waits out a storm of burst 429s as long as x-ratelimit-reset says, and stores every person once', async () => {
    stack.pipedrive.resetStats();
    stack.pipedrive.faults.rateLimitStorm({ seconds: 3, kind: 'burst' });
    const startedAt = Date.now();
    expect((await stack.connectPipedrive('stormy', { persons: { frequency: '1h' } })).status).toBe(201);
    const run = await waitForRunAfter(stack, 'stormy', 'persons', null);
    expect(run).toMatchObject({ status: 'succeeded', added: stack.pipedrive.records('persons').length, updated: 0 });
    expect(run.rateLimitWaits).toBeGreaterThanOrEqual(1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3000);
    // Each refusal said 2 s: a handful over a 3-second storm, not a hot loop (the account lookup meets it too).
    expect(stack.pipedrive.stats().refusals.burst).toBeLessThanOrEqual(6);
    await expectStoreEqualsTruth(stack, 'stormy', 'persons');
  });

  it('parks the connection for an hour when the daily budget is spent, with one refused call, not one every 2 s', async () => {
    stack.pipedrive.resetStats();
    // Room for the account lookup and the field list, none for a page.
    stack.pipedrive.setOptions({ dailyTokenBudget: 12 });
    expect((await stack.connectPipedrive('spent', { persons: { frequency: '1h' } })).status).toBe(201);
    const parked = await eventually(async () => {
      const view = (await stack.api('GET', '/connections/spent')).body;
      return view.status === 'rate_limited' ? view : null;
    }, { intervalMs: 100, what: 'the connection parked in rate_limited' });
    expect(parked.statusReason).toContain('daily token budget spent');
    expect(Date.parse(parked.statusUntil) - Date.now()).toBeGreaterThan(55 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(stack.pipedrive.stats().refusals.daily).toBe(1);
    stack.pipedrive.setOptions({ dailyTokenBudget: null });
  });
  it('serves persons as crm.contacts and organizations as crm.companies in the one unified schema, through the same feed', async () => {
    // Two emails whose primary one is listed second, and phones labelled work and home.
    const [org] = stack.pipedrive.records('organizations');
    const listed = stack.pipedrive.create('persons', {
      name: 'Una Fied',
      first_name: 'Una',
      last_name: 'Fied',
      org_id: org.id,
      emails: [{ value: 'una@home.example.org', primary: false, label: 'home' }, { value: 'una@work.example.com', primary: true, label: 'work' }],
      phones: [{ value: '+372 600 0001', primary: true, label: 'work' }, { value: '+372 600 0002', primary: false, label: 'home' }],
    });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['persons'] })).status).toBe(202);
    personsRun = (await waitForRunAfter(stack, 'acme', 'persons', personsRun)).runId;

    const apiDomain = stack.pipedrive.apiDomain();
    type Point = { value: string; primary: boolean; label: string | null };
    const primaryFirst = (points: Point[]) => [...points].sort((a, b) => Number(b.primary) - Number(a.primary));
    const phoneType = (label: string | null) => (label === 'work' || label === 'mobile' ? label : 'other');
    const persons = await readWholeFeed(stack, 'acme', 'persons', undefined, 500);
    const contacts = await readWholeFeed(stack, 'acme', 'crm.contacts', undefined, 500);
    // The same feed: the same records in the same order, at the same cursors.
    expect(contacts.map((record) => [record.id, record.cursor])).toEqual(persons.map((record) => [record.id, record.cursor]));
    const truth = new Map(stack.pipedrive.records('persons').map((person) => [String(person.id), person]));
    const live = contacts.filter((record) => record.action !== 'deleted');
    expect(live).toHaveLength(truth.size);
    for (const record of live) {
      const person = truth.get(record.id)!;
      expect(crmContact.parse(record.data)).toEqual({
        id: String(person.id),
        provider: 'pipedrive',
        firstName: person.first_name ?? null,
        lastName: person.last_name ?? null,
        emails: primaryFirst(person.emails as Point[]).map((point, i) => ({ email: point.value, type: i === 0 ? 'primary' : 'other' })),
        phones: primaryFirst(person.phones as Point[]).map((point) => ({ number: point.value, type: phoneType(point.label) })),
        company: person.org_id === null ? null : { id: String(person.org_id), name: null },
        ownerId: String(person.owner_id),
        createdAt: new Date(person.add_time as string).toISOString(),
        updatedAt: new Date(person.update_time as string).toISOString(),
        recordUrl: `${apiDomain}/person/${person.id}`,
      });
    }
    expect(crmContact.parse(live.find((record) => record.id === String(listed.id))?.data)).toMatchObject({
      emails: [{ email: 'una@work.example.com', type: 'primary' }, { email: 'una@home.example.org', type: 'other' }],
      phones: [{ number: '+372 600 0001', type: 'work' }, { number: '+372 600 0002', type: 'other' }],
      company: { id: String(org.id), name: null },
    });

    const companies = await readWholeFeed(stack, 'acme', 'crm.companies', undefined, 500);
    expect(companies).toHaveLength(ORGANIZATIONS);
    for (const record of companies) {
      const organization = stack.pipedrive.records('organizations').find((item) => String(item.id) === record.id)!;
      expect(crmCompany.parse(record.data)).toMatchObject({ id: record.id, provider: 'pipedrive', name: organization.name, recordUrl: `${apiDomain}/organization/${record.id}` });
    }
  });
});
