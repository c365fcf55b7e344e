import { startHubSpotSandbox, type HubSpotSandbox } from '../../../sandbox/hubspot/server';
import { hubGet, hubSearch, sleep } from './hubspot-client';

const byModified = (value: string, operator = 'GTE') => ({
  filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator, value }] }],
  sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
  limit: 200,
});

describe('HubSpot sandbox CRM objects API', () => {
  let sandbox: HubSpotSandbox;
  let token: string;
  beforeEach(async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 0 });
    token = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  it('lists every live record once in id order by following paging.next.after, at most 100 per page', async () => {
    const ids = sandbox.seed('contacts', 250);
    const seen: string[] = [];
    let after = '';
    let pages = 0;
    for (;;) {
      const page = await hubGet(sandbox, `/crm/v3/objects/contacts?limit=100&properties=email,lastname${after ? `&after=${after}` : ''}`, token);
      expect(page.status).toBe(200);
      pages++;
      seen.push(...page.body.results.map((r: { id: string }) => r.id));
      expect(Object.keys(page.body.results[0].properties).sort()).toEqual(['email', 'lastname']);
      expect(page.body.results[0]).toMatchObject({ archived: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
      after = page.body.paging?.next?.after ?? '';
      if (!after) break;
      expect(page.body.paging.next.link).toContain(`after=${after}`);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts?limit=101', token)).body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });

  it('keeps archived records out of the default list and out of search, and lists them with archived=true', async () => {
    const ids = sandbox.seed('companies', 5);
    sandbox.archive('companies', ids[1]);
    const live = await hubGet(sandbox, '/crm/v3/objects/companies?limit=100', token);
    expect(live.body.results.map((r: { id: string }) => r.id)).toEqual([ids[0], ...ids.slice(2)]);
    expect(Object.keys(live.body.results[0].properties).sort()).toEqual(['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
    const archived = await hubGet(sandbox, '/crm/v3/objects/companies?archived=true', token);
    expect(archived.body.results).toEqual([expect.objectContaining({ id: ids[1], archived: true, archivedAt: expect.any(String) })]);
    const searched = await hubSearch(sandbox, 'companies', token, { limit: 200 });
    expect(searched.body.total).toBe(4);
    expect(searched.body.results.map((r: { id: string }) => r.id)).not.toContain(ids[1]);
  });

  it('searches by modified date with ties in no id order, and stops paging at 10,000 results with a 400', async () => {
    sandbox.seed('contacts', 10_300, { tieGroupSize: 10_300 });
    const first = await hubSearch(sandbox, 'contacts', token, byModified('0'));
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(10_300);
    expect(first.body.results).toHaveLength(200);
    const firstIds = first.body.results.map((r: { id: string }) => Number(r.id));
    // One modified date for all: HubSpot promises no order among ties, and the sandbox's is not id order.
    expect(firstIds).not.toEqual([...firstIds].sort((a, b) => a - b));

    const nearCap = await hubSearch(sandbox, 'contacts', token, { ...byModified('0'), after: '9900' });
    expect(nearCap.body.results).toHaveLength(100);
    expect(nearCap.body.paging.next.after).toBe('10000');
    const beyond = await hubSearch(sandbox, 'contacts', token, { ...byModified('0'), after: '10000' });
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(sandbox.stats().refusals.searchCap).toBe(1);
  });

  it('evaluates filters by property type and ORs filter groups', async () => {
    const ids = sandbox.seed('contacts', 30, { tieGroupSize: 10 });
    const records = sandbox.records('contacts');
    const middle = Date.parse(records[15].properties.lastmodifieddate ?? '');
    const tie = await hubSearch(sandbox, 'contacts', token, {
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: String(middle) }, { propertyName: 'hs_object_id', operator: 'GT', value: ids[14] }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 200,
    });
    expect(tie.body.results.map((r: { id: string }) => r.id)).toEqual(ids.slice(15, 20));
    const either = await hubSearch(sandbox, 'contacts', token, {
      filterGroups: [
        { filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: ids[0] }] },
        { filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: new Date(middle).toISOString() }] },
      ],
      limit: 200,
    });
    expect(either.body.results.map((r: { id: string }) => r.id)).toEqual([ids[0], ...ids.slice(20)]);
    expect((await hubSearch(sandbox, 'contacts', token, { limit: 201 })).status).toBe(400);
    expect((await hubSearch(sandbox, 'contacts', token, { sorts: ['lastmodifieddate', 'hs_object_id'] })).status).toBe(400);
  });

  it('updateMany gives many records one modified date, and search finds them after the old ones', async () => {
    const ids = sandbox.seed('contacts', 50);
    const before = Math.max(...sandbox.records('contacts').map((r) => Date.parse(r.properties.lastmodifieddate ?? '')));
    const changed = sandbox.updateMany('contacts', ids.slice(0, 30), { jobtitle: 'Imported' });
    expect(new Set(changed.map((r) => r.properties.lastmodifieddate)).size).toBe(1);
    const found = await hubSearch(sandbox, 'contacts', token, byModified(String(before), 'GT'));
    expect(found.body.total).toBe(30);
  });
});

describe('HubSpot sandbox search index lag', () => {
  let sandbox: HubSpotSandbox;
  afterEach(() => sandbox.close());

  it('with searchIndexLagMs, a new contact is read and refused as a duplicate at once but searched only once the lag has passed', async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 0, searchIndexLagMs: 1500 });
    const token = sandbox.issueGrant().accessToken;
    const byEmail = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'trailing@example.com' }] }], limit: 10 };
    const created = await fetch(`${sandbox.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: 'trailing@example.com' } }),
    });
    const { id } = (await created.json()) as { id: string };
    expect((await hubSearch(sandbox, 'contacts', token, byEmail)).body.total).toBe(0);
    expect((await hubGet(sandbox, `/crm/v3/objects/contacts/${id}?properties=createdate`, token)).status).toBe(200);
    const duplicate = await fetch(`${sandbox.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: 'trailing@example.com' } }),
    });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { message: string }).message).toBe(`Contact already exists. Existing ID: ${id}`);
    await sleep(1600);
    expect((await hubSearch(sandbox, 'contacts', token, byEmail)).body.results.map((r: { id: string }) => r.id)).toEqual([id]);
  });
});

