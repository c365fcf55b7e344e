import { startZohoSandbox, type ZohoGrant, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { crm, sleep } from './zoho-client';

describe('Zoho sandbox: writes, search and field discovery', () => {
  let sandbox: ZohoSandbox;
  let grant: ZohoGrant;
  beforeEach(async () => {
    sandbox = await startZohoSandbox();
    grant = sandbox.issueGrant();
  });
  afterEach(() => sandbox.close());

  const call = (method: string, path: string, body?: unknown) => crm(grant.apiDomain, grant.accessToken, path, { method, body });

  it('inserts with per-record answers: 201 when all succeed, 207 mixed, 400 when none; Last_Name is mandatory', async () => {
    const [account] = sandbox.seed('Accounts', 1);
    const created = await call('POST', 'Contacts', { data: [{ First_Name: 'Ada', Last_Name: 'Lovelace', Email: 'ada@example.com', Account_Name: { id: account }, Customer_Score: 42 }], trigger: [] });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual([
      {
        code: 'SUCCESS',
        details: { Modified_Time: expect.stringMatching(/-07:00$/), Modified_By: { name: 'Integration User', id: sandbox.org().userId }, Created_Time: expect.any(String), id: expect.stringMatching(/^\d{19}$/), Created_By: { name: 'Integration User', id: sandbox.org().userId }, $approval_state: 'approved' },
        message: 'record added',
        status: 'success',
      },
    ]);
    const stored = sandbox.org().records('Contacts').find((r) => r.id === created.body.data[0].details.id)!;
    expect(stored).toMatchObject({ Full_Name: 'Ada Lovelace', Email: 'ada@example.com', Customer_Score: 42, Account_Name: { id: account, name: expect.any(String) } });

    const mixed = await call('POST', 'Contacts', { data: [{ Last_Name: 'Hopper' }, { First_Name: 'No last name' }, { Last_Name: 'Typo', Emial: 'x@example.com' }, { Last_Name: 'Score', Customer_Score: 'high' }] });
    expect(mixed.status).toBe(207);
    expect(mixed.body.data.map((r: { code: string }) => r.code)).toEqual(['SUCCESS', 'MANDATORY_NOT_FOUND', 'INVALID_DATA', 'INVALID_DATA']);
    expect(mixed.body.data[1]).toEqual({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name', json_path: '$.data[1].Last_Name' }, message: 'required field not found', status: 'error' });
    expect(mixed.body.data[2].details).toEqual({ api_name: 'Emial', json_path: '$.data[2].Emial' });
    expect(mixed.body.data[3].details).toEqual({ expected_data_type: 'integer', api_name: 'Customer_Score', json_path: '$.data[3].Customer_Score' });

    const none = await call('POST', 'Contacts', { data: [{ Last_Name: 'x'.repeat(81) }, { Last_Name: 'Bad lookup', Account_Name: { id: '1234567890123456789' } }] });
    expect(none.status).toBe(400);
    expect(none.body.data[0].details).toEqual({ maximum_length: 80, api_name: 'Last_Name', json_path: '$.data[0].Last_Name' });
    expect(none.body.data[1]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'Account_Name' } });
    expect(sandbox.org().records('Contacts')).toHaveLength(2);

    const tooMany = await call('POST', 'Contacts', { data: Array.from({ length: 101 }, (_, i) => ({ Last_Name: `N${i}` })) });
    expect(tooMany.body).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 100 } });
    expect((await call('POST', 'Contacts', { records: [] })).body).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'data' } });
    sandbox.setOptions({ unknownFieldsOnWrite: 'ignored' });
    expect((await call('POST', 'Contacts', { data: [{ Last_Name: 'Typo again', Emial: 'y@example.com' }] })).status).toBe(201);
  });

  it('refuses a repeated value in a unique field with DUPLICATE_DATA naming the existing record, on insert and update', async () => {
    const first = await call('POST', 'Contacts', { data: [{ Last_Name: 'One', Email: 'same@example.com' }] });
    const firstId = first.body.data[0].details.id;
    const again = await call('POST', 'Contacts', { data: [{ Last_Name: 'Two', Email: 'SAME@example.com' }] });
    expect(again.status).toBe(400);
    expect(again.body.data[0]).toEqual({
      code: 'DUPLICATE_DATA',
      details: { api_name: 'Email', json_path: '$.data[0].Email', duplicate_record: { Owner: { name: 'Integration User', id: sandbox.org().userId, zuid: sandbox.org().zuid }, module: { api_name: 'Contacts', id: expect.any(String) }, id: firstId }, id: firstId, more_records: false },
      message: 'duplicate data',
      status: 'error',
    });
    const other = (await call('POST', 'Contacts', { data: [{ Last_Name: 'Three', Email: 'three@example.com' }] })).body.data[0].details.id;
    expect((await call('PUT', `Contacts/${other}`, { data: [{ Email: 'same@example.com' }] })).body.data[0].code).toBe('DUPLICATE_DATA');
    // Updating a record to the value it already has is not a duplicate of itself.
    expect((await call('PUT', `Contacts/${firstId}`, { data: [{ Email: 'same@example.com', Title: 'CEO' }] })).status).toBe(200);
    sandbox.setOptions({ uniqueFields: { Contacts: [] } });
    expect((await call('POST', 'Contacts', { data: [{ Last_Name: 'Two', Email: 'same@example.com' }] })).status).toBe(201);
  });

  it('updates by id in the path or in data[], moving Modified_Time, and refuses blanking Last_Name or an unknown id', async () => {
    const [id] = sandbox.seed('Contacts', 1);
    const before = sandbox.org().records('Contacts')[0];
    sandbox.org().advanceClock(2000);
    const updated = await call('PUT', `Contacts/${id}`, { data: [{ Title: 'CTO' }] });
    expect([updated.status, updated.body.data[0].code, updated.body.data[0].message]).toEqual([200, 'SUCCESS', 'record updated']);
    const after = sandbox.org().records('Contacts')[0];
    expect(after.Title).toBe('CTO');
    expect(after.Modified_Time).not.toBe(before.Modified_Time);
    expect(after.Created_Time).toBe(before.Created_Time);
    const blank = await call('PUT', `Contacts/${id}`, { data: [{ Last_Name: '' }] });
    expect(blank.body.data[0]).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' } });
    const bulk = await call('PUT', 'Contacts', { data: [{ id, Department: 'IT' }, { Department: 'No id' }, { id: '1234567890123456789', Department: 'Unknown' }] });
    expect(bulk.status).toBe(207);
    expect(bulk.body.data.map((r: { code: string }) => r.code)).toEqual(['SUCCESS', 'MANDATORY_NOT_FOUND', 'INVALID_DATA']);
  });

  it('upserts on duplicate_check_fields: updates the match (action update, duplicate_field) or inserts (action insert)', async () => {
    const existing = sandbox.org().create('Contacts', { Last_Name: 'Known', Email: 'known@example.com' });
    const upserted = await call('POST', 'Contacts/upsert', { data: [{ Last_Name: 'Known', Email: 'KNOWN@example.com', Title: 'Buyer' }, { Last_Name: 'New', Email: 'new@example.com' }, { First_Name: 'No last name', Email: 'nobody@example.com' }], duplicate_check_fields: ['Email'] });
    expect(upserted.status).toBe(207);
    expect(upserted.body.data[0]).toMatchObject({ code: 'SUCCESS', action: 'update', duplicate_field: 'Email', message: 'record updated', details: { id: existing.id } });
    expect(upserted.body.data[1]).toMatchObject({ code: 'SUCCESS', action: 'insert', duplicate_field: null, message: 'record added' });
    expect(upserted.body.data[2]).toMatchObject({ code: 'MANDATORY_NOT_FOUND' });
    expect(sandbox.org().records('Contacts').find((r) => r.id === existing.id)!.Title).toBe('Buyer');
    // Sending the same upsert again converges: no new record.
    const repeat = await call('POST', 'Contacts/upsert', { data: [{ Last_Name: 'New', Email: 'new@example.com' }], duplicate_check_fields: ['Email'] });
    expect([repeat.status, repeat.body.data[0].action]).toEqual([200, 'update']);
    expect(sandbox.org().records('Contacts')).toHaveLength(2);
    expect((await call('POST', 'Contacts/upsert', { data: [{ Last_Name: 'X' }], duplicate_check_fields: ['Nope'] })).body.details).toMatchObject({ api_name: 'duplicate_check_fields' });
  });

  it('searches by email, criteria and word; a lagging index does not find a record written moments ago', async () => {
    sandbox.org().create('Contacts', { Last_Name: 'Curie', First_Name: 'Marie', Email: 'marie@example.com' });
    const byEmail = await call('GET', 'Contacts/search?email=MARIE@example.com');
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.data.map((r: { Full_Name: string }) => r.Full_Name)).toEqual(['Marie Curie']);
    expect(byEmail.body.info).toEqual({ per_page: 200, count: 1, page: 1, more_records: false });
    expect((await call('GET', 'Contacts/search?criteria=(Last_Name:equals:Curie)and(First_Name:starts_with:Ma)&fields=Email')).body.data).toEqual([{ Email: 'marie@example.com', id: expect.any(String) }]);
    expect((await call('GET', 'Contacts/search?word=uri')).body.data).toHaveLength(1);
    expect((await call('GET', 'Contacts/search?email=nobody@example.com')).status).toBe(204);
    expect((await call('GET', 'Contacts/search')).body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING' });

    sandbox.setOptions({ searchIndexLagMs: 1000 });
    await call('POST', 'Contacts', { data: [{ Last_Name: 'Meitner', Email: 'lise@example.com' }] });
    expect((await call('GET', 'Contacts/search?email=lise@example.com')).status).toBe(204);
    await sleep(1100);
    expect((await call('GET', 'Contacts/search?email=lise@example.com')).body.data).toHaveLength(1);
  });

  it('describes fields with custom_field and per-profile permission, and leaves hidden fields out of records', async () => {
    const fields = await call('GET', 'settings/fields?module=Contacts');
    expect(fields.status).toBe(200);
    const byName = Object.fromEntries(fields.body.fields.map((f: { api_name: string }) => [f.api_name, f]));
    expect(byName.Loyalty_Tier).toMatchObject({ custom_field: true, data_type: 'picklist', json_type: 'string', id: expect.stringMatching(/^\d{19}$/) });
    expect(byName.Email).toMatchObject({ custom_field: false, data_type: 'email', unique: { casesensitive: false } });
    expect(byName.Last_Name).toMatchObject({ system_mandatory: true, length: 80 });
    expect(byName.Account_Name).toMatchObject({ data_type: 'lookup', json_type: 'jsonobject', lookup: { module: { api_name: 'Accounts' } } });
    expect(byName.National_ID.profiles).toEqual([
      { permission_type: 'read_write', name: 'Administrator', id: expect.any(String) },
      { permission_type: 'hidden', name: 'Standard', id: expect.any(String) },
    ]);
    expect(byName.Record_Status__s).toBeDefined();
    expect((await call('GET', 'settings/fields')).body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'module' } });

    sandbox.org().create('Contacts', { Last_Name: 'Hidden', National_ID: 'NI12345678' });
    const omitted = await call('GET', 'Contacts?fields=Last_Name,National_ID');
    expect(omitted.body.data[0]).toEqual({ Last_Name: 'Hidden', id: expect.any(String) });
    sandbox.setOptions({ hiddenFieldAnswer: 'null' });
    expect((await call('GET', 'Contacts?fields=Last_Name,National_ID')).body.data[0]).toEqual({ Last_Name: 'Hidden', National_ID: null, id: expect.any(String) });
    // The truth still has it.
    expect(sandbox.org().records('Contacts')[0].National_ID).toBe('NI12345678');
  });

  it('answers /org and /users?type=CurrentUser for the token\'s org and user', async () => {
    const users = await call('GET', 'users?type=CurrentUser');
    expect(users.body.users).toEqual([expect.objectContaining({ id: sandbox.org().userId, zuid: sandbox.org().zuid, email: sandbox.org().email, profile: { id: expect.any(String), name: 'Standard' } })]);
    expect((await call('GET', 'users?type=Everyone')).body.details).toMatchObject({ param_name: 'type' });
    const org = await call('GET', 'org');
    expect(org.body.org[0]).toMatchObject({ id: sandbox.org().orgId, primary_zuid: sandbox.org().zuid, time_zone: 'America/Los_Angeles' });
  });
});
