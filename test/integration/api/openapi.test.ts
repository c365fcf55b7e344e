// The OpenAPI document tells the truth: every route Express serves is in it, and real answers match what it documents.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import pino from 'pino';
import { z } from 'zod';
import { createApp, type AppDependencies } from '../../../api/app';
import { openApiDocument } from '../../../api/openapi';
import { expressPath, routes, type OperationId, type RouteContract } from '../../../api/openapi-routes';
import { errorBody, validationErrorBody } from '../../../api/schemas';
import { providerUrlPattern } from '../../../api/provider-url-pattern';
import { providerCatalog } from '../../../providers/catalog';
import { eventually } from '../../support/eventually';
import { startTestStack, type ApiResponse, type TestStack } from '../../support/test-stack';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** "GET /connections/:connectionId" for every route the app serves, read from Express' own routing table. */
function servedRoutes(): string[] {
  // Only the routing table is read, so the dependencies are never used.
  const app = createApp({ secretKey: 'unused', publicUrl: 'http://unused', logger: pino({ level: 'silent' }) } as unknown as AppDependencies);
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route?.path}`)
        : walk(layer.handle?.stack ?? []),
    );
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
}

type Json = Record<string, unknown>;
type Operation = { security: unknown[]; parameters: { name: string; in: string; required: boolean }[]; requestBody?: Json; responses: Record<string, Json> };

const document = JSON.parse(JSON.stringify(openApiDocument(providerCatalog))) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses: Record<string, { content: { 'application/json': { schema: { $ref: string } } } }> };
};

const operationOf = (route: RouteContract) => document.paths[route.path][route.method];
const allRoutes = Object.entries(routes) as [OperationId, RouteContract][];

// The document's own JSON Schemas, checked by an independent validator: they must accept what the API really sends.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'tributary-openapi', components: { schemas: document.components.schemas } });

type Content = Record<string, { schema: Json & { $ref?: string } }>;

function documentedSchema(operation: Operation, status: string): ValidateFunction {
  const response = operation.responses[status] as { $ref?: string; content?: Content };
  const content = (response.$ref ? document.components.responses[response.$ref.split('/').pop() as string].content : response.content) as Content;
  const [{ schema }] = Object.values(content);
  return schema.$ref ? (ajv.getSchema(`tributary-openapi${schema.$ref}`) as ValidateFunction) : ajv.compile(schema);
}

describe('the OpenAPI document', () => {
  let stack: TestStack;
  const answered = new Map<OperationId, Set<number>>();

  /** Like stack.api, but reads a body that is not JSON (the metrics) as text. */
  async function call(method: string, path: string, body?: unknown, { secretKey = stack.secretKey } = {}): Promise<ApiResponse> {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { ...(secretKey ? { authorization: `Bearer ${secretKey}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
  }

  /** The answer's status is documented for the operation, and its body matches that status' schema exactly. */
  function expectDocumented(operationId: OperationId, answer: ApiResponse): void {
    const route: RouteContract = routes[operationId];
    const operation = operationOf(route);
    // The proxy documents every status under `default`: any of them may be the provider's.
    const documentedStatus = String(answer.status) in operation.responses ? String(answer.status) : 'default';
    expect([operationId, Object.keys(operation.responses)]).toEqual([operationId, expect.arrayContaining([documentedStatus])]);

    const response = route.responses[answer.status];
    const schema = response && 'body' in response ? response.body : answer.status === 400 ? validationErrorBody : errorBody;
    // Decoding then re-encoding gives back the very same JSON: no undocumented field, the documented formats.
    const decoded = schema.parse(answer.body);
    expect(JSON.parse(JSON.stringify(z.encode(schema, decoded)))).toEqual(answer.body);

    const validate = documentedSchema(operation, documentedStatus);
    expect([operationId, answer.status, validate(answer.body) ? [] : validate.errors]).toEqual([operationId, answer.status, []]);

    answered.set(operationId, (answered.get(operationId) ?? new Set()).add(answer.status));
  }

  beforeAll(async () => {
    stack = await startTestStack({ name: 'openapi', inProcessWorker: true });
    stack.sandbox.seed('Contact', 12);
    stack.sandbox.seed('Account', 3);
  });
  afterAll(() => stack?.close());

  it('lists exactly the routes Express serves', () => {
    // The proxy's {path} takes the rest of the path: Express spells it as a wildcard.
    const wildcards = new Map(allRoutes.map(([, route]) => [route.path, route.wildcardParam]));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${expressPath(path, wildcards.get(path))}`),
    );
    expect(servedRoutes().sort()).toEqual(documented.sort());
  });

  it('is served as OpenAPI 3.1 at /openapi.json without a secret key', async () => {
    const response = await fetch(`${stack.apiUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as typeof document;
    expect(served).toEqual(document);
    expect(served.openapi).toBe('3.1.0');
  });

  it('documents for each operation its path parameters, request body, security and error answers', () => {
    for (const [operationId, route] of allRoutes) {
      const operation = operationOf(route);
      const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParameters = operation.parameters.filter((p) => p.in === 'path');
      expect([operationId, pathParameters.map((p) => [p.name, p.required])]).toEqual([operationId, placeholders.map((name) => [name, true])]);
      expect([operationId, operation.requestBody !== undefined]).toEqual([operationId, route.body !== undefined]);
      // A secret key, or the console's session cookie (made with one, and of its scope).
      expect([operationId, operation.security]).toEqual([operationId, route.secured ? [{ secretKey: [] }, { consoleSession: [] }] : []]);
      const statuses = Object.keys(operation.responses);
      // The proxy answers any status, the provider's or its own: `default` documents them all, and nothing else does.
      if (route.responses.default) {
        expect([operationId, statuses]).toEqual([operationId, ['default']]);
        continue;
      }
      // 401: a secured route without the key, or a provider webhook without the provider's signature or URL secret.
      expect([operationId, statuses.includes('401')]).toEqual([operationId, route.secured || (route.errors ?? []).includes(401)]);
      expect([operationId, statuses.includes('400')]).toEqual([operationId, Boolean(route.params || route.query || route.body)]);
      // A success, or for the browser routes of the connect flow a redirect, or for the proxy whatever the provider answers.
      expect([operationId, statuses.some((s) => /^[23]/.test(s) || s === 'default')]).toEqual([operationId, true]);
    }
    expect(operationOf(routes.listRecords).parameters.map((p) => [p.name, p.required])).toEqual([
      ['connectionId', true],
      ['model', true],
      ['cursor', false],
      ['limit', false],
      ['filter', false],
      ['modifiedAfter', false],
    ]);
  });

  it('holds no examples, every secret in a request is write-only, and the one returned (the connect token) read-only', () => {
    const text = JSON.stringify(document);
    expect(text).not.toContain(stack.secretKey);
    const secrets: [string, Json][] = [];
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        expect(['example', 'examples']).not.toContain(key);
        if (key === 'properties') secrets.push(...(Object.entries(value as Json).filter(([name]) => /secret$|token$/i.test(name)) as [string, Json][]));
        visit(value);
      }
    };
    visit(document);
    // clientSecret once per provider (registering an integration has one variant per provider) and once for rotating it.
    // csrfToken: the console session's, returned to the console (it is no credential without the session cookie).
    // token twice, both returned: the connect session's, and provider-webhook credentials of the token kind.
    const clientSecrets = Array<string>(providerCatalog.keys().length + 1).fill('clientSecret');
    expect(secrets.map(([name]) => name).sort()).toEqual(['accessToken', ...clientSecrets, 'connectToken', 'csrfToken', 'refreshToken', 'token', 'token']);
    const returned = ['token', 'csrfToken'];
    for (const [name, secret] of secrets) expect([name, secret]).toEqual([name, expect.objectContaining(returned.includes(name) ? { readOnly: true } : { writeOnly: true })]);
    for (const [, secret] of secrets) expect(secret).not.toHaveProperty('default');
    expect(document.components.schemas.ConnectSession).toMatchObject({ properties: { token: { readOnly: true } } });
  });

  it('secured operations answer 401 without the secret key, and public ones answer without it', async () => {
    // The browser routes of the connect flow need a connect token or a state instead: without, an HTML error page.
    const browserRoutes: OperationId[] = ['oauthConnect', 'oauthConnectSubmit', 'oauthCallback'];
    for (const [operationId, route] of allRoutes) {
      const path = route.path.replace(/\{(\w+)\}/g, 'someone');
      const answer = await call(route.method.toUpperCase(), path, route.method === 'post' ? {} : undefined, { secretKey: '' });
      if (route.secured) {
        expect([operationId, answer.status]).toEqual([operationId, 401]);
      } else {
        // Provider webhooks authenticate by the provider's own means: for an integration that does not exist, a 404.
        const webhookRoutes: OperationId[] = ['receiveProviderWebhook', 'receiveProviderWebhookWithSecret'];
        // The console's sign-in wants a key in its body; its session routes, the session cookie.
        const consoleRoutes: Partial<Record<OperationId, number>> = { createConsoleSession: 400, getConsoleSession: 401, deleteConsoleSession: 401 };
        const expected = browserRoutes.includes(operationId) ? 400 : webhookRoutes.includes(operationId) ? 404 : (consoleRoutes[operationId] ?? 200);
        expect([operationId, answer.status]).toEqual([operationId, expected]);
      }
      expectDocumented(operationId, answer);
    }
  });

  it("every operation's real answers match the documented schemas", async () => {
    expectDocumented('health', await call('GET', '/healthz'));
    expectDocumented('readiness', await call('GET', '/readyz'));
    expectDocumented('openApiDocument', await call('GET', '/openapi.json'));
    expectDocumented('metrics', await call('GET', '/metrics'));

    const connected = await stack.connectSalesforce('acme');
    expect(connected.status).toBe(201);
    expectDocumented('createConnection', connected);
    expectDocumented(
      'createIntegration',
      await call('POST', '/integrations', { key: 'second-app', provider: 'salesforce', clientId: 'id', clientSecret: 'not-a-real-secret' }),
    );
    expectDocumented('listIntegrations', await call('GET', '/integrations'));
    expectDocumented('getIntegration', await call('GET', '/integrations/second-app'));
    expectDocumented('updateIntegration', await call('PATCH', '/integrations/second-app', { clientSecret: 'rotated-secret', fields: { contacts: ['Tier__c'] } }));
    expectDocumented('listConnections', await call('GET', '/connections?integration=salesforce-sandbox&limit=10'));

    // Wait for real history: finished runs with counts, and webhook deliveries with the receiver's status.
    await eventually(
      async () => {
        const status = await call('GET', '/connections/acme');
        return Object.values(status.body.syncs as Record<string, { lastRun: { status: string } | null }>).every((s) => s.lastRun?.status === 'succeeded');
      },
      { what: 'the first run of each model' },
    );
    await eventually(async () => (await call('GET', '/connections/acme/webhook-deliveries')).body.deliveries.length >= 2, { what: 'webhook deliveries' });

    const described = await call('GET', '/connections/acme');
    expect(described.body.syncs.contacts.lastRun.finishedAt).toEqual(expect.any(String));
    expectDocumented('getConnection', described);
    const runs = await call('GET', '/connections/acme/runs?limit=1');
    expectDocumented('listRuns', runs);
    expectDocumented('getRun', await call('GET', `/connections/acme/runs/${encodeURIComponent(runs.body.runs[0].runId)}`));
    expectDocumented('listWebhookDeliveries', await call('GET', '/connections/acme/webhook-deliveries'));
    const page = await call('GET', '/records?connectionId=acme&model=contacts&limit=5');
    expect(page.body.records).toHaveLength(5);
    expectDocumented('listRecords', page);
    expectDocumented('requestSync', await call('POST', '/connections/acme/sync', { models: ['contacts'], mode: 'full' }));
    expectDocumented('updateConnection', await call('PATCH', '/connections/acme', { metadata: { team: 'sales', tags: ['a', 1, null] } }));

    // The browser connect flow: a connect session, the redirect to the provider, and the callback's success page.
    const session = await call('POST', '/connect-sessions', { integration: 'salesforce-sandbox', connectionId: 'browser-connected' });
    expectDocumented('createConnectSession', session);
    stack.sandbox.setOptions({ autoConsent: true });
    const screen = await fetch(session.body.connectUrl);
    expectDocumented('oauthConnect', { status: screen.status, body: await screen.text() });
    const connectUrl = new URL(session.body.connectUrl);
    // As a current browser posts the connect screen's form: same-origin, said by Sec-Fetch-Site.
    const toProvider = await fetch(`${connectUrl.origin}${connectUrl.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(connectUrl.searchParams),
    });
    expect(toProvider.status).toBe(303);
    expect(operationOf(routes.oauthConnectSubmit).responses['303']).toMatchObject({ headers: { Location: { required: true } } });
    const backFromProvider = await fetch(toProvider.headers.get('location') as string, { redirect: 'manual' });
    const callback = await fetch(backFromProvider.headers.get('location') as string, {
      redirect: 'manual',
      headers: { cookie: (toProvider.headers.get('set-cookie') as string).split(';')[0] },
    });
    expect(callback.headers.get('content-type')).toMatch(/^text\/html/);
    expectDocumented('oauthCallback', { status: callback.status, body: await callback.text() });
    expectDocumented('deleteConnection', await call('DELETE', '/connections/browser-connected'));
    expectDocumented('deleteIntegration', await call('DELETE', '/integrations/second-app'));

    // The error answers each operation documents, in their documented shapes.
    expectDocumented('createIntegration', await call('POST', '/integrations', { key: 'second-app', provider: 'salesforce', clientId: 'id', clientSecret: 'x' }));
    expectDocumented('getIntegration', await call('GET', '/integrations/nobody'));
    expectDocumented('updateIntegration', await call('PATCH', '/integrations/nobody', { scopes: ['api'] }));
    expectDocumented('updateIntegration', await call('PATCH', '/integrations/salesforce-sandbox', {}));
    expectDocumented('deleteIntegration', await call('DELETE', '/integrations/salesforce-sandbox'));
    expectDocumented('deleteIntegration', await call('DELETE', '/integrations/nobody'));
    expectDocumented('getRun', await call('GET', '/connections/acme/runs/nobody'));
    expectDocumented('getConnection', await call('GET', '/connections/nobody'));
    expectDocumented('listRuns', await call('GET', '/connections/nobody/runs'));
    expectDocumented('listWebhookDeliveries', await call('GET', '/connections/nobody/webhook-deliveries'));
    expectDocumented('requestSync', await call('POST', '/connections/nobody/sync'));
    expectDocumented('deleteConnection', await call('DELETE', '/connections/nobody'));
    expectDocumented('updateConnection', await call('PATCH', '/connections/nobody', { paused: true }));
    expectDocumented('runAction', await call('POST', '/connections/nobody/actions/create-contact', { email: 'a@example.com' }));
    expectDocumented('getAction', await call('GET', '/connections/acme/actions/nobody'));
    expectDocumented('receiveProviderWebhook', await call('POST', '/provider-webhooks/nobody', {}));
    expectDocumented('receiveProviderWebhook', await call('POST', '/provider-webhooks/salesforce-sandbox', {}));
    expectDocumented('receiveProviderWebhookWithSecret', await call('POST', '/provider-webhooks/salesforce-sandbox/wrong-secret', {}));
    expectDocumented('listRecords', await call('GET', '/records?connectionId=nobody&model=contacts'));
    expectDocumented('proxyGet', await call('GET', '/proxy/services/data/v62.0/limits'));
    expectDocumented('proxyPost', await call('POST', '/proxy/services/data/v62.0/sobjects/Contact', { LastName: 'L' }));
    expectDocumented('listConnections', await call('GET', '/connections?limit=0'));
    expectDocumented('createConnectSession', await call('POST', '/connect-sessions', { integration: 'second-app', connectionId: 'acme' }));
    expectDocumented('oauthConnect', await call('GET', '/oauth/connect/salesforce-sandbox?connectionId=acme&connectToken=forged'));
    expectDocumented('oauthCallback', await call('GET', '/oauth/callback?state=forged&code=forged'));

    // The console's reads and its sign-in (issue 22).
    const delivery = (await call('GET', '/connections/acme/webhook-deliveries')).body.deliveries[0];
    expectDocumented('getOverview', await call('GET', '/stats/overview?hours=2'));
    expectDocumented('listRunEvents', await call('GET', `/connections/acme/runs/${encodeURIComponent(runs.body.runs[0].runId)}/events`));
    expectDocumented('listRunEvents', await call('GET', '/connections/acme/runs/nobody/events'));
    expectDocumented('listActions', await call('GET', '/connections/acme/actions'));
    expectDocumented('listActions', await call('GET', '/connections/nobody/actions'));
    expectDocumented('searchLogs', await call('GET', '/logs?connectionId=acme&window=1h&limit=5'));
    expectDocumented('getRecordHistory', await call('GET', `/record-history?connectionId=acme&model=contacts&id=${encodeURIComponent(page.body.records[0].id)}`));
    expectDocumented('getRecordHistory', await call('GET', '/record-history?connectionId=nobody&model=contacts&id=x'));
    expectDocumented('redeliverWebhook', await call('POST', `/connections/acme/webhook-deliveries/${encodeURIComponent(delivery.eventId)}/redeliver`));
    expectDocumented('redeliverWebhook', await call('POST', '/connections/acme/webhook-deliveries/nobody/redeliver'));
    const signedIn = await fetch(`${stack.apiUrl}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: stack.secretKey }) });
    const consoleSession = { status: signedIn.status, body: (await signedIn.json()) as { csrfToken: string } };
    expectDocumented('createConsoleSession', consoleSession);
    const cookie = (signedIn.headers.get('set-cookie') as string).split(';')[0];
    const asConsole = async (method: string) => {
      const response = await fetch(`${stack.apiUrl}/console/session`, { method, headers: { cookie, 'x-csrf-token': consoleSession.body.csrfToken, 'sec-fetch-site': 'same-origin' } });
      const text = await response.text();
      return { status: response.status, body: response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
    };
    expectDocumented('getConsoleSession', await asConsole('GET'));
    expectDocumented('deleteConsoleSession', await asConsole('DELETE'));
    expectDocumented('deleteConsoleSession', await asConsole('DELETE'));
    expectDocumented('createConsoleSession', await call('POST', '/console/session', { key: 'wrong-key-wrong-key-wrong-key-wrong' }));

    // Their successes need a provider write, a provider-signed notification or a provider's answer through the proxy;
    // test/integration/actions.test.ts, provider-webhooks.test.ts and api/proxy.test.ts exercise them. Here only their
    // error answers are checked.
    const exercisedElsewhere: OperationId[] = [
      'runAction', 'getAction', 'receiveProviderWebhook', 'receiveProviderWebhookWithSecret',
      'proxyGet', 'proxyPost', 'proxyPut', 'proxyPatch', 'proxyDelete', 'proxyOptions',
    ];
    for (const [operationId, route] of allRoutes) {
      if (exercisedElsewhere.includes(operationId)) continue;
      const success = Object.keys(route.responses).map(Number).filter((status) => status < 300);
      expect([operationId, [...(answered.get(operationId) ?? [])].filter((status) => status < 300)]).toEqual([operationId, success]);
    }
  });

  it('an undeclared method on a documented path answers 405 with Allow, not 404', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/connections/acme', 'GET, HEAD, PATCH, DELETE'],
      // Two operations whose path parameters are named differently share one path.
      ['DELETE', '/connections/acme/actions/some-action', 'POST, GET, HEAD'],
      ['PATCH', '/integrations', 'POST, GET, HEAD'],
      ['DELETE', '/openapi.json', 'GET, HEAD'],
      ['PUT', '/oauth/connect/salesforce-sandbox', 'GET, HEAD, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${stack.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${stack.secretKey}` } });
      const body = (await response.json()) as { error: { code: string } };
      expect([method, path, response.status, response.headers.get('allow'), body.error.code]).toEqual([method, path, 405, allow, 'method_not_allowed']);
      expect(errorBody.safeParse(body).success).toBe(true);
    }
    // An unknown path is still a 404.
    expect((await call('PUT', '/nowhere')).status).toBe(404);
  });

  it('carries the refinements the API validates: the providers, the frequency pattern, the sync modes', () => {
    const schemas = document.components.schemas as Record<string, { properties: Record<string, Json> }>;
    const registrations = (document.components.schemas.CreateIntegrationRequest as { oneOf: { properties: Record<string, Json> }[] }).oneOf;
    // The catalog's providers, which the document is built with: the schemas know none.
    expect(registrations.map((variant) => variant.properties.provider.const)).toEqual(providerCatalog.keys());
    const frequency = (schemas.CreateConnectionRequest.properties.syncs as { additionalProperties: { properties: { frequency: { pattern: string } } } })
      .additionalProperties.properties.frequency;
    const pattern = new RegExp(frequency.pattern);
    // The document's pattern and the API's validation agree on both sides of the line.
    for (const [value, valid] of [['30s', true], ['5m', true], ['1000ms', true], ['1d', true], ['0s', false], ['999ms', false], ['soon', false], ['1w', false], [' 5m', false]] as const) {
      expect([value, pattern.test(value)]).toEqual([value, valid]);
    }
    expect(schemas.SyncRequest.properties.mode).toMatchObject({ enum: ['incremental', 'full'] });
    // A grace period only goes with a rotation: the document says so, so a schema-valid PATCH never meets that 400.
    expect(document.components.schemas.UpdateIntegrationRequest).toMatchObject({ dependentRequired: { webhookUrlGraceHours: ['rotateWebhookUrl'] } });
  });

  it('links POST /connections to every operation that takes its connectionId, so a client (or a stateful tester) can follow it', () => {
    const links = (operationOf(routes.createConnection).responses['201'] as { links: Record<string, { operationId: string; parameters: Record<string, string> }> }).links;
    const linked = Object.values(links).map((link) => [link.operationId, link.parameters]);
    expect(linked).toEqual(
      expect.arrayContaining([
        ['getConnection', { 'path.connectionId': '$response.body#/connectionId' }],
        ['deleteConnection', { 'path.connectionId': '$response.body#/connectionId' }],
        ['requestSync', { 'path.connectionId': '$response.body#/connectionId' }],
        ['listRuns', { 'path.connectionId': '$response.body#/connectionId' }],
        ['listWebhookDeliveries', { 'path.connectionId': '$response.body#/connectionId' }],
        ['listRecords', { 'query.connectionId': '$response.body#/connectionId' }],
      ]),
    );
    expect(linked.map(([operationId]) => operationId)).not.toContain('oauthConnect');
  });

  it('a bad request answers 400 naming each bad field, from body, query and path alike', async () => {
    const body = await call('POST', '/connections', { connectionId: 'not an id', integration: 'salesforce-sandbox', credentials: {}, extra: 1 });
    expect(body.status).toBe(400);
    expectDocumented('createConnection', body);
    expect(body.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body', 'body.connectionId', 'body.credentials.refreshToken']);

    const query = await call('GET', '/records?connectionId=acme&model=contacts&limit=5000&filter=born');
    expectDocumented('listRecords', query);
    expect(query.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['query.filter', 'query.limit']);

    const params = await call('GET', '/integrations/not%20a%20key');
    expectDocumented('getIntegration', params);
    expect(params.body.error.fields).toEqual([{ field: 'params.key', message: expect.any(String) }]);
  });

  it("declares the provider hosts a URL may name: a registration's own provider's, a change's or an instance URL's any provider's", () => {
    type Variant = { properties: Record<string, { pattern?: string; anyOf?: { pattern?: string }[] }> };
    const urlFields = ['authorizationUrl', 'tokenUrl', 'apiBaseUrl'];
    const hostsOf = (key: string) => providerCatalog.get(key).hosts;
    for (const variant of (document.components.schemas.CreateIntegrationRequest as { oneOf: (Variant & { properties: { provider: { const: string } } })[] }).oneOf) {
      const provider = variant.properties.provider.const;
      for (const field of urlFields) expect([provider, field, variant.properties[field].pattern]).toEqual([provider, field, providerUrlPattern(hostsOf(provider))]);
    }
    const change = (document.components.schemas.UpdateIntegrationRequest as Variant).properties;
    const patterns = [change.authorizationUrl.pattern, change.tokenUrl.pattern, change.apiBaseUrl.anyOf?.[0].pattern];
    const credentials = (document.components.schemas.CreateConnectionRequest as { properties: { credentials: Variant } }).properties.credentials;
    patterns.push(credentials.properties.instanceUrl.pattern);
    expect(patterns).toEqual(Array(4).fill(providerUrlPattern(providerCatalog.keys().flatMap(hostsOf))));
  });

  it("never refuses a request the document calls valid for its size: the largest extra-fields maps fit the body limit", async () => {
    // Built from the document's own bounds, so raising one past what the body limit holds fails here. Every model
    // name is one the provider lacks, so each answer says that (404 creating, 409 changing), not that it is too large.
    const fieldsSchema = (document.components.schemas.UpdateConnectionRequest as { properties: { fields: { maxProperties: number; additionalProperties: { maxItems: number } } } })
      .properties.fields;
    const longestName = `X${'x'.repeat(79)}`;
    const largest = (prefix: string) =>
      Object.fromEntries(
        Array.from({ length: fieldsSchema.maxProperties }, (_, i) => [`${prefix}${String(i).padStart(2, '0')}`.padEnd(64, 'z'), Array(fieldsSchema.additionalProperties.maxItems).fill(longestName)]),
      );
    const fields = largest('m');
    const firstModel = Object.keys(fields)[0];
    const credentials = { refreshToken: 'r'.repeat(4096), accessToken: 'a'.repeat(4096) };
    const cases: [OperationId, string, string, unknown, number][] = [
      ['createIntegration', 'POST', '/integrations', { key: 'largest', provider: 'salesforce', clientId: 'c', clientSecret: 's', fields }, 404],
      ['updateIntegration', 'PATCH', '/integrations/salesforce-sandbox', { fields }, 409],
      ['createConnection', 'POST', '/connections', { connectionId: 'largest', integration: 'salesforce-sandbox', credentials, fields }, 404],
      ['updateConnection', 'PATCH', '/connections/acme', { fields }, 409],
    ];
    for (const [operationId, method, path, body, status] of cases) {
      const answer = await call(method, path, body);
      expect([operationId, answer.status, answer.body.error.fields]).toEqual([operationId, status, [{ field: `body.fields.${firstModel}`, message: expect.any(String) }]]);
      expectDocumented(operationId, answer);
    }
    // One more model, or one more name, is past what the document allows: a 400 naming the field.
    const tooMany = await call('PATCH', '/connections/acme', { fields: { ...largest('m'), contacts: [] } });
    expect([tooMany.status, tooMany.body.error.fields]).toEqual([400, [{ field: 'body.fields', message: 'must name at most 10 models' }]]);
    const tooLong = await call('PATCH', '/connections/acme', { fields: { contacts: Array(fieldsSchema.additionalProperties.maxItems + 1).fill('Tier__c') } });
    expect([tooLong.status, tooLong.body.error.fields.map((f: { field: string }) => f.field)]).toEqual([400, ['body.fields.contacts']]);
  });

  it('a well-formed request naming what does not exist is a 404, one that conflicts with what it addresses a 409, each naming the field', async () => {
    const grant = stack.sandbox.issueGrant();
    const cases: [OperationId, string, string, unknown, number, string][] = [
      ['createConnection', 'POST', '/connections', { connectionId: 'orphan', integration: 'nobody', credentials: { refreshToken: 'r' } }, 404, 'body.integration'],
      ['createConnectSession', 'POST', '/connect-sessions', { integration: 'nobody', connectionId: 'orphan' }, 404, 'body.integration'],
      ['createConnection', 'POST', '/connections', { connectionId: 'orphan', integration: 'salesforce-sandbox', credentials: { refreshToken: 'r' }, syncs: { leads: { frequency: '1h' } } }, 404, 'body.syncs.leads'],
      // The schemas (the client's too) know no provider: one the catalog lacks does not exist here, like an integration.
      ['createIntegration', 'POST', '/integrations', { key: 'orphan-app', provider: 'nobody', clientId: 'c', clientSecret: 's' }, 404, 'body.provider'],
      ['listRecords', 'GET', '/records?connectionId=acme&model=leads', undefined, 404, 'query.model'],
      ['listRecords', 'GET', '/records?connectionId=acme&model=crm.deals', undefined, 404, 'query.model'],
      // On an existing connection a 404 would say the connection is gone: these conflict with what it is now.
      ['requestSync', 'POST', '/connections/acme/sync', { models: ['contacts', 'leads'] }, 409, 'body.models'],
      ['updateConnection', 'PATCH', '/connections/acme', { syncs: { leads: { enabled: true } } }, 409, 'body.syncs.leads'],
      // An instance URL on HubSpot's hosts is one the document allows (it cannot know the integration's provider).
      [
        'createConnection',
        'POST',
        '/connections',
        { connectionId: 'orphan', integration: 'salesforce-sandbox', credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: 'https://api.hubapi.com' } },
        409,
        'body.credentials.instanceUrl',
      ],
      ['updateIntegration', 'PATCH', '/integrations/salesforce-sandbox', { tokenUrl: 'https://api.hubapi.com/oauth/v1/token' }, 409, 'body.tokenUrl'],
    ];
    for (const [operationId, method, path, body, status, field] of cases) {
      const answer = await call(method, path, body);
      expect([operationId, path, answer.status, answer.body.error.fields]).toEqual([operationId, path, status, [{ field, message: expect.any(String) }]]);
      expectDocumented(operationId, answer);
    }
    expect((await call('GET', '/connections/orphan')).status).toBe(404);
    expect((await call('GET', '/integrations/orphan-app')).status).toBe(404);
  });
});
