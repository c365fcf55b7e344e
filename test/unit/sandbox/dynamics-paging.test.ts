import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { sqlOrderKey } from '../../../sandbox/dynamics/guid';
import { allPages, api } from './dynamics-client';

describe('Dynamics sandbox: paging entity sets', () => {
  let sandbox: DynamicsSandbox;
  let environment: DynamicsEnvironmentHandle;
  let accessToken: string;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox({ seed: 7 });
    environment = sandbox.environment();
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  it('pages with odata.maxpagesize, echoes it in Preference-Applied, and the next links return every row once, ties across page boundaries included', async () => {
    // Tie groups of 7 seconds' worth against pages of 5: every page boundary falls inside a group of equal modifiedon.
    const ids = environment.seed('contacts', 33, { tieGroupSize: 7 });
    const pages = await allPages(environment, accessToken, 'contacts?$select=fullname,modifiedon&$orderby=modifiedon asc,contactid asc', 'odata.maxpagesize=5');
    expect(pages.map((p) => p.status)).toEqual(Array(7).fill(200));
    expect(pages.map((p) => p.body.value.length)).toEqual([5, 5, 5, 5, 5, 5, 3]);
    for (const page of pages) {
      expect(page.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
      expect(page.headers.get('odata-version')).toBe('4.0');
      expect(page.body['@odata.context']).toBe(`${environment.apiUrl}/$metadata#contacts(fullname,modifiedon)`);
    }
    expect(pages[6].body['@odata.nextLink']).toBeUndefined();
    const rows = pages.flatMap((p) => p.body.value);
    expect(rows.map((r: { contactid: string }) => r.contactid).sort()).toEqual([...ids].sort());
    expect(rows[0]).toEqual({ '@odata.etag': expect.stringMatching(/^W\/"\d+"$/), fullname: expect.anything(), modifiedon: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/), contactid: expect.any(String) });
    // The ties really straddle page boundaries: some page ends on a modifiedon the next page starts with.
    expect(pages.slice(0, -1).some((page, i) => page.body.value.at(-1).modifiedon === pages[i + 1].body.value[0].modifiedon)).toBe(true);
  });

  it('without a page-size preference answers up to 5000 rows a page and ignores a larger preference', async () => {
    environment.seed('accounts', 5002, { tieGroupSize: 50 });
    const plain = await api(environment, accessToken, 'accounts?$select=name');
    expect(plain.body.value).toHaveLength(5000);
    expect(plain.headers.get('preference-applied')).toBeNull();
    expect(plain.body['@odata.nextLink']).toContain('$skiptoken=');
    const tooLarge = await api(environment, accessToken, 'accounts?$select=name', { headers: { prefer: 'odata.maxpagesize=9000' } });
    expect(tooLarge.body.value).toHaveLength(5000);
    const last = await api(environment, accessToken, plain.body['@odata.nextLink']);
    expect(last.body.value).toHaveLength(2);
  });

  it('refuses an edited $skiptoken, a skiptoken moved to another query, and $skip', async () => {
    environment.seed('contacts', 12);
    const first = await api(environment, accessToken, 'contacts?$select=fullname', { headers: { prefer: 'odata.maxpagesize=5' } });
    const next: string = first.body['@odata.nextLink'];
    const tampered = next.replace(/pagenumber%3D%222%22/, 'pagenumber%3D%223%22');
    expect(tampered).not.toBe(next);
    const refused = await api(environment, accessToken, tampered, { headers: { prefer: 'odata.maxpagesize=5' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('0x80040203');
    const skipToken = new URL(next).searchParams.get('$skiptoken') ?? '';
    const moved = await api(environment, accessToken, `contacts?$select=emailaddress1&$skiptoken=${encodeURIComponent(skipToken)}`);
    expect(moved.status).toBe(400);
    const skip = await api(environment, accessToken, 'contacts?$skip=5');
    expect(skip.status).toBe(400);
    expect(skip.body).toEqual({ error: { code: '0x80060888', message: 'Skip Clause is not supported in CRM' } });
  });

  it('$top alone caps the answer without a next link; with a page size it is ignored', async () => {
    environment.seed('contacts', 12);
    const top = await api(environment, accessToken, 'contacts?$top=3');
    expect(top.body.value).toHaveLength(3);
    expect(top.body['@odata.nextLink']).toBeUndefined();
    const both = await api(environment, accessToken, 'contacts?$top=3', { headers: { prefer: 'odata.maxpagesize=5' } });
    expect(both.body.value).toHaveLength(5);
  });

  it('orders by primary key in SQL Server uniqueidentifier order by default, which is not the GUIDs\' text order', async () => {
    const created = Array.from({ length: 40 }, (_, i) => environment.create('contacts', { lastname: `Row ${i}` }, { id: `${(i * 37 % 256).toString(16).padStart(2, '0')}${'0'.repeat(6)}-0000-0000-0000-${(i * 91 % 256).toString(16).padStart(2, '0')}${'0'.repeat(10)}` }));
    const answer = await api(environment, accessToken, 'contacts?$select=lastname');
    const order = answer.body.value.map((r: { contactid: string }) => r.contactid);
    expect(order).toEqual([...order].sort((a: string, b: string) => (sqlOrderKey(a) < sqlOrderKey(b) ? -1 : 1)));
    expect(order).not.toEqual([...order].sort());
    expect(order).toHaveLength(created.length);
  });

  it('ordering by modifiedon alone is not deterministic: across page boundaries inside ties, rows repeat or go missing', async () => {
    const ids = environment.seed('contacts', 60, { tieGroupSize: 30 });
    const pages = await allPages(environment, accessToken, 'contacts?$select=modifiedon&$orderby=modifiedon asc', 'odata.maxpagesize=7');
    const seen = pages.flatMap((p) => p.body.value.map((r: { contactid: string }) => r.contactid));
    const distinct = new Set(seen);
    // The hazard the docs warn of (cc-ordering-paging.md): a sync must add the primary key to $orderby.
    expect(seen.length !== ids.length || distinct.size !== ids.length).toBe(true);
    const safe = await allPages(environment, accessToken, 'contacts?$select=modifiedon&$orderby=modifiedon asc,contactid asc', 'odata.maxpagesize=7');
    const safeIds = safe.flatMap((p) => p.body.value.map((r: { contactid: string }) => r.contactid));
    expect(safeIds).toHaveLength(ids.length);
    expect(new Set(safeIds).size).toBe(ids.length);
  });

  it('the same seed yields the same environment: ids and values are deterministic', async () => {
    const again = await startDynamicsSandbox({ seed: 7 });
    try {
      expect(again.environment().organizationId).toBe(environment.organizationId);
      const left = environment.seed('contacts', 20, { tieGroupSize: 4 });
      const right = again.environment().seed('contacts', 20, { tieGroupSize: 4 });
      expect(right).toEqual(left);
      const strip = (records: Record<string, unknown>[]) => records.map(({ modifiedon: _m, createdon: _c, ...rest }) => rest);
      expect(strip(again.environment().records('contacts'))).toEqual(strip(environment.records('contacts')));
    } finally {
      await again.close();
    }
  });
});
