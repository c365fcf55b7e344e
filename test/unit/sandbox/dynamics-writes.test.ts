import { randomUUID } from 'node:crypto';
import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { api } from './dynamics-client';

describe('Dynamics sandbox: writes', () => {
  let sandbox: DynamicsSandbox;
  let environment: DynamicsEnvironmentHandle;
  let accessToken: string;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox();
    environment = sandbox.environment();
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  it('creates with 204 and OData-EntityId, or 201 and the row with return=representation', async () => {
    const account = environment.create('accounts', { name: 'Contoso Ltd' });
    const created = await api(environment, accessToken, 'contacts', { method: 'POST', body: { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com', 'parentcustomerid_account@odata.bind': `/accounts(${String(account.accountid)})` } });
    expect(created.status).toBe(204);
    expect(created.text).toBe('');
    const entityId = created.headers.get('odata-entityid') ?? '';
    const id = /contacts\(([0-9a-f-]{36})\)$/.exec(entityId)?.[1];
    expect(entityId).toBe(`${environment.apiUrl}/contacts(${id})`);
    expect(environment.records('contacts')).toEqual([expect.objectContaining({ contactid: id, fullname: 'Ada Lovelace', _parentcustomerid_value: account.accountid })]);

    const represented = await api(environment, accessToken, 'contacts?$select=fullname,emailaddress1', { method: 'POST', headers: { prefer: 'return=representation' }, body: { lastname: 'Hopper', emailaddress1: 'grace@example.com' } });
    expect(represented.status).toBe(201);
    expect(represented.headers.get('preference-applied')).toBe('return=representation');
    expect(represented.headers.get('odata-entityid')).toBeNull();
    expect(represented.body).toEqual({ '@odata.context': `${environment.apiUrl}/$metadata#contacts(fullname,emailaddress1)/$entity`, '@odata.etag': expect.any(String), fullname: 'Hopper', emailaddress1: 'grace@example.com', contactid: expect.any(String) });
  });

  it('PATCH upserts: creates under a client-chosen GUID, updates after; If-Match: * refuses the create, If-None-Match: * the update', async () => {
    const id = randomUUID();
    const guarded = await api(environment, accessToken, `contacts(${id})`, { method: 'PATCH', headers: { 'if-match': '*' }, body: { lastname: 'Nobody' } });
    expect(guarded.status).toBe(404);
    expect(guarded.body).toEqual({ error: { code: '0x80040217', message: `contact With Id = ${id} Does Not Exist` } });
    expect(environment.records('contacts')).toEqual([]);

    // `If-None-Match: null` is the no-cache header every client sends: it is not a condition.
    const created = await api(environment, accessToken, `contacts(${id})`, { method: 'PATCH', headers: { 'if-none-match': 'null' }, body: { lastname: 'Upserted' } });
    expect(created.status).toBe(204);
    expect(environment.records('contacts').map((r) => r.contactid)).toEqual([id]);
    const createOnly = await api(environment, accessToken, `contacts(${id})`, { method: 'PATCH', headers: { 'if-none-match': '*' }, body: { lastname: 'Again' } });
    expect(createOnly.status).toBe(412);
    expect(createOnly.body.error.message).toBe('A record with matching key values already exists.');

    const updated = await api(environment, accessToken, `contacts(${id})`, { method: 'PATCH', headers: { 'if-match': '*', prefer: 'return=representation' }, body: { jobtitle: 'CTO' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ lastname: 'Upserted', jobtitle: 'CTO' });
    const stale = await api(environment, accessToken, `contacts(${id})`, { method: 'PATCH', headers: { 'if-match': 'W/"1"' }, body: { jobtitle: 'CEO' } });
    expect(stale.status).toBe(412);

    const byPost = await api(environment, accessToken, 'contacts', { method: 'POST', body: { contactid: id, lastname: 'Twice' } });
    expect(byPost.status).toBe(412);
    expect(environment.records('contacts')[0]).toMatchObject({ lastname: 'Upserted', jobtitle: 'CTO' });
  });

  it('detects duplicates only when MSCRM.SuppressDuplicateDetection: false asks for it', async () => {
    environment.create('contacts', { lastname: 'Lovelace', emailaddress1: 'ada@example.com' });
    const checked = await api(environment, accessToken, 'contacts', { method: 'POST', headers: { 'MSCRM.SuppressDuplicateDetection': 'false' }, body: { lastname: 'Again', emailaddress1: 'ADA@example.com' } });
    expect(checked.status).toBe(500);
    expect(checked.body).toEqual({ error: { code: '0x80040333', message: 'A record was not created or updated because a duplicate of the current record already exists.' } });
    expect(environment.records('contacts')).toHaveLength(1);
    const unchecked = await api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: 'Again', emailaddress1: 'ada@example.com' } });
    expect(unchecked.status).toBe(204);
    expect(environment.records('contacts')).toHaveLength(2);
  });

  it('refuses bad values with Dataverse error bodies and writes nothing', async () => {
    const unknown = await api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: 'X', email: 'x@example.com' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: { code: '0x80060888', message: "The property 'email' does not exist on type 'Microsoft.Dynamics.CRM.contact'. Make sure to only use property names that are defined by the type." } });
    const tooLong = await api(environment, accessToken, 'contacts', { method: 'POST', body: { firstname: 'x'.repeat(51) } });
    expect(tooLong.body.error.code).toBe('0x80044331');
    const badBind = await api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: 'X', 'parentcustomerid_account@odata.bind': `/accounts(${randomUUID()})` } });
    expect(badBind.status).toBe(404);
    expect(environment.records('contacts')).toEqual([]);
  });

  it('deletes a row (404 for a missing one) and change tracking then reports it', async () => {
    const row = environment.create('contacts', { lastname: 'Short-lived' });
    const first = await api(environment, accessToken, 'contacts?$select=lastname', { headers: { prefer: 'odata.track-changes' } });
    expect((await api(environment, accessToken, `contacts(${String(row.contactid)})`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(environment, accessToken, `contacts(${String(row.contactid)})`, { method: 'DELETE' })).status).toBe(404);
    const delta = await api(environment, accessToken, first.body['@odata.deltaLink']);
    expect(delta.body.value).toEqual([expect.objectContaining({ id: row.contactid, reason: 'deleted' })]);
  });

  it('holdWriteAnswers commits the write and keeps its answer until cleared', async () => {
    sandbox.faults.holdWriteAnswers();
    const pending = api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: 'Held' } });
    for (let i = 0; i < 100 && sandbox.faults.heldWriteAnswers() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(environment.records('contacts')).toHaveLength(1);
    sandbox.faults.clear();
    expect((await pending).status).toBe(204);
  });
});
