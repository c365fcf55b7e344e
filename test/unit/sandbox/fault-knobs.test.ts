import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server';
import { API, CLIENT, get, postForm, query, refresh, sleep } from './sandbox-client';

const FULL = 'SELECT Id FROM Contact ORDER BY SystemModstamp ASC, Id ASC';

describe('Salesforce sandbox fault knobs', () => {
  let sandbox: SalesforceSandbox;
  let accessToken: string;

  beforeEach(async () => {
    sandbox = await startSalesforceSandbox();
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  it('rateLimitStorm answers 403 REQUEST_LIMIT_EXCEEDED until its seconds run out', async () => {
    sandbox.faults.rateLimitStorm({ seconds: 0.6, kind: 'daily' });
    const stormed = await get(sandbox, `${API}/limits`, accessToken);
    expect(stormed.status).toBe(403);
    expect(stormed.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(stormed.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
    await sleep(700);
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(200);
    expect(sandbox.faults.active()).toEqual([]);
  });

  it('serverErrors answers the chosen status for the given share until cleared', async () => {
    sandbox.faults.serverErrors({ share: 1, status: 500 });
    const failed = await query(sandbox, accessToken, FULL);
    expect(failed.status).toBe(500);
    expect(failed.body[0].errorCode).toBe('UNKNOWN_EXCEPTION');
    sandbox.faults.serverErrors({ share: 1, status: 503 });
    expect((await query(sandbox, accessToken, FULL)).status).toBe(503);
    sandbox.faults.clear();
    expect((await query(sandbox, accessToken, FULL)).status).toBe(200);
    sandbox.faults.serverErrors({ share: 0 });
    expect((await query(sandbox, accessToken, FULL)).status).toBe(200);
  });

  it('slowResponses delays data calls', async () => {
    sandbox.faults.slowResponses({ delayMs: 200 });
    const started = Date.now();
    expect((await get(sandbox, `${API}/limits`, accessToken)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('truncatedJson cuts exactly `count` successful bodies in half', async () => {
    sandbox.seed('Contact', 20);
    const whole = await query(sandbox, accessToken, FULL);
    sandbox.faults.truncatedJson({ count: 1 });
    const cut = await query(sandbox, accessToken, FULL);
    expect(cut.status).toBe(200);
    expect(cut.text.length).toBe(Math.floor(whole.text.length / 2));
    expect(() => JSON.parse(cut.text) as unknown).toThrow();
    expect((await query(sandbox, accessToken, FULL)).text).toBe(whole.text);
  });

  it('invalidSessionMidPaging fails the Nth queryMore once with INVALID_SESSION_ID', async () => {
    sandbox.seed('Contact', 1000);
    sandbox.faults.invalidSessionMidPaging({ afterPages: 2 });
    const first = await query(sandbox, accessToken, FULL, { batchSize: 200 });
    const second = await get(sandbox, first.body.nextRecordsUrl, accessToken);
    expect(second.status).toBe(200);
    const third = await get(sandbox, second.body.nextRecordsUrl, accessToken);
    expect(third.status).toBe(401);
    expect(third.body[0].errorCode).toBe('INVALID_SESSION_ID');
    expect((await get(sandbox, second.body.nextRecordsUrl, accessToken)).status).toBe(200);
  });

  it('expireQueryLocators invalidates every open cursor', async () => {
    sandbox.seed('Contact', 500);
    const first = await query(sandbox, accessToken, FULL, { batchSize: 200 });
    sandbox.faults.expireQueryLocators();
    const next = await get(sandbox, first.body.nextRecordsUrl, accessToken);
    expect(next.status).toBe(400);
    expect(next.body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('invalidGrant refuses the next refreshes, then clears itself', async () => {
    const grant = sandbox.issueGrant();
    sandbox.faults.invalidGrant({ count: 2 });
    expect((await refresh(sandbox, grant.refreshToken)).body).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    expect((await refresh(sandbox, grant.refreshToken)).status).toBe(400);
    expect((await refresh(sandbox, grant.refreshToken)).status).toBe(200);
  });

  it('tokenEndpointErrors answers 5xx for the next `count` token requests', async () => {
    const grant = sandbox.issueGrant();
    sandbox.faults.tokenEndpointErrors({ count: 1, status: 503 });
    expect((await refresh(sandbox, grant.refreshToken)).status).toBe(503);
    expect((await refresh(sandbox, grant.refreshToken)).status).toBe(200);
    expect((await postForm(sandbox, '/services/oauth2/introspect', { token: grant.accessToken, ...CLIENT })).body.active).toBe(true);
  });

  it('rejects bad knob arguments naming the field', () => {
    expect(() => sandbox.faults.serverErrors({ share: 2 })).toThrow(/serverErrors/);
    expect(() => sandbox.faults.tokenEndpointErrors({ count: 1, status: 404 as 500 })).toThrow();
  });
});
