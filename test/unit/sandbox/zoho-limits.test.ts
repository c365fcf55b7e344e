import { startZohoSandbox, type ZohoGrant, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { crm, sleep } from './zoho-client';

describe('Zoho sandbox: API credits, concurrency and data fault knobs', () => {
  let sandbox: ZohoSandbox;
  let grant: ZohoGrant;
  afterEach(() => sandbox.close());

  const start = async (options: Parameters<typeof startZohoSandbox>[0] = {}) => {
    sandbox = await startZohoSandbox(options);
    grant = sandbox.issueGrant();
  };
  const call = (path: string, init: { method?: string; body?: unknown } = {}) => crm(grant.apiDomain, grant.accessToken, path, init);
  const waitFor = async (condition: () => boolean) => {
    for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
    expect(condition()).toBe(true);
  };

  it('spends credits per org in a rolling window (writes 1 per 10 records) and refuses past them with TOO_MANY_REQUESTS', async () => {
    await start({ dailyCredits: 5, creditWindowMs: 1500 });
    // 25 records in one insert cost 3 credits.
    expect((await call('Contacts', { method: 'POST', body: { data: Array.from({ length: 25 }, (_, i) => ({ Last_Name: `N${i}` })) } })).status).toBe(201);
    expect((await call('org')).status).toBe(200);
    expect((await call('Contacts?fields=Last_Name')).status).toBe(200);
    const refused = await call('org');
    expect([refused.status, refused.body.code, refused.body.status]).toEqual([429, 'TOO_MANY_REQUESTS', 'error']);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(sandbox.stats().creditsUsed).toEqual({ zylker: 5 });
    // Another org has credits of its own.
    const other = sandbox.issueGrant({ org: 'nordlicht' });
    expect((await crm(other.apiDomain, other.accessToken, 'org')).status).toBe(200);
    await sleep(1600);
    expect((await call('org')).status).toBe(200);
    expect(sandbox.stats().refusals).toEqual({ credits: 1 });
  });

  it('refuses at once a call past the concurrency limit, and a heavy write past the sub-concurrency limit', async () => {
    await start({ concurrency: 2, heavyConcurrency: 1 });
    sandbox.faults.holdWriteAnswers();
    const heavy = call('Contacts', { method: 'POST', body: { data: Array.from({ length: 11 }, (_, i) => ({ Last_Name: `Heavy ${i}` })) } });
    await waitFor(() => sandbox.faults.heldWriteAnswers() === 1);
    const secondHeavy = await call('Accounts', { method: 'POST', body: { data: Array.from({ length: 12 }, (_, i) => ({ Account_Name: `Heavy ${i}` })) } });
    expect([secondHeavy.status, secondHeavy.body.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    const light = call('Contacts', { method: 'POST', body: { data: [{ Last_Name: 'Light' }] } });
    await waitFor(() => sandbox.faults.heldWriteAnswers() === 2);
    expect((await call('org')).status).toBe(429);
    sandbox.faults.clear();
    expect([(await heavy).status, (await light).status]).toEqual([201, 201]);
    expect((await call('org')).status).toBe(200);
    expect(sandbox.stats().refusals).toEqual({ subConcurrency: 1, concurrency: 1 });
    expect(sandbox.stats().maxConcurrentDataRequests).toBeGreaterThanOrEqual(2);
  });

  it('words refusals as configured (status, code, Retry-After), since Zoho does not document them', async () => {
    await start({ dailyCredits: 1, throttleStatus: 400, throttleCode: 'LIMIT_REACHED', throttleRetryAfterSeconds: 5 });
    await call('org');
    const refused = await call('org');
    expect([refused.status, refused.body.code]).toEqual([400, 'LIMIT_REACHED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('rateLimitStorm refuses every call by the chosen limit until its seconds run out', async () => {
    await start();
    sandbox.faults.rateLimitStorm({ seconds: 1, limit: 'credits' });
    expect((await call('org')).status).toBe(429);
    expect((await call('Contacts?fields=Last_Name')).status).toBe(429);
    await sleep(1100);
    expect((await call('org')).status).toBe(200);
    expect(sandbox.stats().refusals).toEqual({ credits: 2 });
  });

  it('failNextRequests fails exactly the next N calls, by status or by a dropped connection', async () => {
    await start();
    sandbox.faults.failNextRequests({ count: 2, failure: 503 });
    const failed = await call('org');
    expect([failed.status, failed.body.code]).toEqual([503, 'INTERNAL_ERROR']);
    expect((await call('org')).status).toBe(503);
    expect((await call('org')).status).toBe(200);
    sandbox.faults.failNextRequests({ count: 1, failure: 'reset' });
    await expect(call('org')).rejects.toThrow();
    expect((await call('org')).status).toBe(200);
  });

  it('truncatedJson cuts the next answer in half, and a failNextRequests timeout drops the connection unanswered', async () => {
    await start();
    sandbox.seed('Contacts', 3);
    sandbox.faults.truncatedJson({ count: 1 });
    const cut = await call('Contacts?fields=Last_Name');
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text)).toThrow();
    expect((await call('Contacts?fields=Last_Name')).body.data).toHaveLength(3);
    sandbox.faults.failNextRequests({ count: 1, failure: 'timeout', delayMs: 100 });
    await expect(call('org')).rejects.toThrow();
    // Two listings cost 1 credit each and the deleted list 2; the call the knob failed never reached the limiter.
    await call('Contacts/deleted');
    expect(sandbox.stats().creditsUsed.zylker).toBe(1 + 1 + 2);
  });

  it('expiredTokenMidPaging answers 401 INVALID_TOKEN on the Nth next page only, and the stats count kinds by data centre', async () => {
    await start();
    sandbox.seed('Contacts', 12);
    sandbox.resetStats();
    sandbox.faults.expiredTokenMidPaging({ afterPages: 2 });
    const path = 'Contacts?fields=Last_Name&per_page=4';
    const first = await call(path);
    const second = await call(`${path}&page_token=${first.body.info.next_page_token}`);
    const third = await call(`${path}&page_token=${second.body.info.next_page_token}`);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 401]);
    expect(third.body.code).toBe('INVALID_TOKEN');
    expect((await call(`${path}&page_token=${second.body.info.next_page_token}`)).status).toBe(200);
    expect(sandbox.stats().requestsByDataCentre).toEqual({ us: { list: 1, nextPage: 3 } });
  });

  it('holdReads keeps listings waiting, so a test can change data between two pages', async () => {
    await start();
    sandbox.seed('Contacts', 6);
    const path = 'Contacts?fields=Last_Name&per_page=3&sort_by=id&sort_order=asc';
    const first = await call(path);
    sandbox.faults.holdReads({ afterCalls: 0 });
    const second = call(`${path}&page_token=${first.body.info.next_page_token}`);
    await waitFor(() => sandbox.faults.heldReads() === 1);
    const last = sandbox.org().records('Contacts').at(-1)!.id as string;
    sandbox.org().delete('Contacts', last);
    sandbox.faults.clear();
    const page = await second;
    expect(page.body.data.map((r: { id: string }) => r.id)).not.toContain(last);
    expect(page.body.data).toHaveLength(2);
  });
});
