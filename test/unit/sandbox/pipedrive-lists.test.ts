import { startPipedriveSandbox, type PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { listAll, pdApi } from './pipedrive-client';

const ids = (items: { id: number }[]) => items.map((item) => item.id);
const byUpdate = (a: { update_time: string; id: number }, b: { update_time: string; id: number }) => a.update_time.localeCompare(b.update_time) || a.id - b.id;

describe('Pipedrive sandbox v2 lists', () => {
  let sandbox: PipedriveSandbox;
  let api: string;
  let token: string;
  beforeEach(async () => {
    sandbox = await startPipedriveSandbox({ burstLimit: 0 });
    const grant = sandbox.issueGrant();
    api = grant.apiDomain;
    token = grant.accessToken;
  });
  afterEach(() => sandbox.close());

  it('pages 100 by default and at most 500, with an opaque next_cursor that is null on the last page', async () => {
    sandbox.seed('persons', 250);
    const first = await pdApi(api, 'GET', '/api/v2/persons', token);
    expect(first.body.success).toBe(true);
    expect(first.body.data).toHaveLength(100);
    expect(typeof first.body.additional_data.next_cursor).toBe('string');
    const { pages, items } = await listAll(api, token, '/api/v2/persons?limit=120');
    expect(pages.map((page) => page.body.data.length)).toEqual([120, 120, 10]);
    expect(pages[2].body.additional_data.next_cursor).toBeNull();
    expect(ids(items)).toEqual(ids(sandbox.records('persons')));

    const tooMany = await pdApi(api, 'GET', '/api/v2/persons?limit=501', token);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ success: false, error: expect.stringContaining('limit') });
    const edited = await pdApi(api, 'GET', `/api/v2/persons?cursor=${first.body.additional_data.next_cursor}x`, token);
    expect(edited.status).toBe(400);
    expect(edited.body.error).toContain('cursor');
  });

  it('sorts by update_time with ties broken by id, exact across page boundaries that split a tie group', async () => {
    // Groups of 7 records share each update second; pages of 5 cut through every group.
    sandbox.seed('persons', 63, { tieGroupSize: 7 });
    const truth = sandbox.records('persons').sort(byUpdate);
    const seconds = new Set(truth.map((record) => record.update_time));
    expect(seconds.size).toBe(9);
    const { items } = await listAll(api, token, '/api/v2/persons?sort_by=update_time&limit=5');
    expect(ids(items)).toEqual(ids(truth));

    const descending = await listAll(api, token, '/api/v2/persons?sort_by=update_time&sort_direction=desc&limit=5');
    expect(ids(descending.items)).toEqual(ids(truth).reverse());
  });

  it('treats updated_since as inclusive and updated_until as exclusive, in whole seconds', async () => {
    sandbox.seed('persons', 40, { tieGroupSize: 4 });
    const truth = sandbox.records('persons').sort(byUpdate);
    const since = truth[8].update_time;
    const until = truth[24].update_time;
    const { items } = await listAll(api, token, `/api/v2/persons?sort_by=update_time&limit=3&updated_since=${since}&updated_until=${until}`);
    expect(ids(items)).toEqual(ids(truth.filter((record) => record.update_time >= since && record.update_time < until)));
    expect(items[0].update_time).toBe(since);
    expect(items.some((item: { update_time: string }) => item.update_time === until)).toBe(false);

    const badDate = await pdApi(api, 'GET', '/api/v2/persons?updated_since=2025-01-01', token);
    expect(badDate.status).toBe(400);
    // A parameter Pipedrive does not know is ignored: a misspelled updated_since lists everything.
    const typo = await listAll(api, token, `/api/v2/persons?update_since=${until}&limit=500`);
    expect(typo.items).toHaveLength(40);
  });

  it('sees an update made between two pages again later in an update_time listing, and never misses a record', async () => {
    sandbox.seed('persons', 30, { tieGroupSize: 1 });
    const firstPage = await pdApi(api, 'GET', '/api/v2/persons?sort_by=update_time&limit=10', token);
    const moved = firstPage.body.data[0].id as number;
    sandbox.update('persons', moved, { name: 'Moved Along' });
    const rest = await listAll(api, token, '/api/v2/persons?sort_by=update_time&limit=10', firstPage.body.additional_data.next_cursor);
    const seen = [...ids(firstPage.body.data), ...ids(rest.items)];
    expect(new Set(seen).size).toBe(30);
    expect(rest.items[rest.items.length - 1]).toMatchObject({ id: moved, name: 'Moved Along' });
  });

  it('renders custom fields under the hashes personFields names, enum values as option ids (labels on request)', async () => {
    sandbox.seed('persons', 40);
    const { items: fields } = await listAll(api, token, '/api/v2/personFields?limit=4');
    const custom = fields.filter((field: { is_custom_field: boolean }) => field.is_custom_field);
    expect(custom.length).toBeGreaterThanOrEqual(5);
    for (const field of custom) expect(field.field_code).toMatch(/^[0-9a-f]{40}$/);
    const leadSource = custom.find((field: { field_name: string }) => field.field_name === 'Lead source');
    expect(leadSource).toMatchObject({ field_type: 'enum', options: expect.arrayContaining([{ id: expect.any(Number), label: 'Website' }]) });

    const { items } = await listAll(api, token, '/api/v2/persons?limit=500');
    for (const item of items) expect(Object.keys(item.custom_fields).sort()).toEqual(custom.map((field: { field_code: string }) => field.field_code).sort());
    const withSource = items.find((item: { custom_fields: Record<string, unknown> }) => item.custom_fields[leadSource.field_code] !== null);
    const optionIds = leadSource.options.map((option: { id: number }) => option.id);
    expect(optionIds).toContain(withSource.custom_fields[leadSource.field_code]);
    expect(withSource.emails.filter((email: { primary: boolean }) => email.primary)).toHaveLength(withSource.emails.length > 0 ? 1 : 0);

    const labelled = await pdApi(api, 'GET', `/api/v2/persons?ids=${withSource.id}&include_option_labels=true&custom_fields=${leadSource.field_code}`, token);
    expect(labelled.body.data[0].custom_fields).toEqual({
      [leadSource.field_code]: { id: withSource.custom_fields[leadSource.field_code], label: expect.any(String) },
    });
  });

  it('leaves deleted records out of lists; reading one by id answers 404 or is_deleted as configured; purged after 30 days', async () => {
    const [first, second, third] = sandbox.seed('organizations', 3);
    sandbox.delete('organizations', second);
    const { items } = await listAll(api, token, '/api/v2/organizations');
    expect(ids(items)).toEqual([first, third]);
    expect((await pdApi(api, 'GET', `/api/v2/organizations/${second}`, token)).status).toBe(404);
    sandbox.setOptions({ deletedRecordRead: 'is_deleted' });
    const read = await pdApi(api, 'GET', `/api/v2/organizations/${second}`, token);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: second, is_deleted: true });
    sandbox.advanceClock(30 * 86_400_000 + 1000);
    // The month also outlived the access token: a fresh one reads.
    const later = sandbox.issueGrant();
    expect((await pdApi(api, 'GET', `/api/v2/organizations/${second}`, later.accessToken)).status).toBe(404);
    expect(sandbox.records('organizations', { includeDeleted: true }).map((record) => record.id)).toEqual([first, third]);
  });
});
