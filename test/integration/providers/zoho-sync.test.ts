// Zoho CRM on the real stack, for an org in the EU data centre: a first sync stores exactly the sandbox's truth (ties
// on Modified_Time across page boundaries), an incremental one exactly its creates, updates and deletes in the changes
// feed, and a token expiring mid-run, a rate-limit storm and page tokens expiring mid-run lose and duplicate nothing.
import type { ModuleName, ZohoOrgHandle } from '../../../sandbox/zoho/server';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startZohoStack, type ZohoStack } from '../../support/zoho-stack';

const CONTACT_FIELDS = ['Modified_Time', 'Last_Name', 'First_Name', 'Email', 'Secondary_Email', 'Phone', 'Mobile', 'Title', 'Department', 'Account_Name', 'Owner', 'Mailing_City', 'Mailing_Country', 'Lead_Source', 'Created_Time'];
const ACCOUNT_FIELDS = ['Modified_Time', 'Account_Name', 'Account_Number', 'Website', 'Phone', 'Industry', 'Employees', 'Annual_Revenue', 'Billing_City', 'Billing_Country', 'Owner', 'Created_Time'];

/** The stored live records equal the org's truth, field for field, as far as the sync reads fields. */
async function expectStoreEqualsTruth(stack: ZohoStack, connectionId: string, org: ZohoOrgHandle, module: ModuleName, extraFields: string[] = []): Promise<void> {
  const model = module === 'Contacts' ? 'contacts' : 'accounts';
  const fields = [...(module === 'Contacts' ? CONTACT_FIELDS : ACCOUNT_FIELDS), ...extraFields, 'id'];
  const stored = await storedLiveRecords(stack, connectionId, model);
  const truth = org.records(module);
  expect(stored.size).toBe(truth.length);
  for (const record of truth) expect(stored.get(String(record.id))).toEqual(Object.fromEntries(fields.map((field) => [field, record[field]])));
  // Nothing stored twice: one document per record, live or deleted.
  const ids = await stack.store.records.collection.distinct('externalId', { connectionId, model });
  expect(await stack.store.records.collection.countDocuments({ connectionId, model })).toBe(ids.length);
}

