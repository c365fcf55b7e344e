// The typed client against the real in-process API: every call decodes to typed values, errors carry the API's body.
import { TributaryApiError, TributaryClient, type ChangedRecord, type RecordsPage } from '../../../client';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

describe('TributaryClient', () => {
  let stack: TestStack;
  let client: TributaryClient;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'client', inProcessWorker: true });
    stack.sandbox.seed('Contact', 25);
    client = new TributaryClient({ baseUrl: stack.apiUrl, secretKey: stack.secretKey });
  });
  afterAll(() => stack?.close());

  it('registers an integration and connects an account, answering with typed values', async () => {
    const integration = await client.createIntegration(stack.salesforceIntegration('sandbox'));
    expect(integration).toMatchObject({ key: 'sandbox', provider: 'salesforce' });
    expect(integration.createdAt).toBeInstanceOf(Date);
    expect(integration).not.toHaveProperty('clientSecret');

    const grant = stack.sandbox.issueGrant();
    const connection = await client.createConnection({
      connectionId: 'acme',
      integration: 'sandbox',
      credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl },
      syncs: { contacts: { frequency: '1h' } },
    });
    expect(connection).toMatchObject({ connectionId: 'acme', status: 'active', credentials: { state: 'valid' } });
    expect(Object.keys(connection.syncs)).toEqual(['contacts']);

    expect((await client.getIntegration('sandbox')).key).toBe('sandbox');
    expect((await client.listIntegrations()).integrations.map((i) => i.key)).toEqual(['sandbox']);
    expect((await client.listConnections({ integration: 'sandbox', limit: 10 })).connections.map((c) => c.connectionId)).toEqual(['acme']);
  });

  it('iterates the whole changes feed by following nextCursor, page by page', async () => {
    await eventually(async () => (await client.getConnection('acme')).syncs.contacts.lastRun?.status === 'succeeded', { what: 'the first contacts run' });

    const pages: RecordsPage[] = [];
    for await (const page of client.iterateRecordPages({ connectionId: 'acme', model: 'contacts', limit: 10 })) pages.push(page);
    expect(pages.map((p) => [p.records.length, p.hasMore])).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);

    const records: ChangedRecord[] = [];
    for await (const record of client.iterateRecords({ connectionId: 'acme', model: 'contacts', limit: 7 })) records.push(record);
    expect(new Set(records.map((r) => r.id)).size).toBe(25);
    expect(records.every((r) => r.action === 'added' && r.firstSeenAt instanceof Date && r.deletedAt === null)).toBe(true);

    // Resuming from the last cursor finds nothing new.
    const rest = await client.listRecords({ connectionId: 'acme', model: 'contacts', cursor: pages.at(-1)?.nextCursor });
    expect(rest).toMatchObject({ records: [], hasMore: false });
  });

  it('changes a connection, runs an action once per key, reads it back, and reaches the provider through the proxy', async () => {
    const changed = await client.updateConnection('acme', { metadata: { plan: 'gold' } });
    expect(changed.metadata).toEqual({ plan: 'gold' });

    const input = { lastName: 'Through The Client', email: 'client@example.com' };
    const first = await client.runAction('acme', 'create-contact', input, { idempotencyKey: 'client-1' });
    expect(first).toMatchObject({ status: 'succeeded', action: 'create-contact', output: { id: expect.stringMatching(/^003/) } });
    const again = await client.runAction('acme', 'create-contact', input, { idempotencyKey: 'client-1' });
    expect([again.actionId, again.output]).toEqual([first.actionId, first.output]);
    expect(stack.sandbox.records('Contact').filter((c) => c.LastName === 'Through The Client')).toHaveLength(1);
    expect(await client.getAction('acme', first.actionId)).toMatchObject({ actionId: first.actionId, status: 'succeeded', output: first.output });
    await expect(client.runAction('acme', 'create-contact', {}, { idempotencyKey: 'client-2' })).rejects.toMatchObject({ status: 400, code: 'validation_failed' });

    const describe = await client.proxy({ connectionId: 'acme', method: 'GET', path: '/services/data/v62.0/sobjects/Contact/describe', integration: 'sandbox' });
    expect(describe.status).toBe(200);
    const fields = ((await describe.json()) as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['LastName', 'OwnerId']));
    const wrongIntegration = await client.proxy({ connectionId: 'acme', method: 'GET', path: '/services/data/v62.0/limits', integration: 'other' });
    // Well-formed, naming an integration the connection is not under: a conflict, as every such request is.
    expect(wrongIntegration.status).toBe(409);
  });

  it('reads crm.contacts with the unified shape typed', async () => {
    const page = await client.listRecords({ connectionId: 'acme', model: 'crm.contacts', limit: 100 });
    expect(page.records).toHaveLength(25);
    // Typed as CrmContact: no casts needed to reach the unified fields.
    const names: (string | null)[] = page.records.map((r) => r.data.lastName);
    expect(names.every((name) => typeof name === 'string')).toBe(true);
    expect(page.records.every((r) => r.data.provider === 'salesforce' && Array.isArray(r.data.emails))).toBe(true);
  });

  it('asks for a sync and reads the run history and webhook deliveries', async () => {
    expect(await client.requestSync('acme', { models: ['contacts'] })).toEqual({ accepted: true, models: ['contacts'], mode: 'incremental' });
    const { runs } = await eventually(async () => {
      const page = await client.listRuns('acme', { model: 'contacts' });
      return page.runs.length === 2 && page.runs.every((r) => r.status === 'succeeded') ? page : null;
    }, { what: 'the requested run' });
    expect(runs[0].startedAt.getTime()).toBeGreaterThan(runs[1].startedAt.getTime());

    const { deliveries } = await eventually(async () => {
      const answer = await client.listWebhookDeliveries('acme');
      return answer.deliveries.length > 0 ? answer : null;
    }, { what: 'a webhook delivery' });
    expect(deliveries[0]).toMatchObject({ connectionId: 'acme', status: 204, error: null });
    expect(deliveries[0].attemptedAt).toBeInstanceOf(Date);
  });

  it('throws a TributaryApiError naming each bad field on a 400', async () => {
    const error = await client
      .createConnection({ connectionId: 'not an id', integration: 'sandbox', credentials: { refreshToken: '' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TributaryApiError);
    const apiError = error as TributaryApiError;
    expect([apiError.status, apiError.code, apiError.operationId]).toEqual([400, 'validation_failed', 'createConnection']);
    expect(apiError.fields.map((f) => f.field).sort()).toEqual(['body.connectionId', 'body.credentials.refreshToken']);
  });

  it('throws a TributaryApiError with the not_found code on a 404', async () => {
    const error = await client.getConnection('nobody').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TributaryApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', body: { error: { message: 'connection "nobody" does not exist' } } });
  });

  it('with a wrong secret key, gets 401 from the API but still reaches the public routes', async () => {
    const stranger = new TributaryClient({ baseUrl: `${stack.apiUrl}/`, secretKey: 'wrong-key' });
    await expect(stranger.listConnections()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await stranger.health()).toEqual({ ok: true });
    expect(await stranger.readiness()).toEqual({ ok: true, database: true, temporal: true });
    expect((await stranger.openApiDocument()).openapi).toBe('3.1.0');
    expect(await stranger.metrics()).toContain('process_cpu');
  });
});
