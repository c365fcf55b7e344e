// Key scopes across the whole HTTP API, route by route from the route table (a route added later is covered without
// touching this file): a read key gets every GET and no secret; every state-changing route refuses it, naming the
// scope, and changes nothing.
import { randomBytes } from 'node:crypto';
import { routes, type OperationId, type RouteContract } from '../../../api/openapi-routes';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const READ_KEY = randomBytes(24).toString('hex');

/** Query strings the GET routes need to find something (their required parameters). */
const SAMPLE_QUERY: Partial<Record<OperationId, string>> = {
  listRecords: '?connectionId=acme&model=contacts',
  getRecordHistory: '?connectionId=acme&model=contacts&id=003000000000001AAA',
};

describe('key scopes', () => {
  let stack: TestStack;
  const ids: Record<string, string> = { connectionId: 'acme', key: 'salesforce-sandbox' };

  beforeAll(async () => {
    stack = await startTestStack({ name: 'key-scopes', extraSecretKeys: [{ name: 'support', key: READ_KEY, scope: 'read' }] });
    stack.sandbox.seed('Contact', 3);
    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    const run = await eventually(
      async () => {
        const { body } = await stack.api('GET', '/connections/acme');
        return body.syncs.contacts.lastRun?.status === 'succeeded' ? body.syncs.contacts.lastRun : null;
      },
      { timeoutMs: 60_000, what: 'the first run' },
    );
    ids.runId = run.runId;
    await stack.receiver.waitFor((received) => received.length > 0);
    ids.eventId = stack.receiver.received[0].event.id;
    const action = await stack.api('POST', '/connections/acme/actions/create-contact', { lastName: 'Scoped' }, { 'idempotency-key': 'scopes-1' });
    expect(action.status).toBe(200);
    ids.action = action.body.actionId;
  }, 120_000);
  afterAll(() => stack?.close());

  const asReader = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${READ_KEY}`, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const secured = (Object.entries(routes) as [OperationId, RouteContract][]).filter(([, route]) => route.secured);
  const pathOf = (route: RouteContract) => route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? `unknown-${name}`));

  it('has every secured route declare its scope, and admin for every one that is not a GET', () => {
    expect(secured.filter(([, route]) => route.scope === 'read').length).toBeGreaterThan(10);
    for (const [operationId, route] of secured) {
      expect({ operationId, scope: route.scope }).toEqual({ operationId, scope: route.method === 'get' ? expect.stringMatching(/^(read|admin)$/) : 'admin' });
    }
  });

  it.each(secured.filter(([, route]) => route.scope === 'read').map(([operationId]) => operationId))('lets a read key GET %s', async (operationId) => {
    const route = routes[operationId] as RouteContract;
    const response = await asReader('GET', `${pathOf(route)}${SAMPLE_QUERY[operationId] ?? ''}`);
    expect({ operationId, status: response.status }).toEqual({ operationId, status: 200 });
  });

  // Every route that needs admin: each state change, and the proxy's GET (it acts with the customer's token).
  it.each(secured.filter(([, route]) => route.scope === 'admin').map(([operationId]) => operationId))(
    'refuses a read key %s with 403 naming the scope',
    async (operationId) => {
      const route = routes[operationId] as RouteContract;
      const headers: Record<string, string> = route.path.startsWith('/proxy/') ? { 'connection-id': 'acme' } : {};
      const response = await asReader(route.method.toUpperCase(), pathOf(route), route.method === 'get' ? undefined : {}, headers);
      expect({ operationId, status: response.status }).toEqual({ operationId, status: 403 });
      expect(await response.json()).toEqual({
        error: {
          code: 'forbidden',
          requiredScope: 'admin',
          message: `this key can only read; ${route.method.toUpperCase()} ${route.path} needs the admin scope`,
        },
      });
    },
  );

  it('changed nothing while refusing, and refuses the proxy too', async () => {
    const connection = await stack.api('GET', '/connections/acme');
    expect(connection.body).toMatchObject({ paused: false, metadata: null, status: 'active' });
    expect((await stack.api('GET', '/connections')).body.connections).toHaveLength(1);
    expect((await stack.api('GET', '/integrations/salesforce-sandbox')).body.clientId).toBe('sandbox-client-id');
    expect((await stack.api('GET', '/connections/acme/actions')).body.actions).toHaveLength(1);
    expect((await stack.store.consoleSessions.collection.countDocuments({}))).toBe(0);

    const proxied = await fetch(`${stack.apiUrl}/proxy/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${READ_KEY}`, 'connection-id': 'acme' } });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as { error: { requiredScope: string } }).error.requiredScope).toBe('admin');
  });

  it('shows a read key no secret: the provider-webhook URL, which holds the integration\'s, is null', async () => {
    const asAdmin = await stack.api('GET', '/integrations/salesforce-sandbox');
    expect(asAdmin.body.providerWebhook.url).toMatch(/\/provider-webhooks\/salesforce-sandbox\/.{20,}/);
    const read = (await (await asReader('GET', '/integrations/salesforce-sandbox')).json()) as { providerWebhook: { url: string | null } };
    expect(read.providerWebhook.url).toBeNull();
    const secretPart = String(asAdmin.body.providerWebhook.url).split('/').at(-1) as string;
    for (const path of ['/integrations', '/integrations/salesforce-sandbox', '/connections', '/connections/acme', '/stats/overview', '/logs?window=1h']) {
      expect({ path, leaks: (await (await asReader('GET', path)).text()).includes(secretPart) }).toEqual({ path, leaks: false });
    }
  });

  it('says in the OpenAPI document which scope each operation needs', async () => {
    const document = (await stack.api('GET', '/openapi.json')).body;
    expect(document.paths['/connections/{connectionId}/sync'].post).toMatchObject({ 'x-tributary-scope': 'admin', responses: { 403: expect.anything() } });
    expect(document.paths['/connections'].get['x-tributary-scope']).toBe('read');
    expect(document.paths['/connections'].get.responses['403']).toBeUndefined();
  });
});
