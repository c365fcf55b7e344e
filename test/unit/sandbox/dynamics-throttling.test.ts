import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { api, sleep } from './dynamics-client';

describe('Dynamics sandbox: service protection and data fault knobs', () => {
  let sandbox: DynamicsSandbox;
  let environment: DynamicsEnvironmentHandle;
  let accessToken: string;
  beforeEach(async () => {
    // A window far longer than the test's requests take on a loaded machine; the test moves the clock past it.
    sandbox = await startDynamicsSandbox({ requestsPerWindow: 5, requestWindowMs: 60_000 });
    environment = sandbox.environment();
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  it('refuses requests past the window limit with 429, the documented code and a Retry-After, then lets them in again', async () => {
    for (let i = 0; i < 5; i++) expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(200);
    const refused = await api(environment, accessToken, 'WhoAmI');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 5 over time window of 60 seconds.' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Limits are per user and environment: the same user elsewhere is not refused.
    const elsewhere = sandbox.issueGrant({ environment: 'fabrikam' });
    expect((await api(sandbox.environment('fabrikam'), elsewhere.accessToken, 'WhoAmI')).status).toBe(200);
    environment.advanceClock(60_001);
    expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(200);
    expect(sandbox.stats().refusals).toEqual({ '0x80072322': 1 });
  });

  it('refuses at once a request past the concurrent-request limit', async () => {
    sandbox.setOptions({ requestsPerWindow: 0, concurrentRequests: 2 });
    sandbox.faults.holdWriteAnswers();
    const held = [1, 2].map((i) => api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: `Held ${i}` } }));
    for (let i = 0; i < 100 && sandbox.faults.heldWriteAnswers() < 2; i++) await sleep(10);
    const third = await api(environment, accessToken, 'WhoAmI');
    expect(third.status).toBe(429);
    expect(third.body.error).toEqual({ code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 2.' });
    sandbox.faults.clear();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([204, 204]);
    expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(200);
  });

  it('holds only the answers of writes that got past authentication and service protection: a refused write answers at once', async () => {
    sandbox.setOptions({ requestsPerWindow: 0, concurrentRequests: 1 });
    sandbox.faults.holdWriteAnswers();
    const held = api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: 'Held' } });
    for (let i = 0; i < 100 && sandbox.faults.heldWriteAnswers() === 0; i++) await sleep(10);
    expect(sandbox.faults.heldWriteAnswers()).toBe(1);
    /** The status a write answers with, or 'held' when its answer joins the held ones instead (so a hold does not hang the test). */
    const statusOrHeld = async (write: Promise<{ status: number }>): Promise<number | 'held'> => {
      let settled = false;
      const status = write.then((answer) => answer.status).finally(() => (settled = true));
      while (!settled && sandbox.faults.heldWriteAnswers() === 1) await sleep(10);
      return settled ? status : 'held';
    };
    expect(await statusOrHeld(api(environment, accessToken, 'contacts', { method: 'POST', body: { lastname: 'Over the limit' } }))).toBe(429);
    expect(await statusOrHeld(api(environment, 'not-a-token', 'contacts', { method: 'POST', body: { lastname: 'Bad token' } }))).toBe(401);
    sandbox.faults.clear();
    expect((await held).status).toBe(204);
    expect(environment.records('contacts').map((row) => row.lastname)).toEqual(['Held']);
  });

  it('rateLimitStorm answers 429 with the chosen limit and Retry-After until its seconds run out', async () => {
    sandbox.setOptions({ requestsPerWindow: 0 });
    sandbox.faults.rateLimitStorm({ seconds: 0.5, limit: 'executionTime', retryAfterSeconds: 7 });
    const stormed = await api(environment, accessToken, 'contacts');
    expect(stormed.status).toBe(429);
    expect(stormed.headers.get('retry-after')).toBe('7');
    expect(stormed.body.error.code).toBe('0x80072321');
    await sleep(600);
    expect((await api(environment, accessToken, 'contacts')).status).toBe(200);
    expect(sandbox.stats().refusals['0x80072321']).toBe(1);
  });

  it('failNextRequests fails exactly the next N data calls, by status or by a dropped connection', async () => {
    sandbox.setOptions({ requestsPerWindow: 0 });
    sandbox.faults.failNextRequests({ count: 2, failure: 503 });
    expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(503);
    expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(503);
    expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(200);
    sandbox.faults.failNextRequests({ count: 1, failure: 'reset' });
    await expect(api(environment, accessToken, 'WhoAmI')).rejects.toThrow();
    expect((await api(environment, accessToken, 'WhoAmI')).status).toBe(200);
  });

  it('expiredTokenMidPaging answers 401 on the Nth next link only, and the stats count requests by kind', async () => {
    sandbox.setOptions({ requestsPerWindow: 0 });
    environment.seed('contacts', 10);
    sandbox.resetStats();
    sandbox.faults.expiredTokenMidPaging({ afterPages: 2 });
    const prefer = { prefer: 'odata.maxpagesize=3' };
    const first = await api(environment, accessToken, 'contacts?$select=lastname', { headers: prefer });
    const second = await api(environment, accessToken, first.body['@odata.nextLink'], { headers: prefer });
    const third = await api(environment, accessToken, second.body['@odata.nextLink'], { headers: prefer });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 401]);
    expect((await api(environment, accessToken, second.body['@odata.nextLink'], { headers: prefer })).status).toBe(200);
    expect(sandbox.stats().requestsByEnvironment[environment.name]).toEqual({ list: 1, nextPage: 3 });
  });

  it('holdReads keeps queries waiting from the chosen call on, so a test can change data between two pages', async () => {
    sandbox.setOptions({ requestsPerWindow: 0 });
    const ids = environment.seed('contacts', 6);
    const prefer = { prefer: 'odata.maxpagesize=3' };
    const first = await api(environment, accessToken, 'contacts?$select=lastname', { headers: prefer });
    sandbox.faults.holdReads({ afterCalls: 0 });
    const second = api(environment, accessToken, first.body['@odata.nextLink'], { headers: prefer });
    for (let i = 0; i < 100 && sandbox.faults.heldReads() === 0; i++) await sleep(10);
    const lastId = ids.find((id) => !first.body.value.some((r: { contactid: string }) => r.contactid === id))!;
    environment.delete('contacts', lastId);
    sandbox.faults.clear();
    const page = await second;
    expect(page.body.value.map((r: { contactid: string }) => r.contactid)).not.toContain(lastId);
    expect(page.body.value).toHaveLength(2);
  });
});