describe('Zoho CRM contacts and accounts of an EU org', () => {
  let stack: ZohoStack;
  let org: ZohoOrgHandle;
  beforeAll(async () => {
    stack = await startZohoStack({ name: 'zoho-sync' });
    org = stack.zoho.org('nordlicht');
    org.seed('Contacts', 650, { tieGroupSize: 9 });
    // An import: 250 contacts sharing one Modified_Time second, more than a page of 200.
    org.importNow('Contacts', 250);
    org.seed('Accounts', 130, { tieGroupSize: 4 });
  });
  afterAll(() => stack?.close());

  let contactsRun: string;
  let accountsRun: string;

  it('stores exactly the truth of both modules on the first sync, every call on the EU data centre', async () => {
    stack.zoho.resetStats();
    expect((await stack.connectZoho('acme', { org: 'nordlicht', syncs: { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } } })).status).toBe(201);
    const contacts = await waitForRunAfter(stack, 'acme', 'contacts', null);
    const accounts = await waitForRunAfter(stack, 'acme', 'accounts', null);
    expect(contacts).toMatchObject({ status: 'succeeded', added: 900, updated: 0, deleted: 0, pages: 5, missingFields: [] });
    expect(accounts).toMatchObject({ status: 'succeeded', added: 130, updated: 0, deleted: 0 });
    await expectStoreEqualsTruth(stack, 'acme', org, 'Contacts');
    await expectStoreEqualsTruth(stack, 'acme', org, 'Accounts');
    contactsRun = contacts.runId;
    accountsRun = accounts.runId;

    const connection = await stack.api('GET', '/connections/acme');
    expect(connection.body).toMatchObject({ status: 'active', accountId: org.orgId });
    const stats = stack.zoho.stats();
    expect(stats.requestsByDataCentre.us ?? {}).toEqual({});
    // One listing per page, and one field discovery per module (metadata and the user's profile).
    expect(stats.requestsByDataCentre.eu).toMatchObject({ list: 2, nextPage: 4, fields: 2, users: 2 });
  });

  it('stores exactly the changes of an incremental run and announces exactly them in the changes feed', async () => {
    const before = await readWholeFeed(stack, 'acme', 'contacts', undefined, 500);
    const feedEnd = before[before.length - 1].cursor;
    const ids = org.records('Contacts').map((record) => String(record.id));
    for (const id of ids.slice(0, 5)) org.update('Contacts', id, { Title: `Changed ${id}` });
    // A mass update: three records sharing one second.
    org.updateMany('Contacts', ids.slice(5, 8), { Department: 'Mass updated' });
    const created = [0, 1, 2].map((i) => String(org.create('Contacts', { Last_Name: `New ${i}`, Email: `new${i}@nordlicht.example` }).id));
    org.delete('Contacts', ids[10]);
    org.delete('Contacts', ids[11]);
    org.delete('Contacts', ids[12], { permanent: true });

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', contactsRun);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 3, updated: 8, deleted: 3 });
    contactsRun = run.runId;
    await expectStoreEqualsTruth(stack, 'acme', org, 'Contacts');

    const feed = await readWholeFeed(stack, 'acme', 'contacts', feedEnd, 500);
    const byAction = (action: string) => feed.filter((change) => change.action === action).map((change) => change.id).sort();
    expect(feed).toHaveLength(14);
    expect(byAction('added')).toEqual([...created].sort());
    expect(byAction('updated')).toEqual(ids.slice(0, 8).sort());
    expect(byAction('deleted')).toEqual(ids.slice(10, 13).sort());
  });

  it('reads nothing new when nothing changed: the unchanged accounts answer 304 Not Modified', async () => {
    stack.zoho.resetStats();
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['accounts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'accounts', accountsRun);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 0, updated: 0, deleted: 0 });
    // One listing (304) and one page of deletes (204), no more.
    expect(stack.zoho.stats().requestsByDataCentre.eu).toMatchObject({ list: 1, deleted: 1 });
    expect(stack.zoho.stats().requestsByDataCentre.eu.nextPage).toBeUndefined();
  });

  it('refreshes at the EU accounts server when the token expires mid-run, and loses and duplicates nothing', async () => {
    org.importNow('Contacts', 700, { tieGroupSize: 50 });
    stack.zoho.resetStats();
    stack.zoho.faults.expiredTokenMidPaging({ afterPages: 2 });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', contactsRun);
    expect(run).toMatchObject({ status: 'succeeded', added: 700, updated: 0, deleted: 0 });
    contactsRun = run.runId;
    await expectStoreEqualsTruth(stack, 'acme', org, 'Contacts');
    const stats = stack.zoho.stats();
    expect(stats.requestsByDataCentre.eu['token.refresh_token']).toBeGreaterThanOrEqual(1);
    expect(stats.requestsByDataCentre.us ?? {}).toEqual({});
    expect(stats.refreshes.every((refresh) => refresh.ok)).toBe(true);
  });

  it.each(['concurrency', 'credits'] as const)('backs off through a %s storm (429 TOO_MANY_REQUESTS, no Retry-After) and loses nothing', async (limit) => {
    const ids = org.records('Contacts').map((record) => String(record.id));
    for (const id of ids.slice(20, 30)) org.update('Contacts', id, { Mailing_City: `Storm City ${limit}` });
    stack.zoho.resetStats();
    stack.zoho.faults.rateLimitStorm({ seconds: 3, limit });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', contactsRun, 120_000);
    expect(run).toMatchObject({ status: 'succeeded', added: 0, updated: 10, deleted: 0 });
    expect(run.rateLimitWaits).toBeGreaterThanOrEqual(1);
    expect(stack.zoho.stats().refusals[limit]).toBeGreaterThanOrEqual(1);
    contactsRun = run.runId;
    await expectStoreEqualsTruth(stack, 'acme', org, 'Contacts');
  });

  it('starts a new listing from the last complete second when a page token expires between pages', async () => {
    // 500 contacts in ties of 100 seconds apart: the held second page's token is expired when it is released.
    org.importNow('Contacts', 500, { tieGroupSize: 100 });
    stack.zoho.resetStats();
    stack.zoho.faults.holdReads({ afterCalls: 1 });
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    await eventually(async () => stack.zoho.faults.heldReads() === 1 || null, { timeoutMs: 30_000, what: 'the second page held' });
    stack.zoho.faults.expirePageTokens();
    stack.zoho.faults.clear();
    const run = await waitForRunAfter(stack, 'acme', 'contacts', contactsRun);
    expect(run).toMatchObject({ status: 'succeeded', added: 500, updated: 0, deleted: 0 });
    // The refused token, then a second listing from the last stored second.
    expect(stack.zoho.stats().requests.list).toBe(2);
    contactsRun = run.runId;
    await expectStoreEqualsTruth(stack, 'acme', org, 'Contacts');
  });
});

describe('Zoho CRM custom fields of a US org', () => {
  let stack: ZohoStack;
  let org: ZohoOrgHandle;
  beforeAll(async () => {
    stack = await startZohoStack({ name: 'zoho-fields' });
    org = stack.zoho.org('zylker');
    org.seed('Contacts', 120);
  });
  afterAll(() => stack?.close());

  it('reads the custom fields the connection asks for, and reports the one the profile hides as missing', async () => {
    await stack.registerZoho();
    const grant = stack.zoho.issueGrant({ org: 'zylker' });
    const created = await stack.api('POST', '/connections', {
      connectionId: 'custom',
      integration: 'zoho-sandbox',
      credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.apiDomain, tokenHost: grant.accountsServer },
      syncs: { contacts: { frequency: '1h' } },
      fields: { contacts: ['Loyalty_Tier', 'Customer_Score', 'National_ID'] },
    });
    expect(created.status).toBe(201);
    const run = await waitForRunAfter(stack, 'custom', 'contacts', null);
    expect(run).toMatchObject({ status: 'succeeded', added: 120, missingFields: ['National_ID'] });
    await expectStoreEqualsTruth(stack, 'custom', org, 'Contacts', ['Loyalty_Tier', 'Customer_Score']);
    const stored = await storedLiveRecords(stack, 'custom', 'contacts');
    expect([...stored.values()].some((record) => 'National_ID' in record)).toBe(false);
  });
});
