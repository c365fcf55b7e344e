import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server';
import { API, control, get, query, refresh } from './sandbox-client';

describe('Salesforce sandbox control API', () => {
  let sandbox: SalesforceSandbox;

  beforeEach(async () => {
    sandbox = await startSalesforceSandbox();
  });
  afterEach(() => sandbox.close());

  it('seeds, creates, updates, deletes and lists records over HTTP', async () => {
    const seeded = await control(sandbox, 'POST', '/seed', { object: 'Account', count: 5, tieGroupSize: 5 });
    expect(seeded.status).toBe(201);
    expect(seeded.body.ids).toHaveLength(5);
    const created = await control(sandbox, 'POST', '/records/Contact', { LastName: 'Lovelace', AccountId: seeded.body.ids[0] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ LastName: 'Lovelace', AccountId: seeded.body.ids[0], FirstName: null, IsDeleted: false });
    const updated = await control(sandbox, 'PATCH', `/records/Contact/${created.body.Id}`, { Title: 'Countess' });
    expect(updated.body.Title).toBe('Countess');
    expect(updated.body.SystemModstamp > created.body.SystemModstamp).toBe(true);
    expect((await control(sandbox, 'DELETE', `/records/Contact/${created.body.Id}`)).status).toBe(204);
    expect((await control(sandbox, 'GET', '/records/Contact')).body.records).toHaveLength(0);
    expect((await control(sandbox, 'GET', '/records/Contact?includeDeleted=true')).body.records[0]).toMatchObject({ Id: created.body.Id, IsDeleted: true });
  });

  it('issues grants, expires sessions, revokes and reports stats over HTTP', async () => {
    const grant = (await control(sandbox, 'POST', '/grants', {})).body;
    expect(grant.instanceUrl).toBe(sandbox.url);
    expect((await query(sandbox, grant.accessToken, 'SELECT Id FROM Contact')).status).toBe(200);
    expect((await control(sandbox, 'POST', '/expire-sessions')).status).toBe(204);
    expect((await query(sandbox, grant.accessToken, 'SELECT Id FROM Contact')).status).toBe(401);
    expect((await control(sandbox, 'POST', '/revoke', { grantIdOrRefreshToken: grant.refreshToken })).status).toBe(204);
    expect((await refresh(sandbox, grant.refreshToken)).body.error).toBe('invalid_grant');
    const stats = (await control(sandbox, 'GET', '/stats')).body;
    expect(stats.requests).toMatchObject({ query: 2, 'token.refresh_token': 1 });
    expect(stats.apiUsage).toEqual({ used: 1, limit: 100000 });
    expect((await control(sandbox, 'POST', '/stats/reset')).status).toBe(204);
    expect((await control(sandbox, 'GET', '/stats')).body.requests).toEqual({});
  });

  it('sets options and faults over HTTP', async () => {
    const { accessToken } = sandbox.issueGrant();
    expect((await control(sandbox, 'POST', '/options', { dailyApiLimit: 1 })).status).toBe(204);
    await get(sandbox, `${API}/limits`, accessToken);
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(403);
    await control(sandbox, 'POST', '/options', { dailyApiLimit: 100 });
    expect((await control(sandbox, 'POST', '/faults/serverErrors', { share: 1, status: 503 })).status).toBe(204);
    expect((await control(sandbox, 'GET', '/faults')).body.active).toEqual(['serverErrors']);
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(503);
    expect((await control(sandbox, 'DELETE', '/faults')).status).toBe(204);
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(200);
    expect((await control(sandbox, 'POST', '/faults/expire-query-locators')).status).toBe(204);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/seed', { object: 'Lead', count: 1 }, 'object'],
      ['POST', '/seed', { object: 'Contact', count: -1 }, 'count'],
      ['POST', '/seed', { object: 'Contact', count: 1, extra: true }, 'extra'],
      ['POST', '/records/Contact', { FirstName: 'No last name' }, 'LastName'],
      ['POST', '/records/Contact', { LastName: 'x', Shoe: 'size' }, 'Shoe'],
      ['POST', '/records/Contact', { LastName: 'x', Birthdate: '1990-13-45' }, 'Birthdate'],
      ['POST', '/records/Account', { Name: 'x', NumberOfEmployees: 'many' }, 'NumberOfEmployees'],
      ['POST', '/records/Contact', { LastName: 'x', SystemModstamp: '2026-01-01T00:00:00.000+0000' }, 'SystemModstamp'],
      ['POST', '/records/Lead', { LastName: 'x' }, 'object'],
      ['POST', '/options', { sessionLifetimeMs: 'long' }, 'sessionLifetimeMs'],
      ['POST', '/options', { port: 1234 }, 'port'],
      ['POST', '/faults/serverErrors', { share: 5 }, 'share'],
      ['POST', '/faults/slowResponses', {}, 'delayMs'],
      ['POST', '/revoke', {}, 'grantIdOrRefreshToken'],
      ['POST', '/seed', '{not json', '(body)'],
    ];
    for (const [method, path, body, field] of cases) {
      const result = await control(sandbox, method, path, body);
      expect([path, field, result.status]).toEqual([path, field, 400]);
      expect(result.body.fields.map((problem: { field: string }) => problem.field).join(',')).toContain(field);
    }
    expect((await control(sandbox, 'POST', '/faults/nope', {})).status).toBe(404);
    expect((await control(sandbox, 'PATCH', '/records/Contact/003000000000000AAA', { Title: 'x' })).status).toBe(404);
  });
});
