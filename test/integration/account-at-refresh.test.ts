// A connection made by POST /connections with a refresh token alone learns its provider account at its first token
// refresh (Salesforce's identity URL, HubSpot's hub_id in the token answer), records it once (never over a recorded
// one), shows it as `accountId`, and a browser re-authorisation must then sign into that account.
import { connectThroughLink } from '../support/connect-link';
import { waitForRunAfter } from '../support/assertions';
import { startHubSpotStack, HUBSPOT_INTEGRATION, type HubSpotStack } from '../support/hubspot-stack';

describe('the provider account of a connection made with a refresh token alone', () => {
  let stack: HubSpotStack;
  let portalId: string;

  beforeAll(async () => {
    stack = await startHubSpotStack({ name: 'account-at-refresh', inProcessWorker: false, sandbox: { autoConsent: true } });
    stack.sandbox.seed('Contact', 3);
    // Register both integrations (each of these has an access token, so it learns its account at create already).
    expect((await stack.connectSalesforce('sf-with-token', { contacts: { frequency: '1d' } })).status).toBe(201);
    expect((await stack.connectHubSpot('hs-with-token', { contacts: { frequency: '1d' } })).status).toBe(201);
    portalId = (await stack.api('GET', '/connections/hs-with-token')).body.accountId;
    expect(portalId).toMatch(/^\d+$/);
  });
  afterAll(() => stack?.close());

  async function createWithRefreshTokenOnly(connectionId: string, integration: string, refreshToken: string) {
    const created = await stack.api('POST', '/connections', { connectionId, integration, credentials: { refreshToken }, syncs: { contacts: { frequency: '1d' } } });
    expect([created.status, created.body.accountId]).toEqual([201, null]);
  }

  it('is learned at the first refresh, for Salesforce and HubSpot, and a recorded account is never overwritten', async () => {
    await createWithRefreshTokenOnly('sf-refresh-only', 'salesforce-sandbox', stack.sandbox.issueGrant().refreshToken);
    await createWithRefreshTokenOnly('hs-refresh-only', HUBSPOT_INTEGRATION, stack.hubspot.issueGrant().refreshToken);
    await createWithRefreshTokenOnly('sf-preset', 'salesforce-sandbox', stack.sandbox.issueGrant().refreshToken);
    // Bound by someone else first (a sign-in, an operator): the refresh's answer must not move it.
    expect(await stack.store.connections.setProviderAccountId('sf-preset', '00DPRESET0000000')).toBe(true);

    await stack.startWorker();
    for (const connectionId of ['sf-refresh-only', 'hs-refresh-only', 'sf-preset']) {
      expect([connectionId, (await waitForRunAfter(stack, connectionId, 'contacts', null)).status]).toEqual([connectionId, 'succeeded']);
    }
    const accountOf = async (connectionId: string) => (await stack.api('GET', `/connections/${connectionId}`)).body;
    expect(await accountOf('sf-refresh-only')).toMatchObject({ accountId: stack.sandbox.orgId, credentials: { refreshCount: 1 } });
    expect(await accountOf('hs-refresh-only')).toMatchObject({ accountId: portalId, credentials: { refreshCount: 1 } });
    expect(await accountOf('sf-preset')).toMatchObject({ accountId: '00DPRESET0000000', credentials: { refreshCount: 1 } });
  });

  it('binds the connection: a browser re-authorisation into another org is refused, into the same org accepted', async () => {
    const reconnect = (connectionId: string) => connectThroughLink(stack, { integration: 'salesforce-sandbox', connectionId });
    stack.sandbox.setOptions({ signInOrgId: '00D000000ELSEWH' });
    const refused = await reconnect('sf-refresh-only');
    expect(refused.status).toBe(409);
    expect(await refused.text()).toMatch(/belongs to another Salesforce organization/);
    stack.sandbox.setOptions({ signInOrgId: null });
    expect((await reconnect('sf-refresh-only')).status).toBe(200);
    expect((await stack.api('GET', '/connections/sf-refresh-only')).body.accountId).toBe(stack.sandbox.orgId);
  });
});
