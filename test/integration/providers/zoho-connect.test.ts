// Connecting a Zoho CRM account whose data lives in the EU: the callback's `accounts-server` decides where the code is
// exchanged and every later refresh goes, the token answer's `api_domain` where the API is called; a callback naming
// a host outside Zoho's is refused with the error page, nothing stored and the code sent nowhere.
import { storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { startZohoStack, ZOHO_INTEGRATION, type ZohoStack } from '../../support/zoho-stack';

interface Answer {
  status: number;
  location: string | null;
  cookie: string | null;
  text: string;
}

async function get(url: string, cookie?: string | null): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: response.status, location: response.headers.get('location'), cookie: response.headers.get('set-cookie')?.split(';')[0] ?? null, text: await response.text() };
}

describe('connecting a Zoho CRM account of the EU data centre', () => {
  let stack: ZohoStack;
  beforeAll(async () => {
    // The EU org's user signs in; the sandbox approves at once (autoConsent), as a browser test clicks Accept.
    stack = await startZohoStack({ name: 'zoho-connect', zoho: { signInAs: 'nordlicht', autoConsent: true } });
    stack.zoho.org('nordlicht').seed('Contacts', 30);
    await stack.registerZoho();
  });
  afterAll(() => stack?.close());

  /** Connect screen → Connect → the US sign-in page (which sends the EU user back with their data centre): the callback. */
  async function throughSignIn(connectionId: string): Promise<{ callbackUrl: URL; cookie: string }> {
    const session = await stack.api('POST', '/connect-sessions', { integration: ZOHO_INTEGRATION, connectionId });
    expect(session.status).toBe(201);
    const connectUrl = new URL(session.body.connectUrl);
    expect((await get(connectUrl.toString())).status).toBe(200);
    const pressed = await fetch(`${connectUrl.origin}${connectUrl.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(Object.fromEntries(connectUrl.searchParams)),
    });
    expect(pressed.status).toBe(303);
    const authorize = new URL(pressed.headers.get('location') as string);
    // Zoho's own sign-in host, with Zoho's comma-separated scopes and a request for a refresh token.
    expect(authorize.origin).toBe(stack.zoho.dataCentre('us').accountsUrl);
    expect(authorize.searchParams.get('scope')).toBe('ZohoCRM.modules.contacts.ALL,ZohoCRM.modules.accounts.ALL,ZohoCRM.settings.fields.READ,ZohoCRM.org.READ,ZohoCRM.users.READ');
    expect([authorize.searchParams.get('access_type'), authorize.searchParams.get('prompt')]).toEqual(['offline', 'consent']);
    const back = await get(authorize.toString());
    expect(back.status).toBe(302);
    return { callbackUrl: new URL(back.location as string), cookie: pressed.headers.get('set-cookie')?.split(';')[0] as string };
  }

  it('exchanges the code at the EU accounts server the callback names, and syncs from the EU API domain', async () => {
    stack.zoho.resetStats();
    const { callbackUrl, cookie } = await throughSignIn('eu-customer');
    const eu = stack.zoho.dataCentre('eu');
    expect([callbackUrl.searchParams.get('location'), callbackUrl.searchParams.get('accounts-server')]).toEqual(['eu', eu.accountsUrl]);
    const finished = await get(callbackUrl.toString(), cookie);
    expect([finished.status, finished.text]).toEqual([200, expect.stringMatching(/Your Zoho CRM account is connected/)]);

    const { credentials } = await stack.store.connections.readCredentials('eu-customer');
    expect([credentials.tokenHost, credentials.instanceUrl]).toEqual([eu.accountsUrl, eu.apiUrl]);
    const run = await waitForRunAfter(stack, 'eu-customer', 'contacts', null);
    expect(run).toMatchObject({ status: 'succeeded', added: 30 });
    expect((await storedLiveRecords(stack, 'eu-customer', 'contacts')).size).toBe(30);
    expect((await stack.api('GET', '/connections/eu-customer')).body.accountId).toBe(stack.zoho.org('nordlicht').orgId);
    const stats = stack.zoho.stats();
    expect(stats.requestsByDataCentre.eu['token.authorization_code']).toBe(1);
    // The US accounts server only showed the sign-in page.
    expect(stats.requestsByDataCentre.us).toEqual({ authorize: 1 });
  });

  it('refreshes at the stored EU accounts server, not at the integration token URL', async () => {
    const before = (await stack.api('GET', '/connections/eu-customer')).body.syncs.contacts.lastRun.runId;
    stack.zoho.resetStats();
    stack.zoho.expireSessions();
    expect((await stack.api('POST', '/connections/eu-customer/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'eu-customer', 'contacts', before);
    expect(run.status).toBe('succeeded');
    const stats = stack.zoho.stats();
    expect(stats.requestsByDataCentre.eu['token.refresh_token']).toBe(1);
    expect(stats.refreshes).toEqual([expect.objectContaining({ ok: true })]);
    expect(stats.requestsByDataCentre.us ?? {}).toEqual({});
  });

  it.each([
    ['a host outside Zoho', 'https://accounts.zoho.example.com'],
    ["a Zoho host that is no accounts server (an API domain)", 'https://www.zohoapis.eu'],
    ['an accounts server with a path', 'https://accounts.zoho.eu/oauth/v2/token'],
    ['plain http', 'http://accounts.zoho.eu'],
  ])('refuses a callback naming %s: the error page, nothing stored, the code sent nowhere', async (_what, tampered) => {
    const { callbackUrl, cookie } = await throughSignIn('tampered');
    stack.zoho.resetStats();
    callbackUrl.searchParams.set('accounts-server', tampered);
    const refused = await get(callbackUrl.toString(), cookie);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/Could not connect your account/);
    expect(refused.text).toMatch(/naming a sign-in server \(accounts-server\) that (must be on a zoho host|is not the token host of any zoho data centre|must be an origin only|must be an https URL)/);
    expect((await stack.api('GET', '/connections/tampered')).status).toBe(404);
    expect(stack.zoho.stats().requests['token.authorization_code']).toBeUndefined();
    // The state was spent: the same callback, untampered, cannot be replayed.
    callbackUrl.searchParams.set('accounts-server', stack.zoho.dataCentre('eu').accountsUrl);
    expect((await get(callbackUrl.toString(), cookie)).status).toBe(404);
  });

  it('refuses a callback naming the accounts server twice', async () => {
    const { callbackUrl, cookie } = await throughSignIn('twice');
    callbackUrl.searchParams.append('accounts-server', stack.zoho.dataCentre('us').accountsUrl);
    const refused = await get(callbackUrl.toString(), cookie);
    expect([refused.status, refused.text]).toEqual([400, expect.stringMatching(/must be given once/)]);
    expect((await stack.api('GET', '/connections/twice')).status).toBe(404);
  });

  it('refuses a connection created with an EU API domain but no token host, which the US token URL could never refresh', async () => {
    const grant = stack.zoho.issueGrant({ org: 'nordlicht' });
    const refused = await stack.api('POST', '/connections', {
      connectionId: 'no-token-host',
      integration: ZOHO_INTEGRATION,
      credentials: { refreshToken: grant.refreshToken, instanceUrl: grant.apiDomain },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/body\.credentials\.instanceUrl/);
    expect(JSON.stringify(refused.body)).toMatch(/credentials\.tokenHost/);
    expect((await stack.api('GET', '/connections/no-token-host')).status).toBe(404);
  });
});
