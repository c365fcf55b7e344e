import { startPipedriveSandbox, type PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { pdApi, pdControl } from './pipedrive-client';

describe('Pipedrive sandbox companies and their hosts', () => {
  let sandbox: PipedriveSandbox;
  beforeEach(async () => {
    sandbox = await startPipedriveSandbox({ companies: [{ domain: 'acme' }, { domain: 'globex', plan: 'premium', seats: 2 }] });
  });
  afterEach(() => sandbox.close());

  it('serves each company on a host of its own, and refuses a token of one company on the other host', async () => {
    const acme = sandbox.issueGrant({ company: 'acme' });
    const globex = sandbox.issueGrant({ company: 'globex' });
    expect(acme.apiDomain).toBe(sandbox.apiDomain('acme'));
    expect(globex.apiDomain).toBe(sandbox.apiDomain('globex'));
    expect(new URL(acme.apiDomain).host).not.toBe(new URL(globex.apiDomain).host);
    sandbox.seed('persons', 3, { company: 'acme' });
    sandbox.seed('persons', 5, { company: 'globex' });

    const own = await pdApi(acme.apiDomain, 'GET', '/api/v2/persons', acme.accessToken);
    expect(own.body.data.map((person: { id: number }) => person.id)).toEqual(sandbox.records('persons', { company: 'acme' }).map((person) => person.id));
    const crossed = await pdApi(globex.apiDomain, 'GET', '/api/v2/persons', acme.accessToken);
    expect(crossed.status).toBe(401);
    expect(crossed.body).toMatchObject({ success: false, errorCode: 401 });
    const me = await pdApi(globex.apiDomain, 'GET', '/api/v1/users/me', globex.accessToken);
    expect(me.body.data).toMatchObject({ company_id: globex.companyId, company_domain: 'globex', id: globex.userId });
    expect(globex.companyId).not.toBe(acme.companyId);
    // Each company's budget is its own: 30,000 × plan multiplier × seats.
    expect(sandbox.stats().budgets).toEqual({ acme: { used: 10, limit: 300_000 }, globex: { used: 2, limit: 300_000 } });
  });

  it('answers 403 "Scope and URL mismatch" for a call the app was not given the scope for', async () => {
    const readOnly = sandbox.issueGrant({ scopes: ['base', 'contacts:read'] });
    expect((await pdApi(readOnly.apiDomain, 'GET', '/api/v2/persons', readOnly.accessToken)).status).toBe(200);
    const write = await pdApi(readOnly.apiDomain, 'POST', '/api/v2/persons', readOnly.accessToken, { name: 'Nope' });
    expect(write.status).toBe(403);
    expect(write.body).toEqual({ success: false, error: 'Scope and URL mismatch', errorCode: 403, error_info: 'Please check developers.pipedrive.com' });
    const hooks = await pdApi(readOnly.apiDomain, 'POST', '/api/v1/webhooks', readOnly.accessToken, { subscription_url: 'http://127.0.0.1:9/x', event_action: '*', event_object: 'person' });
    expect(hooks.status).toBe(403);
    expect(sandbox.records('persons')).toHaveLength(0);
  });

  it('answers 402 while the company account is closed, and 410 (or 404) for the retired v1 lists', async () => {
    const grant = sandbox.issueGrant();
    sandbox.faults.accountClosed();
    const closed = await pdApi(grant.apiDomain, 'GET', '/api/v2/persons', grant.accessToken);
    expect(closed.status).toBe(402);
    expect(closed.body).toMatchObject({ success: false, errorCode: 402 });
    sandbox.faults.clear();
    expect((await pdApi(grant.apiDomain, 'GET', '/api/v2/persons', grant.accessToken)).status).toBe(200);

    const gone = await pdApi(grant.apiDomain, 'GET', '/api/v1/persons?start=0', grant.accessToken);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ success: false, errorCode: 410 });
    sandbox.setOptions({ retiredV1Lists: 'not_found' });
    expect((await pdApi(grant.apiDomain, 'GET', '/api/v1/organizations', grant.accessToken)).status).toBe(404);
  });

  it('names a hostile api_domain when told to, for security tests', async () => {
    sandbox.setOptions({ reportedApiDomain: 'http://169.254.169.254' });
    expect(sandbox.issueGrant().apiDomain).toBe('http://169.254.169.254');
  });

  it('drives the companies through the control API: seed, read, change and delete records, and list the companies', async () => {
    const companies = await pdControl(sandbox, 'GET', '/companies');
    expect(companies.body.companies.map((company: { domain: string }) => company.domain)).toEqual(['acme', 'globex']);
    const seeded = await pdControl(sandbox, 'POST', '/seed?company=globex', { object: 'organizations', count: 4, tieGroupSize: 2 });
    expect(seeded.status).toBe(201);
    expect(sandbox.records('organizations', { company: 'globex' }).map((org) => org.id)).toEqual(seeded.body.ids);
    expect(sandbox.records('organizations', { company: 'acme' })).toEqual([]);

    const created = await pdControl(sandbox, 'POST', '/records/persons?company=globex', { name: 'Ada Lovelace', emails: [{ value: 'ada@example.com' }] });
    expect(created.body).toMatchObject({ name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', emails: [{ value: 'ada@example.com', primary: true, label: 'work' }] });
    const bad = await pdControl(sandbox, 'PATCH', `/records/persons/${created.body.id}?company=globex`, { owner_id: 1, nickname: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((field: { field: string }) => field.field).sort()).toEqual(['nickname', 'owner_id']);
    expect((await pdControl(sandbox, 'DELETE', `/records/persons/${created.body.id}?company=globex`)).status).toBe(204);
    expect((await pdControl(sandbox, 'GET', '/records/persons?company=globex')).body.records).toEqual([]);
    expect((await pdControl(sandbox, 'GET', '/records/persons?company=nowhere')).status).toBe(404);
  });
});
