import { formatZohoTime } from '../../../sandbox/zoho/datetime';
import { startZohoSandbox, type ZohoGrant, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { crm } from './zoho-client';

describe('Zoho sandbox: If-Modified-Since and deleted records', () => {
  let sandbox: ZohoSandbox;
  let grant: ZohoGrant;
  beforeEach(async () => {
    sandbox = await startZohoSandbox();
    grant = sandbox.issueGrant();
  });
  afterEach(() => sandbox.close());

  const get = (path: string, since?: string) => crm(grant.apiDomain, grant.accessToken, path, { headers: since ? { 'If-Modified-Since': since } : {} });
  /** The org's own rendering of a moment, as a client echoes a Modified_Time back. */
  const orgTime = (ms: number) => formatZohoTime(Math.floor(ms / 1000), sandbox.org().utcOffsetMinutes);

  it('answers 204 with an empty body on an empty module, 304 when nothing changed since, and only newer records otherwise', async () => {
    const empty = await get('Contacts?fields=Last_Name', '2020-01-01T00:00:00+00:00');
    expect([empty.status, empty.text]).toEqual([204, '']);
    expect((await get('Contacts?fields=Last_Name')).status).toBe(204);

    sandbox.seed('Contacts', 5);
    const [newest] = sandbox.org().records('Contacts').map((r) => r.Modified_Time as string).sort().reverse();
    const unchanged = await get('Contacts?fields=Last_Name', newest);
    expect([unchanged.status, unchanged.text]).toEqual([304, '']);

    sandbox.org().advanceClock(2000);
    const created = sandbox.org().create('Contacts', { Last_Name: 'Newer' });
    const changed = await get('Contacts?fields=Last_Name,Modified_Time', newest);
    expect(changed.status).toBe(200);
    expect(changed.body.data).toEqual([{ Last_Name: 'Newer', Modified_Time: created.Modified_Time, id: created.id }]);
    // The same moment in UTC means the same thing.
    const utc = new Date(Date.parse(newest)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await get('Contacts?fields=Last_Name', utc)).body.data).toHaveLength(1);
  });

  it('returns records modified after the header only, not in its very second, unless configured inclusive', async () => {
    const org = sandbox.org();
    // An import stamps both records with one second: a client checkpointing on the first's time misses the second.
    const [firstId, secondId] = org.importNow('Contacts', 2);
    const [first, sameSecond] = [firstId, secondId].map((id) => org.records('Contacts').find((r) => r.id === id)!);
    expect(sameSecond.Modified_Time).toBe(first.Modified_Time);
    const strict = await get('Contacts?fields=Last_Name', first.Modified_Time as string);
    expect(strict.status).toBe(304);
    sandbox.setOptions({ ifModifiedSinceInclusive: true });
    const inclusive = await get('Contacts?fields=Last_Name', first.Modified_Time as string);
    expect(inclusive.body.data.map((r: { id: string }) => r.id).sort()).toEqual([first.id, sameSecond.id].sort());
  });

  it('refuses an If-Modified-Since that is not ISO 8601 with an offset (an HTTP-date, a local time)', async () => {
    sandbox.seed('Contacts', 2);
    for (const header of ['Wed, 21 Oct 2015 07:28:00 GMT', '2019-07-25T15:26:49', '2019-02-30T10:00:00+05:30']) {
      const answer = await get('Contacts?fields=Last_Name', header);
      expect([answer.status, answer.body.code, answer.body.details.param_name]).toEqual([400, 'INVALID_DATA', 'If-Modified-Since']);
    }
    expect((await get('Contacts?fields=Last_Name', '2019-07-25T15:26:49+05:30')).status).toBe(200);
  });

  it('lists deletes by type with deleted_time, minimal fields for permanent ones, filtered by If-Modified-Since', async () => {
    const org = sandbox.org();
    const [kept, binned, gone] = sandbox.seed('Contacts', 3);
    const binnedName = org.records('Contacts').find((r) => r.id === binned)!.Full_Name;
    expect((await get('Contacts/deleted')).status).toBe(204);
    const before = orgTime(Date.now() - 1000);
    org.delete('Contacts', binned);
    org.delete('Contacts', gone, { permanent: true });

    const all = await get('Contacts/deleted?type=all');
    expect(all.status).toBe(200);
    expect(all.body.info).toEqual({ per_page: 200, count: 2, page: 1, more_records: false });
    const byId = Object.fromEntries(all.body.data.map((d: { id: string }) => [d.id, d]));
    expect(byId[binned]).toEqual({ id: binned, display_name: binnedName, type: 'recycle', deleted_by: { name: 'Integration User', id: org.userId }, created_by: { name: 'Integration User', id: org.userId }, deleted_time: expect.stringMatching(/-07:00$/) });
    expect(byId[gone]).toEqual({ id: gone, display_name: null, type: 'permanent', deleted_by: null, created_by: null, deleted_time: expect.any(String) });
    expect((await get('Contacts/deleted?type=recycle')).body.data.map((d: { id: string }) => d.id)).toEqual([binned]);
    expect((await get('Contacts/deleted?type=permanent')).body.data.map((d: { id: string }) => d.id)).toEqual([gone]);
    expect((await get('Contacts/deleted?type=trash')).body.details).toMatchObject({ param_name: 'type' });

    expect((await get('Contacts/deleted', before)).body.data).toHaveLength(2);
    const later = orgTime(Date.now() + 2000);
    expect((await get('Contacts/deleted', later)).status).toBe(204);
    // Deleted records are gone from the listing; the one left is still there.
    expect((await get('Contacts?fields=Last_Name')).body.data.map((r: { id: string }) => r.id)).toEqual([kept]);

    expect(org.emptyRecycleBin('Contacts')).toBe(1);
    expect((await get('Contacts/deleted?type=recycle')).status).toBe(204);
    expect((await get('Contacts/deleted?type=permanent')).body.data).toHaveLength(2);
  });

  it('pages the deleted list with page and per_page', async () => {
    const org = sandbox.org();
    for (const id of sandbox.seed('Accounts', 5)) org.delete('Accounts', id);
    const first = await get('Accounts/deleted?per_page=2&page=1');
    const third = await get('Accounts/deleted?per_page=2&page=3');
    expect([first.body.info.more_records, third.body.info.more_records, third.body.info.count]).toEqual([true, false, 1]);
  });
});
