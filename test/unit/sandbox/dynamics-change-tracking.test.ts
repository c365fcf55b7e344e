import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { allPages, api } from './dynamics-client';

const TRACK = 'odata.track-changes,odata.maxpagesize=4';

describe('Dynamics sandbox: change tracking', () => {
  let sandbox: DynamicsSandbox;
  let environment: DynamicsEnvironmentHandle;
  let accessToken: string;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox();
    environment = sandbox.environment();
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  const ids = (page: { body: { value: Record<string, string>[] } }) => page.body.value.map((r) => r.contactid ?? r.id);

  it('reads every row with the delta link only on the last page, then changed rows followed by $deletedEntity rows', async () => {
    const seeded = environment.seed('contacts', 10, { tieGroupSize: 3 });
    const initial = await allPages(environment, accessToken, 'contacts?$select=fullname,emailaddress1', TRACK);
    expect(initial.map((p) => p.body.value.length)).toEqual([4, 4, 2]);
    expect(initial.slice(0, -1).every((p) => p.body['@odata.deltaLink'] === undefined && p.body['@odata.nextLink'])).toBe(true);
    expect(initial[0].headers.get('preference-applied')).toBe('odata.maxpagesize=4,odata.track-changes');
    const deltaLink: string = initial[2].body['@odata.deltaLink'];
    expect(deltaLink).toMatch(new RegExp(`^${environment.apiUrl.replace(/[.]/g, '\\.')}/contacts\\?\\$select=fullname%2Cemailaddress1&\\$deltatoken=\\d+!\\d{2}%2F\\d{2}%2F\\d{4}%20\\d{2}%3A\\d{2}%3A\\d{2}$`));
    expect(initial.flatMap(ids).sort()).toEqual([...seeded].sort());

    environment.update('contacts', seeded[3], { jobtitle: 'CTO' });
    environment.delete('contacts', seeded[5]);
    const fresh = environment.create('contacts', { lastname: 'Lovelace', emailaddress1: 'ada@example.com' });
    const ephemeral = environment.create('contacts', { lastname: 'Gone' });
    environment.delete('contacts', String(ephemeral.contactid));

    const delta = await api(environment, accessToken, deltaLink);
    expect(delta.status).toBe(200);
    expect(delta.body['@odata.context']).toBe(`${environment.apiUrl}/$metadata#contacts(fullname,emailaddress1)/$delta`);
    expect(delta.body.value).toEqual([
      { '@odata.etag': expect.any(String), fullname: expect.anything(), emailaddress1: expect.anything(), contactid: seeded[3] },
      { '@odata.etag': expect.any(String), fullname: 'Lovelace', emailaddress1: 'ada@example.com', contactid: fresh.contactid },
      { '@odata.context': `${environment.apiUrl}/$metadata#contacts/$deletedEntity`, id: seeded[5], reason: 'deleted' },
      // Created and deleted between two reads: it still arrives, as a delete.
      { '@odata.context': `${environment.apiUrl}/$metadata#contacts/$deletedEntity`, id: ephemeral.contactid, reason: 'deleted' },
    ]);
    const quiet = await api(environment, accessToken, delta.body['@odata.deltaLink']);
    expect(quiet.body.value).toEqual([]);
    expect(quiet.body['@odata.deltaLink']).toEqual(expect.any(String));
  });

  it('pages a large delta: changed rows first, deletes after, the delta link on the last page only', async () => {
    const seeded = environment.seed('contacts', 12);
    const initial = await allPages(environment, accessToken, 'contacts?$select=lastname', TRACK);
    const deltaLink: string = initial.at(-1)!.body['@odata.deltaLink'];
    for (const id of seeded.slice(0, 5)) environment.update('contacts', id, { jobtitle: 'Buyer' });
    for (const id of seeded.slice(6, 10)) environment.delete('contacts', id);
    const pages = await allPages(environment, accessToken, deltaLink, 'odata.maxpagesize=4');
    expect(pages.map((p) => p.body.value.length)).toEqual([4, 4, 1]);
    const items = pages.flatMap((p) => p.body.value);
    expect(items.slice(0, 5).map((r: { contactid: string }) => r.contactid)).toEqual(seeded.slice(0, 5));
    expect(items.slice(5).map((r: { id: string; reason: string }) => [r.id, r.reason])).toEqual(seeded.slice(6, 10).map((id) => [id, 'deleted']));
    expect(pages.slice(0, -1).every((p) => p.body['@odata.deltaLink'] === undefined)).toBe(true);
    expect(pages.at(-1)!.body['@odata.deltaLink']).toContain('$deltatoken=');
  });

  it('refuses $filter, $orderby and $top with track-changes', async () => {
    for (const option of ['$filter=modifiedon gt 2024-01-01T00:00:00Z', '$orderby=modifiedon asc', '$top=5']) {
      const refused = await api(environment, accessToken, `contacts?${option}`, { headers: { prefer: 'odata.track-changes' } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(`The "${option.split('=')[0]}" query parameter isn't supported when Change Tracking is enabled.`);
    }
  });

  it('an expired delta token is the "perform a full sync" error, with the configured status, by knob or by age', async () => {
    environment.seed('contacts', 3);
    const first = await api(environment, accessToken, 'contacts?$select=lastname', { headers: { prefer: 'odata.track-changes' } });
    sandbox.faults.expireDeltaTokens();
    const expired = await api(environment, accessToken, first.body['@odata.deltaLink']);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual({ error: { code: '0x80044352', message: 'Version stamp associated with the client has expired. Please perform a full sync.' } });

    sandbox.setOptions({ expiredDeltaTokenStatus: 500, deltaTokenLifetimeMs: 7 * 86_400_000 });
    const again = await api(environment, accessToken, 'contacts?$select=lastname', { headers: { prefer: 'odata.track-changes' } });
    expect((await api(environment, accessToken, again.body['@odata.deltaLink'])).status).toBe(200);
    environment.advanceClock(8 * 86_400_000);
    const aged = await api(environment, accessToken, again.body['@odata.deltaLink']);
    expect(aged.status).toBe(500);
    expect(aged.body.error.code).toBe('0x80044352');
  });

  it('a table without change tracking ignores the preference by default (no delta link, no Preference-Applied for it), or refuses it when so configured', async () => {
    environment.setChangeTracking('accounts', false);
    environment.seed('accounts', 6);
    const ignored = await allPages(environment, accessToken, 'accounts?$select=name', 'odata.track-changes,odata.maxpagesize=4');
    expect(ignored.map((p) => p.status)).toEqual([200, 200]);
    expect(ignored.every((p) => p.body['@odata.deltaLink'] === undefined)).toBe(true);
    expect(ignored.map((p) => p.headers.get('preference-applied'))).toEqual(['odata.maxpagesize=4', 'odata.maxpagesize=4']);
    expect(ignored.flatMap((p) => p.body.value)).toHaveLength(6);
    const definitions = await api(environment, accessToken, 'EntityDefinitions?$select=LogicalName,EntitySetName&$filter=ChangeTrackingEnabled eq true');
    expect(definitions.body.value.map((d: { LogicalName: string }) => d.LogicalName)).toEqual(['contact']);

    sandbox.setOptions({ untrackedTablePreference: 'error' });
    const refused = await api(environment, accessToken, 'accounts?$select=name', { headers: { prefer: 'odata.track-changes' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("Change tracking is not enabled for the 'account' table.");
  });
});
