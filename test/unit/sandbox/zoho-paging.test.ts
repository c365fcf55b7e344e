import { startZohoSandbox, type ZohoGrant, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { allPages, crm } from './zoho-client';

describe('Zoho sandbox: listing records (fields, page, page_token, ties)', () => {
  let sandbox: ZohoSandbox;
  let grant: ZohoGrant;
  beforeEach(async () => {
    sandbox = await startZohoSandbox({ seed: 7 });
    grant = sandbox.issueGrant();
  });
  afterEach(() => sandbox.close());

  const get = (path: string, headers: Record<string, string> = {}) => crm(grant.apiDomain, grant.accessToken, path, { headers });
  const ids = (pages: { body: { data: { id: string }[] } }[]) => pages.flatMap((page) => page.body.data.map((record) => record.id));

  it('requires fields (at most 50, all known) and per_page of at most 200, with the documented error bodies', async () => {
    sandbox.seed('Contacts', 3);
    expect((await get('Contacts')).body).toEqual({ code: 'REQUIRED_PARAM_MISSING', status: 'error', details: { param_name: 'fields' }, message: 'required param is missing' });
    const many = Array.from({ length: 51 }, (_, i) => `Field_${i}`).join(',');
    const tooMany = await get(`Contacts?fields=${many}`);
    expect([tooMany.status, tooMany.body]).toEqual([400, { code: 'LIMIT_EXCEEDED', details: { limit: 50, param_name: 'fields' }, message: 'limit exceeded', status: 'error' }]);
    const unknown = await get('Contacts?fields=Last_Name,Shoe_Size');
    expect(unknown.body).toMatchObject({ code: 'INVALID_DATA', details: { param_name: 'fields', api_name: 'Shoe_Size' } });
    expect((await get('Contacts?fields=Last_Name&per_page=201')).body).toMatchObject({ code: 'INVALID_DATA', details: { param_name: 'per_page' } });
    expect((await get('Contacts?fields=Last_Name&sort_by=Last_Name')).body).toMatchObject({ code: 'INVALID_DATA', details: { param_name: 'sort_by', supported_values: ['id', 'Created_Time', 'Modified_Time'] } });
    expect((await get('Leads?fields=Last_Name')).body).toEqual({ code: 'INVALID_MODULE', details: { resource_path_index: 0 }, message: 'the module name given seems to be invalid', status: 'error' });
  });

  it('answers records with 19-digit string ids, the org\'s offset in whole seconds, lookups as {name, id}, newest id first by default', async () => {
    const accountIds = sandbox.seed('Accounts', 3);
    sandbox.seed('Contacts', 30);
    const page = await get('Contacts?fields=Full_Name,Account_Name,Owner,Modified_Time,Created_Time');
    expect(page.status).toBe(200);
    expect(page.body.info).toEqual({ call: false, per_page: 200, next_page_token: null, count: 30, sort_by: 'id', page: 1, page_token_expiry: null, sort_order: 'desc', email: false, more_records: false, previous_page_token: null });
    const records = page.body.data as Record<string, unknown>[];
    const order = records.map((r) => r.id as string);
    expect(order).toEqual([...order].sort().reverse());
    for (const record of records) {
      expect(record.id).toMatch(/^\d{19}$/);
      // zylker is in the US data centre at UTC-07:00 in this sandbox: never UTC, never milliseconds.
      expect(record.Modified_Time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-07:00$/);
      expect(Object.keys(record).sort()).toEqual(['Account_Name', 'Created_Time', 'Full_Name', 'Modified_Time', 'Owner', 'id']);
      expect(record.Owner).toEqual({ name: 'Integration User', id: sandbox.org().userId, email: sandbox.org().email });
    }
    const linked = records.find((r) => r.Account_Name !== null) as { Account_Name: { name: string; id: string } };
    expect(accountIds).toContain(linked.Account_Name.id);
    expect(linked.Account_Name.name).toBe(sandbox.org().records('Accounts').find((a) => a.id === linked.Account_Name.id)!.Account_Name);
  });

  it('follows next_page_token through ties on Modified_Time that straddle page boundaries, every record exactly once', async () => {
    const seeded = sandbox.seed('Contacts', 33, { tieGroupSize: 7 });
    const pages = await allPages(grant.apiDomain, grant.accessToken, 'Contacts?fields=Modified_Time&sort_by=Modified_Time&sort_order=asc&per_page=5');
    expect(pages.map((p) => p.body.data.length)).toEqual([5, 5, 5, 5, 5, 5, 3]);
    expect(pages.map((p) => p.body.info.page)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pages.slice(0, -1).every((p) => p.body.info.more_records && /^[0-9a-f]{48}$/.test(p.body.info.next_page_token) && p.body.info.page_token_expiry)).toBe(true);
    expect(pages[6].body.info).toMatchObject({ more_records: false, next_page_token: null });
    const all = ids(pages);
    expect([...all].sort()).toEqual([...seeded].sort());
    const times = pages.flatMap((p) => p.body.data.map((r: { Modified_Time: string }) => r.Modified_Time));
    expect(times).toEqual([...times].sort());
    expect(pages.slice(0, -1).some((page, i) => page.body.data.at(-1).Modified_Time === pages[i + 1].body.data[0].Modified_Time)).toBe(true);
    // Ties are not in id order: a client cannot resume "after the last id" within a second by itself.
    const tied = pages.flatMap((p) => p.body.data).filter((r: { Modified_Time: string }, _i: number, list: { Modified_Time: string }[]) => list.filter((o) => o.Modified_Time === r.Modified_Time).length > 1);
    const tiedIds = tied.map((r: { id: string }) => r.id);
    expect(tiedIds).not.toEqual([...tiedIds].sort());
  });

  it('reaches only the first 2,000 records with page; page_token goes on from there', async () => {
    sandbox.seed('Contacts', 2050, { tieGroupSize: 50 });
    const tenth = await get('Contacts?fields=Last_Name&per_page=200&page=10&sort_by=id&sort_order=asc');
    expect(tenth.body.info).toMatchObject({ page: 10, count: 200, more_records: true });
    const eleventh = await get('Contacts?fields=Last_Name&per_page=200&page=11&sort_by=id&sort_order=asc');
    expect([eleventh.status, eleventh.body]).toEqual([400, { code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', message: 'You can only get the first 2000 records without using page_token param', status: 'error', details: { limit: 2000 } }]);
    const rest = await get(`Contacts?fields=Last_Name&per_page=200&sort_by=id&sort_order=asc&page_token=${tenth.body.info.next_page_token}`);
    expect(rest.body.info).toMatchObject({ page: 11, count: 50, more_records: false, next_page_token: null });
    const all = sandbox.org().records('Contacts').map((r) => r.id);
    expect(rest.body.data.map((r: { id: string }) => r.id)).toEqual(all.slice(2000));
    // A page straddling record 2,000 stops there.
    const straddling = await get('Contacts?fields=Last_Name&per_page=150&page=14&sort_by=id&sort_order=asc');
    expect(straddling.body.info).toMatchObject({ count: 50, more_records: true });
  });

  it('binds a page_token to its query and refuses it with page, after changes to the query, and once expired', async () => {
    sandbox.seed('Contacts', 12);
    const first = await get('Contacts?fields=Last_Name&per_page=5');
    const pageToken = first.body.info.next_page_token;
    const both = await get(`Contacts?fields=Last_Name&per_page=5&page=2&page_token=${pageToken}`);
    expect(both.body).toMatchObject({ code: 'AMBIGUITY_DURING_PROCESSING', details: { ambiguity_due_to: [{ param_name: 'page' }, { param_name: 'page_token' }] } });
    const altered = await get(`Contacts?fields=Last_Name,Email&per_page=5&page_token=${pageToken}`);
    expect(altered.body).toEqual({ code: 'TOKEN_BOUND_DATA_MISMATCH', message: 'The page_token given seems to be invalid or input param is added or altered or deleted', status: 'error', details: { param_name: 'page_token' } });
    const headerAdded = await get(`Contacts?fields=Last_Name&per_page=5&page_token=${pageToken}`, { 'If-Modified-Since': '2000-01-01T00:00:00+00:00' });
    expect(headerAdded.body.code).toBe('TOKEN_BOUND_DATA_MISMATCH');
    expect((await get(`Contacts?fields=Last_Name&per_page=5&page_token=${pageToken}`)).status).toBe(200);
    sandbox.org().advanceClock(24 * 3_600_000 + 1000);
    const expired = await get(`Contacts?fields=Last_Name&per_page=5&page_token=${pageToken}`);
    expect([expired.status, expired.body]).toEqual([400, { status: 'error', code: 'EXPIRED_VALUE', message: 'Page token expired', details: { api_name: 'page_token', json_path: '$.query.page_token' } }]);
    const fresh = await get('Contacts?fields=Last_Name&per_page=5');
    sandbox.faults.expirePageTokens();
    expect((await get(`Contacts?fields=Last_Name&per_page=5&page_token=${fresh.body.info.next_page_token}`)).body.code).toBe('EXPIRED_VALUE');
  });

  it('pages by plain offsets with page, so a record modified between pages shifts the next page; page_token does not skip it', async () => {
    sandbox.seed('Contacts', 10, { tieGroupSize: 1 });
    const path = 'Contacts?fields=Modified_Time&sort_by=Modified_Time&sort_order=asc&per_page=5';
    const first = await get(`${path}&page=1`);
    const moved = first.body.data[0].id as string;
    sandbox.org().advanceClock(5000);
    sandbox.org().update('Contacts', moved, { Title: 'Moved to the end' });
    const byNumber = await get(`${path}&page=2`);
    const byToken = await get(`${path}&page_token=${first.body.info.next_page_token}`);
    const firstIds = first.body.data.map((r: { id: string }) => r.id);
    const everyId = sandbox.org().records('Contacts').map((r) => r.id as string);
    const seenByNumber = new Set([...firstIds, ...byNumber.body.data.map((r: { id: string }) => r.id)]);
    const seenByToken = new Set([...firstIds, ...byToken.body.data.map((r: { id: string }) => r.id)]);
    expect(everyId.filter((id) => !seenByNumber.has(id))).toHaveLength(1);
    expect(everyId.filter((id) => !seenByToken.has(id))).toEqual([]);
  });

  it('the same seed yields the same org: ids and values are deterministic', async () => {
    const again = await startZohoSandbox({ seed: 7 });
    try {
      expect(again.org().orgId).toBe(sandbox.org().orgId);
      expect(again.seed('Contacts', 20, { tieGroupSize: 4 })).toEqual(sandbox.seed('Contacts', 20, { tieGroupSize: 4 }));
      const strip = (records: Record<string, unknown>[]) => records.map(({ Modified_Time: _m, Created_Time: _c, ...rest }) => rest);
      expect(strip(again.org().records('Contacts'))).toEqual(strip(sandbox.org().records('Contacts')));
    } finally {
      await again.close();
    }
  });
});
