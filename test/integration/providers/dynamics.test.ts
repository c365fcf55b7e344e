// Dynamics 365 on the real stack, against its sandbox: a connection made with its environment URL (shown on it) stores
// exactly the sandbox's truth (pages with ties across their boundaries), then exactly its changes and deletes through
// change tracking; an expired delta token turns the run into a full one that finds what was deleted meanwhile; a
// table without change tracking is read by modifiedon and swept for deletes, saying so; a token expiring mid-run and
// a throttling storm lose and duplicate nothing; contacts read as crm.contacts; actions write once.
import { actionIdOf } from '../../../api/use-cases/actions';
import { providerCatalog } from '../../../providers/catalog';
import type { EntitySet } from '../../../sandbox/dynamics/server';
import { crmContact } from '../../../unified-model/unified-crm';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { startDynamicsStack, type DynamicsStack } from '../../support/dynamics-stack';

/** Small pages, so a few dozen rows take several, with modifiedon ties across their boundaries. */
const PAGE_SIZE = 7;

/** A run as GET /connections/{id}/runs lists it. */
type FinishedRun = { runId: string; status: string } & Record<string, unknown>;

/** The columns the syncs read by default, compared with the sandbox's truth value for value. */
const COMPARED: Record<EntitySet, string[]> = {
  contacts: ['contactid', 'firstname', 'lastname', 'emailaddress1', 'jobtitle', 'modifiedon', 'createdon', '_parentcustomerid_value', 'etag'],
  accounts: ['accountid', 'name', 'websiteurl', 'numberofemployees', 'modifiedon', 'createdon', 'etag'],
};

