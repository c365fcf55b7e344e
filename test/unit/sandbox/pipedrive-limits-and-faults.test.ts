import { startPipedriveSandbox, type PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { pdApi, pdControl, sleep } from './pipedrive-client';

describe('Pipedrive sandbox rate limits and fault knobs', () => {
  let sandbox: PipedriveSandbox;
  let api: string;
  let token: string;
  beforeEach(async () => {
    sandbox = await startPipedriveSandbox({ burstLimit: 5 });
    const grant = sandbox.issueGrant();
    api = grant.apiDomain;
    token = grant.accessToken;
  });
  afterEach(() => sandbox.close());

  it('refuses the call past the rolling 2 s burst per token with a 429 and headers, and lets it through once the window moves', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await pdApi(api, 'GET', '/api/v1/users/me', token));
    expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0', '0']);
    expect(answers[5].status).toBe(429);
    expect(answers[5].body).toMatchObject({ success: false, errorCode: 429 });
    expect(answers[5].headers.get('retry-after')).toBeNull();
    // Another token of the same company has a burst window of its own.
    expect((await pdApi(api, 'GET', '/api/v1/users/me', sandbox.issueGrant().accessToken)).status).toBe(200);
    sandbox.advanceClock(2000);
    expect((await pdApi(api, 'GET', '/api/v1/users/me', token)).status).toBe(200);
  });

  it('spends the company daily token budget by endpoint cost and answers 429 until the next day', async () => {
    sandbox.setOptions({ burstLimit: 0, dailyTokenBudget: 25, dailyBudgetHeaders: true });
    const list = await pdApi(api, 'GET', '/api/v2/persons', token);
    expect(list.headers.get('x-daily-ratelimit-token-remaining')).toBe('15');
    await pdApi(api, 'GET', '/api/v2/persons', token);
    expect(sandbox.stats().budgets['sandbox-company']).toEqual({ used: 20, limit: 25 });
    const spent = await pdApi(api, 'GET', '/api/v2/persons', token);
    expect(spent.status).toBe(429);
    // Cheaper calls still fit what is left.
    expect((await pdApi(api, 'GET', '/api/v1/users/me', token)).status).toBe(200);
    expect(sandbox.stats().refusals).toEqual({ daily: 1 });
    sandbox.advanceClock(86_400_000);
    const tomorrow = sandbox.issueGrant();
    expect((await pdApi(api, 'GET', '/api/v2/persons', tomorrow.accessToken)).status).toBe(200);
  });

  it('turns sustained 429s into Cloudflare HTML 403s for the whole host, for a while', async () => {
    sandbox.setOptions({ burstLimit: 1, cloudflareBlockAfter429s: 3, cloudflareBlockSeconds: 60 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await pdApi(api, 'GET', '/api/v1/users/me', token));
    expect(answers.map((answer) => answer.status)).toEqual([200, 429, 429, 429, 403]);
    expect(answers[4].headers.get('content-type')).toMatch(/^text\/html/);
    expect(answers[4].text).toContain('Cloudflare');
    expect((await pdApi(api, 'GET', '/api/v1/users/me', sandbox.issueGrant().accessToken)).status).toBe(403);
    sandbox.advanceClock(61_000);
    expect((await pdApi(api, 'GET', '/api/v1/users/me', sandbox.issueGrant().accessToken)).status).toBe(200);
  });

  it('storms 429s (or Cloudflare pages) on every data call until the storm ends, via the control API too', async () => {
    expect((await pdControl(sandbox, 'POST', '/faults/rate-limit-storm', { seconds: 0.4, kind: 'daily' })).status).toBe(204);
    const stormed = await pdApi(api, 'GET', '/api/v2/persons', token);
    expect(stormed.status).toBe(429);
    expect(stormed.headers.get('x-ratelimit-remaining')).toBe('0');
    await sleep(500);
    expect((await pdApi(api, 'GET', '/api/v2/persons', token)).status).toBe(200);
    sandbox.faults.rateLimitStorm({ seconds: 5, kind: 'cloudflare' });
    const blocked = await pdApi(api, 'GET', '/api/v2/persons', token);
    expect(blocked.status).toBe(403);
    expect(blocked.text).toContain('<!DOCTYPE html>');
    expect((await pdControl(sandbox, 'POST', '/faults/rate-limit-storm', { seconds: 1, kind: 'hail' })).status).toBe(400);
  });

  it('holds only the answers of writes that got past authentication and the limits: a refused write answers at once', async () => {
    sandbox.setOptions({ burstLimit: 1 });
    sandbox.faults.holdWriteAnswers();
    const held = pdApi(api, 'POST', '/api/v2/persons', token, { name: 'Held' });
    while (sandbox.faults.heldWriteAnswers() === 0) await sleep(10);
    /** The status a write answers with, or 'held' when its answer joins the held ones instead (so a hold does not hang the test). */
    const statusOrHeld = async (write: Promise<{ status: number }>): Promise<number | 'held'> => {
      let settled = false;
      const status = write.then((answer) => answer.status).finally(() => (settled = true));
      while (!settled && sandbox.faults.heldWriteAnswers() === 1) await sleep(10);
      return settled ? status : 'held';
    };
    expect(await statusOrHeld(pdApi(api, 'POST', '/api/v2/persons', token, { name: 'Over the burst' }))).toBe(429);
    expect(await statusOrHeld(pdApi(api, 'POST', '/api/v2/persons', 'v1u:not-a-token', { name: 'Bad token' }))).toBe(401);
    sandbox.faults.clear();
    expect((await held).status).toBe(201);
    expect(sandbox.records('persons').map((person) => person.name)).toEqual(['Held']);
  });

  it('fails the next N calls with a 5xx, or by hanging up without an answer', async () => {
    sandbox.setOptions({ burstLimit: 0 });
    sandbox.faults.failNextRequests({ count: 2, status: 502 });
    expect((await pdApi(api, 'GET', '/api/v2/persons', token)).status).toBe(502);
    expect((await pdApi(api, 'GET', '/api/v2/persons', token)).status).toBe(502);
    expect((await pdApi(api, 'GET', '/api/v2/persons', token)).status).toBe(200);
    sandbox.faults.failNextRequests({ count: 1, mode: 'timeout', hangMs: 50 });
    await expect(pdApi(api, 'GET', '/api/v2/persons', token)).rejects.toThrow();
    expect((await pdApi(api, 'GET', '/api/v2/persons', token)).status).toBe(200);
  });

  it('expires the token on the Nth next page, and holds list calls so a test can change data between pages', async () => {
    sandbox.setOptions({ burstLimit: 0 });
    sandbox.seed('persons', 30);
    sandbox.faults.expiredTokenMidPaging({ afterPages: 2 });
    const first = await pdApi(api, 'GET', '/api/v2/persons?limit=10', token);
    const second = await pdApi(api, 'GET', `/api/v2/persons?limit=10&cursor=${first.body.additional_data.next_cursor}`, token);
    expect(second.status).toBe(200);
    const third = await pdApi(api, 'GET', `/api/v2/persons?limit=10&cursor=${second.body.additional_data.next_cursor}`, token);
    expect(third.status).toBe(401);
    expect((await pdApi(api, 'GET', `/api/v2/persons?limit=10&cursor=${second.body.additional_data.next_cursor}`, token)).status).toBe(200);

    sandbox.faults.holdLists({ afterCalls: 0 });
    const held = pdApi(api, 'GET', '/api/v2/persons?limit=500', token);
    while (sandbox.faults.heldLists() === 0) await sleep(10);
    sandbox.create('persons', { name: 'Made While Held' });
    sandbox.faults.clear();
    expect((await held).body.data).toHaveLength(31);
    expect(sandbox.stats().requests).toMatchObject({ 'persons.list': 2, 'persons.list.next': 3 });
  });
});
