// Every route of the API's route table has a typed client method of the same name that calls it: a route added
// without one fails here. Only the routes a provider or a browser calls, never an app, are left out, each saying why.
import { routes, type OperationId, type RouteContract } from '../../../api/openapi-routes';
import { TributaryClient } from '../../../client';

/** Routes no app calls through the client, and why. */
const NOT_FOR_APPS: Partial<Record<OperationId, string>> = {
  oauthConnect: 'opened by the customer\'s browser from a connect URL',
  oauthConnectSubmit: 'posted by the connect screen in the customer\'s browser',
  oauthCallback: 'the provider sends the customer\'s browser here after consent',
  receiveProviderWebhook: 'called by HubSpot with its own signature',
  receiveProviderWebhookWithSecret: "called by Salesforce at the integration's webhook URL, which carries its secret",
  createConsoleSession: "the console's sign-in: a browser exchanges a key for a session cookie; apps send their key with every call",
  getConsoleSession: "the console's own session, read by its page with the session cookie",
  deleteConsoleSession: "the console's sign-out, sent by its page with the session cookie",
};

/**
 * The client method of routes that share one: the proxy's six operations (one per method) are all `proxy()`. Every
 * other route's method has the operation's own name.
 */
const CLIENT_METHOD: Partial<Record<OperationId, string>> = {
  proxyGet: 'proxy', proxyPost: 'proxy', proxyPut: 'proxy', proxyPatch: 'proxy', proxyDelete: 'proxy', proxyOptions: 'proxy',
};

const proxyCall = (method: string) => (c: TributaryClient) =>
  c.proxy({ connectionId: 'c1', method, path: '/services/data/v62.0/sobjects/Contact/003', ...(['GET', 'DELETE', 'OPTIONS'].includes(method) ? {} : { body: { LastName: 'L' } }) });

/** How each client method is called in this test; a route missing here fails too, so a new method gets exercised. */
const SAMPLE_CALLS: Record<string, (client: TributaryClient) => Promise<unknown>> = {
  health: (c) => c.health(),
  readiness: (c) => c.readiness(),
  openApiDocument: (c) => c.openApiDocument(),
  metrics: (c) => c.metrics(),
  createIntegration: (c) => c.createIntegration({ key: 'k', provider: 'salesforce', clientId: 'id', clientSecret: 's' }),
  listIntegrations: (c) => c.listIntegrations(),
  getIntegration: (c) => c.getIntegration('k'),
  updateIntegration: (c) => c.updateIntegration('k', { clientId: 'id2' }),
  deleteIntegration: (c) => c.deleteIntegration('k'),
  createConnection: (c) => c.createConnection({ connectionId: 'c1', integration: 'k', credentials: { refreshToken: 'r' } }),
  createConnectSession: (c) => c.createConnectSession({ integration: 'k', connectionId: 'c1' }),
  listConnections: (c) => c.listConnections(),
  getConnection: (c) => c.getConnection('c1'),
  updateConnection: (c) => c.updateConnection('c1', { paused: true }),
  deleteConnection: (c) => c.deleteConnection('c1'),
  requestSync: (c) => c.requestSync('c1'),
  listRuns: (c) => c.listRuns('c1'),
  getRun: (c) => c.getRun('c1', 'r1'),
  listWebhookDeliveries: (c) => c.listWebhookDeliveries('c1'),
  runAction: (c) => c.runAction('c1', 'create-contact', { lastName: 'L' }, { idempotencyKey: 'key-1' }),
  getAction: (c) => c.getAction('c1', 'act_0123456789abcdef0123456789abcdef'),
  listRecords: (c) => c.listRecords({ connectionId: 'c1', model: 'crm.contacts' }),
  proxyGet: proxyCall('GET'),
  proxyPost: proxyCall('POST'),
  proxyPut: proxyCall('PUT'),
  proxyPatch: proxyCall('PATCH'),
  proxyDelete: proxyCall('DELETE'),
  proxyOptions: proxyCall('OPTIONS'),
  getOverview: (c) => c.getOverview({ hours: 24 }),
  listRunEvents: (c) => c.listRunEvents('c1', 'r1', { after: 0 }),
  listActions: (c) => c.listActions('c1'),
  redeliverWebhook: (c) => c.redeliverWebhook('c1', 'e1'),
  searchLogs: (c) => c.searchLogs({ q: 'x', window: '1h' }),
  getRecordHistory: (c) => c.getRecordHistory({ connectionId: 'c1', model: 'contacts', id: '003' }),
};

/** A fetch that records the request and answers 599, which no route documents: the call throws, the request is kept. */
function recording() {
  const sent: { method: string; path: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: URL, init: RequestInit = {}) => {
    sent.push({ method: String(init.method), path: new URL(url).pathname, headers: init.headers as Record<string, string> });
    return new Response('', { status: 599 });
  }) as typeof globalThis.fetch;
  return { sent, client: new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'k', fetch }) };
}

const templateRegExp = (path: string, wildcardParam?: string) =>
  new RegExp(`^${path.replace(/\{(\w+)\}/g, (_, name: string) => (name === wildcardParam ? '.+' : '[^/]+'))}$`);

describe('the typed client covers the route table', () => {
  const forApps = (Object.keys(routes) as OperationId[]).filter((id) => !(id in NOT_FOR_APPS));

  it.each(forApps)('%s has a client method that calls its route', async (operationId) => {
    const { client, sent } = recording();
    const method = CLIENT_METHOD[operationId] ?? operationId;
    expect({ operationId, method, isMethod: typeof (client as unknown as Record<string, unknown>)[method] }).toEqual({ operationId, method, isMethod: 'function' });
    const call = SAMPLE_CALLS[operationId];
    expect({ operationId, hasSampleCall: call !== undefined }).toEqual({ operationId, hasSampleCall: true });
    await call(client).catch(() => undefined);
    const route: RouteContract = routes[operationId];
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe(route.method.toUpperCase());
    expect(sent[0].path).toMatch(templateRegExp(route.path, route.wildcardParam));
  });

  it('sends the Idempotency-Key header with an action', async () => {
    const { client, sent } = recording();
    await SAMPLE_CALLS.runAction(client).catch(() => undefined);
    expect(sent[0].headers['idempotency-key']).toBe('key-1');
  });

  it('sends a proxy request under /proxy with the connection header and the body as JSON, and refuses an absolute URL', async () => {
    const { client, sent } = recording();
    await client.proxy({ connectionId: 'c1', method: 'post', path: '/crm/v3/objects/contacts/search', query: { a: 1 }, body: { limit: 1 } });
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/proxy/crm/v3/objects/contacts/search' });
    expect(sent[0].headers).toMatchObject({ 'connection-id': 'c1', 'content-type': 'application/json', authorization: 'Bearer k' });
    await expect(client.proxy({ connectionId: 'c1', method: 'GET', path: 'https://evil.example/x' })).rejects.toThrow(/absolute URL/);
  });

  it('leaves out only routes that say why', () => {
    for (const [operationId, why] of Object.entries(NOT_FOR_APPS)) {
      expect(routes).toHaveProperty(operationId);
      expect(why).toBeTruthy();
    }
  });
});