describe('HubSpot sandbox rate limits', () => {
  let sandbox: HubSpotSandbox;
  afterEach(() => sandbox.close());

  it('reports the 10-second window in X-HubSpot-RateLimit-* headers and refuses past it with TEN_SECONDLY_ROLLING', async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 3 });
    const token = sandbox.issueGrant().accessToken;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await hubGet(sandbox, '/crm/v3/objects/contacts', token));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('x-hubspot-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(answers[0].headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(answers[0].headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    // OAuth calls carry no daily headers, and HubSpot sends no Retry-After.
    expect(answers[0].headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    expect(answers[3].headers.get('retry-after')).toBeNull();
    expect(answers[3].body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' });
    expect(sandbox.stats().refusals.TEN_SECONDLY_ROLLING).toBe(1);
  });

  it('limits search per second when asked to', async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 0, searchPerSecondLimit: 1 });
    const token = sandbox.issueGrant().accessToken;
    expect((await hubSearch(sandbox, 'contacts', token, {})).status).toBe(200);
    const refused = await hubSearch(sandbox, 'contacts', token, {});
    expect(refused.status).toBe(429);
    expect(refused.body.policyName).toBe('SECONDLY');
  });

  it('rateLimitStorm answers the chosen policy until its seconds run out; other knobs fail and cut bodies', async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 0 });
    const token = sandbox.issueGrant().accessToken;
    sandbox.seed('contacts', 20);
    sandbox.faults.rateLimitStorm({ seconds: 0.4, policy: 'DAILY' });
    const daily = await hubGet(sandbox, '/crm/v3/objects/contacts', token);
    expect(daily.status).toBe(429);
    expect(daily.body).toMatchObject({ policyName: 'DAILY', message: 'You have reached your daily limit.' });
    await sleep(500);
    sandbox.faults.rateLimitStorm({ seconds: 0.4 });
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', token)).body.policyName).toBe('TEN_SECONDLY_ROLLING');
    sandbox.faults.clear();

    sandbox.faults.serverErrors({ share: 1 });
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', token)).status).toBe(502);
    sandbox.faults.clear();
    const whole = await hubGet(sandbox, '/crm/v3/objects/contacts?limit=20', token);
    sandbox.faults.truncatedJson({ count: 1 });
    const cut = await hubGet(sandbox, '/crm/v3/objects/contacts?limit=20', token);
    expect(cut.text.length).toBe(Math.floor(whole.text.length / 2));
    sandbox.faults.expiredTokenMidPaging({ afterRequests: 2 });
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', token)).status).toBe(200);
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', token)).body.category).toBe('EXPIRED_AUTHENTICATION');
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', token)).status).toBe(200);
  });
});
