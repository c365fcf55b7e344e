// A provider is its folder: Papyrus CRM (test/support/papyrus/, a provider that exists only here) is registered with
// one line and then connected, synced and webhooked through the unchanged API and worker on the real stack. It brings
// the quirks of the next providers as data: its API host per company from the token answer, HTTP Basic client
// authentication, refusals inside HTTP 200, its own Authorization scheme, a field-error code, and webhooks carrying
// the integration's webhook secret.
import { storedLiveRecords, waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { startPapyrusSandbox, type PapyrusSandbox } from '../support/papyrus/sandbox';
import { startTestStack, type TestStack } from '../support/test-stack';

// The registration line, as providers/catalog.ts would carry it: everything else is the provider's folder.
jest.mock('../../providers/catalog', () => {
  const actual = jest.requireActual('../../providers/catalog');
  const { papyrus } = jest.requireActual('../support/papyrus/papyrus.provider');
  return { ...actual, providerCatalog: new actual.ProviderCatalog([...actual.providerCatalog.keys().map((key: string) => actual.providerCatalog.get(key)), papyrus]) };
});

const INTEGRATION = 'papyrus-app';

describe('a sixth provider, added as a folder and one registration line', () => {
  let stack: TestStack;
  let papyrus: PapyrusSandbox;

  beforeAll(async () => {
    papyrus = await startPapyrusSandbox();
    stack = await startTestStack({ name: 'sixth-provider', providerWebhooks: { coalesceWindowMs: 200, maxCoalesceWindowMs: 400 } });
  });
  afterAll(async () => {
    await stack?.close();
    await papyrus?.close();
  });

  /** The token its deliveries carry: the integration's webhook secret, as the integration's own view shows it. */
  const webhookSecret = async () => (await stack.api('GET', `/integrations/${INTEGRATION}`)).body.providerWebhook.credentials.token as string;
  const deliver = async (body: unknown) =>
    fetch(`${stack.apiUrl}/provider-webhooks/${INTEGRATION}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('is registered through the API like any provider: the OpenAPI document names it with its hosts, its view shows the token its webhooks carry', async () => {
    const document = (await stack.api('GET', '/openapi.json')).body;
    type Registration = { properties: { provider: { const: string }; tokenUrl: { pattern: string } } };
    const registration = (document.components.schemas.CreateIntegrationRequest.oneOf as Registration[]).find((variant) => variant.properties.provider.const === 'papyrus');
    const ownHosts = new RegExp(registration?.properties.tokenUrl.pattern ?? '^$');
    expect([ownHosts.test('https://auth.papyrus.example/oauth/token'), ownHosts.test('https://login.salesforce.com/services/oauth2/token')]).toEqual([true, false]);
    const created = await stack.api('POST', '/integrations', {
      key: INTEGRATION,
      provider: 'papyrus',
      clientId: papyrus.clientId,
      clientSecret: papyrus.clientSecret,
      authorizationUrl: `${papyrus.authUrl}/oauth/authorize`,
      tokenUrl: `${papyrus.authUrl}/oauth/token`,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      provider: 'papyrus',
      apiBaseUrl: null,
      providerWebhook: { url: `${stack.apiUrl}/provider-webhooks/${INTEGRATION}`, credentials: { kind: 'token', previousValidUntil: null } },
    });
    expect(await webhookSecret()).toMatch(/^[\w-]{43}$/);
    expect(await webhookSecret()).toBe((await stack.store.integrations.webhookSecrets(INTEGRATION))?.current);
  });

  let firstRunId: string;

  it('connects with a refresh token alone, learns its company and API host, and syncs the fields the company shows', async () => {
    papyrus.addNote('Kickoff');
    papyrus.addNote('Renewal');
    const created = await stack.api('POST', '/connections', {
      connectionId: 'pap-1',
      integration: INTEGRATION,
      credentials: { refreshToken: papyrus.issueRefreshToken() },
      syncs: { notes: { frequency: '1h' } },
    });
    expect([created.status, created.body.accountId]).toEqual([201, null]);

    const run = await waitForRunAfter(stack, 'pap-1', 'notes', null);
    firstRunId = run.runId;
    expect(run).toMatchObject({ status: 'succeeded', added: 2, missingFields: [] });
    // The refresh went to the token URL with HTTP Basic; the account lookup and the sync to the API host the token
    // answer named (the integration has none), with the provider's scheme.
    expect((await stack.api('GET', '/connections/pap-1')).body).toMatchObject({ status: 'active', accountId: String(papyrus.companyId) });
    expect(papyrus.stats).toMatchObject({ tokensIssued: 1, clientAuthRefused: 0, apiAuthRefused: 0 });
    const stored = await storedLiveRecords(stack, 'pap-1', 'notes');
    expect(stored.size).toBe(2);
    for (const note of papyrus.notes()) expect(stored.get(note.id)).toEqual(note);
  });

  it('a delivery carrying the webhook secret syncs the company soon; the field it now hides is listed again and left out', async () => {
    // The worker still remembers the old field list: the next query names secret_note and is refused.
    papyrus.hideFields(['secret_note']);
    const note = papyrus.addNote('Escalation');
    const answer = await deliver({ token: await webhookSecret(), company_id: papyrus.companyId, events: [{ id: 'ev-1', object: 'note' }] });
    expect(answer.status).toBe(204);

    const run = await waitForRunAfter(stack, 'pap-1', 'notes', firstRunId);
    expect(run).toMatchObject({ status: 'succeeded', added: 1, missingFields: ['secret_note'] });
    expect(papyrus.stats.fieldRefusals).toBe(1);
    const detail = (await stack.api('GET', `/connections/pap-1/runs/${encodeURIComponent(run.runId)}`)).body;
    expect(detail.log.find((entry: { kind: string }) => entry.kind === 'retry')?.message).toMatch(/UNKNOWN_FIELD.*fields are listed again/);
    const stored = (await storedLiveRecords(stack, 'pap-1', 'notes')).get(note.id);
    expect(stored).toMatchObject({ title: 'Escalation', body: note.body });
    expect(stored).not.toHaveProperty('secret_note');
  });

  it('refuses a delivery without the secret, and changes nothing', async () => {
    const before = (await stack.api('GET', '/connections/pap-1')).body.syncs.notes.lastRun.runId;
    const forged = await deliver({ token: 'not-the-secret', company_id: papyrus.companyId, events: [{ id: 'ev-2', object: 'note' }] });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toMatch(/not a webhook from this papyrus app: the token is not the integration's webhook secret/);
    // The same event id, now with the secret, is still acted on: the forged one was never remembered.
    const genuine = await deliver({ token: await webhookSecret(), company_id: papyrus.companyId, events: [{ id: 'ev-2', object: 'note' }] });
    expect(genuine.status).toBe(204);
    expect((await waitForRunAfter(stack, 'pap-1', 'notes', before)).status).toBe('succeeded');
  });

  it('a refresh token the provider refuses inside an HTTP 200 puts the connection in auth_error, saying why', async () => {
    const created = await stack.api('POST', '/connections', {
      connectionId: 'pap-revoked',
      integration: INTEGRATION,
      credentials: { refreshToken: 'revoked-long-ago' },
      syncs: { notes: { frequency: '1h' } },
    });
    expect(created.status).toBe(201);
    const connection = await eventually(
      async () => {
        const body = (await stack.api('GET', '/connections/pap-revoked')).body;
        return body.status === 'auth_error' ? body : null;
      },
      { timeoutMs: 30_000, what: 'pap-revoked in auth_error' },
    );
    expect(connection.credentials.lastError).toMatch(/token endpoint refused: invalid_code/);
  });
});
