import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server';
import { API, get, query, refresh, sleep } from './sandbox-client';

describe('Salesforce sandbox sessions and API limits', () => {
  let sandbox: SalesforceSandbox;

  beforeEach(async () => {
    sandbox = await startSalesforceSandbox();
  });
  afterEach(() => sandbox.close());

  it('expires access tokens after the session lifetime with a 401 INVALID_SESSION_ID array', async () => {
    sandbox.setOptions({ sessionLifetimeMs: 600 });
    const grant = sandbox.issueGrant();
    expect((await query(sandbox, grant.accessToken, 'SELECT Id FROM Contact')).status).toBe(200);
    await sleep(700);
    const expired = await query(sandbox, grant.accessToken, 'SELECT Id FROM Contact');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const refreshed = await refresh(sandbox, grant.refreshToken);
    expect((await query(sandbox, refreshed.body.access_token, 'SELECT Id FROM Contact')).status).toBe(200);
  });

  it('answers 401 for a missing, unknown or expired-by-hand bearer', async () => {
    expect((await get(sandbox, `${API}/limits`)).status).toBe(401);
    expect((await get(sandbox, `${API}/limits`, 'nonsense')).status).toBe(401);
    const grant = sandbox.issueGrant();
    sandbox.expireSessions();
    expect((await get(sandbox, `${API}/limits`, grant.accessToken)).body[0].errorCode).toBe('INVALID_SESSION_ID');
  });

  it('reports usage in Sforce-Limit-Info on every data response, errors included', async () => {
    sandbox.setOptions({ dailyApiLimit: 1000 });
    const { accessToken } = sandbox.issueGrant();
    expect((await query(sandbox, accessToken, 'SELECT Id FROM Contact')).headers.get('sforce-limit-info')).toBe('api-usage=1/1000');
    expect((await query(sandbox, accessToken, 'SELECT Id FROM Contact WHERE')).headers.get('sforce-limit-info')).toBe('api-usage=2/1000');
    expect((await get(sandbox, `${API}/limits`, 'bad')).headers.get('sforce-limit-info')).toBe('api-usage=2/1000');
    const limits = await get(sandbox, `${API}/limits`, accessToken);
    expect(limits.body.DailyApiRequests).toEqual({ Max: 1000, Remaining: 997 });
    expect(sandbox.stats().apiUsage).toEqual({ used: 3, limit: 1000 });
  });

  it('refuses calls over the daily limit with 403 REQUEST_LIMIT_EXCEEDED', async () => {
    sandbox.setOptions({ dailyApiLimit: 2 });
    const { accessToken } = sandbox.issueGrant();
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(200);
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(200);
    const over = await get(sandbox, `${API}/limits`, accessToken);
    expect(over.status).toBe(403);
    expect(over.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(over.headers.get('sforce-limit-info')).toBe('api-usage=2/2');
    sandbox.resetStats();
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(200);
  });

  it('accepts any vNN.N API version and 404s unknown resources', async () => {
    const { accessToken } = sandbox.issueGrant();
    expect((await get(sandbox, '/services/data/v58.0/query?q=SELECT+Id+FROM+Account', accessToken)).status).toBe(200);
    expect((await get(sandbox, '/services/data/latest/query?q=SELECT+Id+FROM+Account', accessToken)).status).toBe(404);
    expect((await get(sandbox, `${API}/sobjects/Contact/describe/nothing`, accessToken)).body[0].errorCode).toBe('NOT_FOUND');
  });

  it('counts overlapping refreshes of one grant when the token endpoint is slow', async () => {
    sandbox.setOptions({ tokenLatencyMs: 150 });
    const grant = sandbox.issueGrant();
    const other = sandbox.issueGrant();
    await refresh(sandbox, grant.refreshToken);
    expect(sandbox.stats().maxConcurrentRefreshesPerGrant).toBe(1);
    await Promise.all([refresh(sandbox, grant.refreshToken), refresh(sandbox, grant.refreshToken), refresh(sandbox, other.refreshToken)]);
    const stats = sandbox.stats();
    expect(stats.maxConcurrentRefreshesPerGrant).toBe(2);
    expect(stats.requests['token.refresh_token']).toBe(4);
    expect(stats.refreshes.filter((entry) => entry.grantId === grant.grantId)).toHaveLength(3);
    expect(stats.refreshes.every((entry) => entry.ok && entry.finishedAt - entry.startedAt >= 140)).toBe(true);
  });

  it('lets only the first of two overlapping rotating refreshes win', async () => {
    sandbox.setOptions({ tokenLatencyMs: 100, rotateRefreshTokens: true });
    const grant = sandbox.issueGrant();
    const results = await Promise.all([refresh(sandbox, grant.refreshToken), refresh(sandbox, grant.refreshToken)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 400]);
    expect(sandbox.stats().refreshes.map((entry) => entry.ok).sort()).toEqual([false, true]);
  });
});
