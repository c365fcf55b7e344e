import { startPipedriveSandbox, type PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { pdApi } from './pipedrive-client';

describe('Pipedrive sandbox writes and search', () => {
  let sandbox: PipedriveSandbox;
  let api: string;
  let token: string;
  beforeEach(async () => {
    sandbox = await startPipedriveSandbox({ searchIndexLagMs: 3000, searchBurstLimit: 0 });
    const grant = sandbox.issueGrant();
    api = grant.apiDomain;
    token = grant.accessToken;
  });
  afterEach(() => sandbox.close());

  it('creates a person with POST → {success, data}, custom fields by hash, and refuses bad fields naming them without writing', async () => {
    const [org] = sandbox.seed('organizations', 1);
    const fields = sandbox.fields('persons');
    const leadSource = fields.find((field) => field.field_name === 'Lead source') as { field_code: string; options: { id: number }[] };
    const created = await pdApi(api, 'POST', '/api/v2/persons', token, {
      name: 'Grace Hopper',
      org_id: org,
      emails: [{ value: 'grace@example.com', primary: true, label: 'work' }],
      custom_fields: { [leadSource.field_code]: leadSource.options[1].id },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ success: true, data: expect.objectContaining({ id: expect.any(Number), name: 'Grace Hopper', first_name: 'Grace', last_name: 'Hopper', org_id: org, is_deleted: false }) });
    expect(created.body.data.custom_fields[leadSource.field_code]).toBe(leadSource.options[1].id);
    expect(sandbox.records('persons')).toEqual([created.body.data]);

    const invalid = await pdApi(api, 'POST', '/api/v2/persons', token, { emails: [{ value: 'x@example.com' }], custom_fields: { [leadSource.field_code]: 999_999 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.success).toBe(false);
    expect(invalid.body.error).toContain('name: Parameter is required');
    expect(invalid.body.error).toContain(`custom_fields.${leadSource.field_code}`);
    expect(sandbox.records('persons')).toHaveLength(1);

    sandbox.setOptions({ createStatus: 200 });
    expect((await pdApi(api, 'POST', '/api/v2/organizations', token, { name: 'Initech' })).status).toBe(200);
  });

  it('PATCH changes only what it names and moves update_time; DELETE answers {success, data: {id}} and 404 after', async () => {
    const [id] = sandbox.seed('persons', 1);
    const before = sandbox.records('persons')[0];
    sandbox.advanceClock(5000);
    const patched = await pdApi(api, 'PATCH', `/api/v2/persons/${id}`, token, { phones: [{ value: '+372 5555 0101' }] });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toEqual({ ...before, phones: [{ value: '+372 5555 0101', primary: true, label: 'work' }], update_time: expect.any(String) });
    expect(patched.body.data.update_time > before.update_time).toBe(true);

    const deleted = await pdApi(api, 'DELETE', `/api/v2/persons/${id}`, token);
    expect(deleted.body).toEqual({ success: true, data: { id } });
    expect((await pdApi(api, 'PATCH', `/api/v2/persons/${id}`, token, { name: 'Ghost' })).status).toBe(404);
    expect((await pdApi(api, 'DELETE', `/api/v2/persons/${id}`, token)).status).toBe(404);
  });

  it('finds a just-created person by exact email only once the search index caught up', async () => {
    const created = await pdApi(api, 'POST', '/api/v2/persons', token, { name: 'Alan Turing', emails: [{ value: 'Alan.Turing@example.com' }] });
    const search = () => pdApi(api, 'GET', '/api/v2/persons/search?term=alan.turing%40example.com&fields=email&exact_match=true', token);
    const tooSoon = await search();
    expect(tooSoon.status).toBe(200);
    expect(tooSoon.body).toEqual({ success: true, data: { items: [] }, additional_data: { next_cursor: null } });

    sandbox.advanceClock(3000);
    const found = await search();
    expect(found.body.data.items).toEqual([
      {
        result_score: 1,
        item: expect.objectContaining({ id: created.body.data.id, type: 'person', name: 'Alan Turing', emails: ['Alan.Turing@example.com'], organization: null }),
      },
    ]);
    // Not an exact match, and not the field asked for: nothing.
    expect((await pdApi(api, 'GET', '/api/v2/persons/search?term=alan.turing%40example&fields=email&exact_match=true', token)).body.data.items).toEqual([]);
    expect((await pdApi(api, 'GET', '/api/v2/persons/search?term=alan.turing%40example.com&fields=name&exact_match=true', token)).body.data.items).toEqual([]);
    expect((await pdApi(api, 'GET', '/api/v2/persons/search?term=a&fields=name', token)).status).toBe(400);
  });

  it('keeps finding a person by the old email until a change reaches the index, and never finds a deleted one', async () => {
    const created = await pdApi(api, 'POST', '/api/v2/persons', token, { name: 'Ada', emails: [{ value: 'old@example.com' }] });
    sandbox.advanceClock(3000);
    await pdApi(api, 'PATCH', `/api/v2/persons/${created.body.data.id}`, token, { emails: [{ value: 'new@example.com' }] });
    const byEmail = async (email: string) => (await pdApi(api, 'GET', `/api/v2/persons/search?term=${encodeURIComponent(email)}&fields=email&exact_match=true`, token)).body.data.items;
    expect(await byEmail('old@example.com')).toHaveLength(1);
    expect(await byEmail('new@example.com')).toHaveLength(0);
    sandbox.advanceClock(3000);
    expect(await byEmail('old@example.com')).toHaveLength(0);
    expect(await byEmail('new@example.com')).toHaveLength(1);
    await pdApi(api, 'DELETE', `/api/v2/persons/${created.body.data.id}`, token);
    expect(await byEmail('new@example.com')).toHaveLength(0);
  });

  it('limits search to its own burst of 10 per 2 s per token, with the x-ratelimit-* headers and no Retry-After', async () => {
    sandbox.setOptions({ searchBurstLimit: 10 });
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await pdApi(api, 'GET', '/api/v2/persons/search?term=zz', token));
    expect(answers.slice(0, 10).every((answer) => answer.status === 200)).toBe(true);
    const refused = answers[10];
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('10');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('retry-after')).toBeNull();
    // Lists are not searches: they still get through.
    expect((await pdApi(api, 'GET', '/api/v2/persons', token)).status).toBe(200);
    expect(sandbox.stats().refusals).toEqual({ search: 1 });
  });
});