describe('Dynamics 365', () => {
  let stack: DynamicsStack;
  const lastRun: Record<string, string | null> = {};

  /** The stored live rows equal the environment's rows, column for column. */
  async function expectStoreEqualsTruth(connectionId: string, entitySet: EntitySet, environment?: string): Promise<void> {
    const stored = await storedLiveRecords(stack, connectionId, entitySet);
    const truth = stack.dynamics.environment(environment).records(entitySet);
    const key = entitySet === 'contacts' ? 'contactid' : 'accountid';
    expect([...stored.keys()].sort()).toEqual(truth.map((row) => String(row[key])).sort());
    for (const row of truth) {
      const pick = (record: Record<string, unknown>) => Object.fromEntries(COMPARED[entitySet].map((column) => [column, record[column] ?? null]));
      // The stored row keeps the answer's `@odata.etag` as `etag`.
      expect(pick(stored.get(String(row[key]))!)).toEqual(pick({ ...row, etag: row['@odata.etag'] }));
    }
  }

  /** Asks for a run of one model now and waits for it to end. */
  async function syncNow(connectionId: string, model: string, mode: 'incremental' | 'full' = 'incremental', timeoutMs = 90_000) {
    expect((await stack.api('POST', `/connections/${connectionId}/sync`, { models: [model], mode })).status).toBe(202);
    const run = (await waitForRunAfter(stack, connectionId, model, lastRun[`${connectionId}/${model}`] ?? null, timeoutMs)) as FinishedRun;
    lastRun[`${connectionId}/${model}`] = run.runId;
    return run;
  }

  const runLog = async (runId: string) => (await stack.store.runs.require(runId)).log ?? [];

  beforeAll(async () => {
    stack = await startDynamicsStack({
      name: 'dynamics',
      catalog: providerCatalog.withApi('dynamics', () => ({ pageSize: PAGE_SIZE })),
      dynamics: { environments: [{ name: 'contoso' }, { name: 'fabrikam', changeTracking: { accounts: false } }] },
    });
    stack.dynamics.environment('contoso').seed('accounts', 12, { tieGroupSize: 4 });
    stack.dynamics.environment('contoso').seed('contacts', 40, { tieGroupSize: 5 });
  });
  afterAll(() => stack?.close());

  it('connects with its environment URL, shows it, and stores exactly the truth of both tables on the first sync', async () => {
    const contoso = stack.dynamics.environment('contoso');
    const created = await stack.connectDynamics('contoso', { syncs: { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } } });
    expect(created.status).toBe(201);
    expect(created.body.connectInputs).toEqual({ environmentUrl: contoso.url });
    const contacts = await waitForRunAfter(stack, 'contoso', 'contacts', null);
    const accounts = await waitForRunAfter(stack, 'contoso', 'accounts', null);
    lastRun['contoso/contacts'] = contacts.runId;
    lastRun['contoso/accounts'] = accounts.runId;
    expect(contacts).toMatchObject({ status: 'succeeded', added: 40, updated: 0, deleted: 0, pages: Math.ceil(40 / PAGE_SIZE) });
    expect(accounts).toMatchObject({ status: 'succeeded', added: 12, updated: 0, deleted: 0 });
    await expectStoreEqualsTruth('contoso', 'contacts');
    await expectStoreEqualsTruth('contoso', 'accounts');
    // WhoAmI under the environment's API names the organization: the connection's account.
    const described = (await stack.api('GET', '/connections/contoso')).body;
    expect(described).toMatchObject({ accountId: contoso.organizationId, connectInputs: { environmentUrl: contoso.url } });
  });

  it('refuses a connection without its environment URL, or with one off the host rules, naming the field', async () => {
    await stack.ensureIntegration();
    const grant = stack.dynamics.issueGrant();
    const attempt = (connectInputs?: Record<string, string>) =>
      stack.api('POST', '/connections', { connectionId: 'refused', integration: 'dynamics-sandbox', credentials: { refreshToken: grant.refreshToken }, ...(connectInputs ? { connectInputs } : {}) });
    const missing = await attempt();
    expect([missing.status, missing.body.error.fields]).toEqual([400, [{ field: 'body.connectInputs.environmentUrl', message: expect.stringContaining('is required') }]]);
    const offRules = await attempt({ environmentUrl: 'https://contoso.example.com' });
    expect([offRules.status, offRules.body.error.fields[0].field]).toEqual([400, 'body.connectInputs.environmentUrl']);
    expect(offRules.body.error.fields[0].message).toMatch(/must be on a dynamics host \(\*\.crm\.dynamics\.com, \*\.crm2\.dynamics\.com/);
    expect((await stack.api('GET', '/connections/refused')).status).toBe(404);
  });

  it('stores exactly the changes and deletes change tracking reports, and announces them in the feed', async () => {
    const contoso = stack.dynamics.environment('contoso');
    const rows = contoso.records('contacts');
    const feedBefore = await readWholeFeed(stack, 'contoso', 'contacts', undefined, 500);
    // A bulk edit: nine rows sharing one second, over a page boundary.
    contoso.updateMany('contacts', rows.slice(0, 9).map((row) => String(row.contactid)), { jobtitle: 'Bulk edited' });
    const created = [contoso.create('contacts', { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com' }), contoso.create('contacts', { lastname: 'Hopper' })];
    const deleted = [String(rows[20].contactid), String(rows[21].contactid)];
    for (const id of deleted) contoso.delete('contacts', id);

    const run = await syncNow('contoso', 'contacts');
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 2, updated: 9, deleted: 2 });
    await expectStoreEqualsTruth('contoso', 'contacts');
    const feed = await readWholeFeed(stack, 'contoso', 'contacts', feedBefore.at(-1)?.cursor, 500);
    const actions = (action: string) => feed.filter((record) => record.action === action).map((record) => record.id).sort();
    expect(actions('added')).toEqual(created.map((row) => String(row.contactid)).sort());
    expect(actions('deleted')).toEqual(deleted.sort());
    expect(actions('updated')).toHaveLength(9);
  });

  it('reads its contacts as crm.contacts, with a link into the environment', async () => {
    const contoso = stack.dynamics.environment('contoso');
    const answer = await stack.api('GET', '/records?connectionId=contoso&model=crm.contacts&limit=1000');
    expect(answer.status).toBe(200);
    const ada = answer.body.records.map((record: { data: unknown }) => crmContact.parse(record.data)).find((contact: { lastName: string | null }) => contact.lastName === 'Lovelace');
    expect(ada).toMatchObject({
      provider: 'dynamics',
      firstName: 'Ada',
      emails: [{ email: 'ada@example.com', type: 'primary' }],
      recordUrl: `${contoso.url}/main.aspx?pagetype=entityrecord&etn=contact&id=${ada.id}`,
    });
  });

  it('turns an incremental run whose delta token expired into a full one, finding what was deleted meanwhile, saying why', async () => {
    const contoso = stack.dynamics.environment('contoso');
    const rows = contoso.records('contacts');
    contoso.update('contacts', String(rows[0].contactid), { jobtitle: 'Changed while the token lapsed' });
    contoso.delete('contacts', String(rows[1].contactid));
    stack.dynamics.faults.expireDeltaTokens();

    const run = await syncNow('contoso', 'contacts');
    expect(run).toMatchObject({ status: 'succeeded', mode: 'full', added: 0, updated: 1, deleted: 1, fullReason: expect.stringMatching(/change-tracking token of contact expired/) });
    await expectStoreEqualsTruth('contoso', 'contacts');
    expect(await runLog(run.runId)).toContainEqual(expect.objectContaining({ kind: 'mode', message: expect.stringMatching(/^full resync: the change-tracking token of contact expired/) }));

    // The full read handed out a fresh delta link: the next run is incremental again, and quiet.
    const next = await syncNow('contoso', 'contacts');
    expect(next).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 0, updated: 0, deleted: 0 });
  });

  it('loses and duplicates nothing through a token expiring between pages and a throttling storm', async () => {
    const contoso = stack.dynamics.environment('contoso');
    const ids = contoso.records('contacts').map((row) => String(row.contactid));
    contoso.updateMany('contacts', ids.slice(0, 20), { jobtitle: 'Stormy' }, { tieGroupSize: 3 });
    stack.dynamics.faults.expiredTokenMidPaging({ afterPages: 1 });
    stack.dynamics.faults.rateLimitStorm({ seconds: 3, retryAfterSeconds: 1 });

    const run = await syncNow('contoso', 'contacts', 'incremental', 120_000);
    expect(run).toMatchObject({ status: 'succeeded', added: 0, updated: 20, deleted: 0 });
    expect(run.rateLimitWaits).toBeGreaterThanOrEqual(1);
    // Each wait is the 429's Retry-After (1 s), not a backoff of our own, and names the limit Dataverse said it was.
    const waits = await stack.store.events.collection.find({ runId: run.runId, kind: 'wait' }).toArray();
    expect(waits.length).toBe(run.rateLimitWaits);
    for (const wait of waits) expect(wait.data).toMatchObject({ ms: 1000, backoff: false, why: expect.stringMatching(/^request limit reached \(6,000 per 5 minutes\) \(HTTP 429 0x80072322/) });
    await expectStoreEqualsTruth('contoso', 'contacts');
    const feed = await readWholeFeed(stack, 'contoso', 'contacts', undefined, 500);
    expect(new Set(feed.map((record) => record.id)).size).toBe(feed.length);
  });

  describe('a table without change tracking', () => {
    it('is read by modifiedon, and swept whole for deletes once a sweep is due, the run log saying why', async () => {
      const fabrikam = stack.dynamics.environment('fabrikam');
      fabrikam.seed('accounts', 15, { tieGroupSize: 6 });
      expect((await stack.connectDynamics('fabrikam', { environment: 'fabrikam', syncs: { accounts: { frequency: '1h' } } })).status).toBe(201);
      const first = await waitForRunAfter(stack, 'fabrikam', 'accounts', null);
      lastRun['fabrikam/accounts'] = first.runId;
      expect(first).toMatchObject({ status: 'succeeded', added: 15 });
      const note = expect.objectContaining({ kind: 'note', message: expect.stringMatching(/^account has no change tracking in this environment: changes are read by modifiedon/) });
      expect(await runLog(first.runId)).toContainEqual(note);

      const rows = fabrikam.records('accounts');
      fabrikam.updateMany('accounts', rows.slice(0, 8).map((row) => String(row.accountid)), { name: 'Renamed' }, { tieGroupSize: 8 });
      fabrikam.create('accounts', { name: 'Newco' });
      fabrikam.delete('accounts', String(rows[14].accountid));
      const changes = await syncNow('fabrikam', 'accounts');
      // The delete is not visible to a modifiedon query: only a sweep finds it.
      expect(changes).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 1, updated: 8, deleted: 0 });
      expect(await runLog(changes.runId)).toContainEqual(note);

      // An hour later (the cursor's last sweep moved back): the run reads everything, and finds the delete.
      const connection = await stack.store.connections.get('fabrikam');
      const cursor = connection.syncs.accounts.cursor!;
      await stack.store.connections.commitCursor('fabrikam', 'accounts', { ...cursor, sweptAt: Number(cursor.sweptAt) - 61 * 60_000 }, changes.runId, null, { incarnation: connection.incarnation });
      const swept = await syncNow('fabrikam', 'accounts');
      expect(swept).toMatchObject({ status: 'succeeded', mode: 'full', added: 0, updated: 0, deleted: 1, fullReason: expect.stringMatching(/account has no change tracking .*; the last full read was 61 min ago$/) });
      await expectStoreEqualsTruth('fabrikam', 'accounts', 'fabrikam');
    });

    it("refreshes for its own environment: one refresh token mints tokens for any resource, so a refresh names fabrikam's", async () => {
      const fabrikam = stack.dynamics.environment('fabrikam');
      const [row] = fabrikam.records('accounts');
      fabrikam.update('accounts', String(row.accountid), { name: 'Renamed after the refresh' });
      // Every access token lapses: the run refreshes, and a token for the first environment (contoso) would get 401s.
      stack.dynamics.expireSessions();
      const run = await syncNow('fabrikam', 'accounts');
      expect(run).toMatchObject({ status: 'succeeded', added: 0, updated: 1, deleted: 0 });
      await expectStoreEqualsTruth('fabrikam', 'accounts', 'fabrikam');
      expect((await stack.api('GET', '/connections/fabrikam')).body).toMatchObject({ status: 'active', credentials: { state: 'valid' } });
    });
  });

  describe('actions', () => {
    const act = (name: string, body: unknown, key: string) => stack.api('POST', `/connections/contoso/actions/${name}`, body, { 'idempotency-key': key });

    it('creates a contact once per key and updates it; the next sync adds it exactly once', async () => {
      const contoso = stack.dynamics.environment('contoso');
      const account = String(contoso.records('accounts')[0].accountid);
      const created = await act('create-contact', { firstName: 'Grace', lastName: 'Hopper-Action', email: 'grace@example.com', companyId: account }, 'dyn-1');
      expect(created.status).toBe(200);
      const id = created.body.output.id as string;
      expect((await act('create-contact', { firstName: 'Grace', lastName: 'Hopper-Action', email: 'grace@example.com', companyId: account }, 'dyn-1')).body.output).toEqual({ id });
      expect(contoso.records('contacts').filter((row) => row.emailaddress1 === 'grace@example.com')).toEqual([expect.objectContaining({ contactid: id, _parentcustomerid_value: account })]);

      expect((await act('update-contact', { id, jobTitle: 'Rear Admiral' }, 'dyn-2')).status).toBe(200);
      expect(contoso.records('contacts').find((row) => row.contactid === id)).toMatchObject({ jobtitle: 'Rear Admiral' });
      const missing = await act('update-contact', { id: '00000000-0000-4000-a000-000000000000', jobTitle: 'Nobody' }, 'dyn-3');
      expect([missing.status, missing.body.error?.code]).toEqual([422, 'provider_refused']);
      expect(contoso.records('contacts').some((row) => row.contactid === '00000000-0000-4000-a000-000000000000')).toBe(false);

      const run = await syncNow('contoso', 'contacts');
      expect(run).toMatchObject({ status: 'succeeded', added: 1, deleted: 0 });
    });

    it('after an attempt that died between writing and storing the answer, finds the write instead of writing again', async () => {
      const contoso = stack.dynamics.environment('contoso');
      const input = { lastName: 'Crashed', email: 'crashed@example.com' };
      const actionId = actionIdOf('contoso', 'dyn-crash');
      await stack.store.actions.createOrFind({ _id: actionId, connectionId: 'contoso', incarnation: null, name: 'create-contact', idempotencyKey: 'dyn-crash', input });
      await stack.store.actions.markWriteStarted(actionId, new Date(Date.now() - 2000));
      const written = contoso.create('contacts', { lastname: 'Crashed', emailaddress1: 'crashed@example.com' });

      const retried = await act('create-contact', input, 'dyn-crash');
      expect([retried.status, retried.body.output]).toEqual([200, { id: written.contactid }]);
      expect(contoso.records('contacts').filter((row) => row.emailaddress1 === 'crashed@example.com')).toHaveLength(1);
    });
  });
});
