import { startHubSpotSandbox, type HubSpotSandbox } from '../../../sandbox/hubspot/server';
import { HUBSPOT_CLIENT, hubGet, hubToken } from './hubspot-client';
import { REDIRECT_URI, decideConsent, pkcePair } from './http-client';

describe('HubSpot sandbox OAuth', () => {
  let sandbox: HubSpotSandbox;
  beforeEach(async () => {
    sandbox = await startHubSpotSandbox();
  });
  afterEach(() => sandbox.close());

  async function authorize(query: Record<string, string>): Promise<URL> {
    const page = await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ client_id: HUBSPOT_CLIENT.client_id, redirect_uri: REDIRECT_URI, scope: 'oauth crm.objects.contacts.read', state: 's1', ...query })}`);
    expect(page.status).toBe(200);
    const decided = await decideConsent(`${sandbox.url}/oauth/authorize`, await page.text(), 'allow');
    expect(decided.status).toBe(302);
    return new URL(decided.headers.get('location') ?? '');
  }

  it('installs through a consent page and exchanges the code (with PKCE) for 30-minute tokens', async () => {
    const { verifier, challenge } = pkcePair();
    const back = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code') ?? '';

    const wrongVerifier = await hubToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43) });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.status).toBe('BAD_AUTH_CODE');

    const again = await authorize({ code_challenge: challenge });
    const tokens = await hubToken(sandbox, { grant_type: 'authorization_code', code: again.searchParams.get('code') ?? '', redirect_uri: REDIRECT_URI, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({ token_type: 'bearer', refresh_token: expect.any(String), access_token: expect.any(String), expires_in: 1800, hub_id: expect.any(Number) });
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', tokens.body.access_token)).status).toBe(200);
  });

  it('works without PKCE too, and a code is single-use', async () => {
    const code = (await authorize({})).searchParams.get('code') ?? '';
    expect((await hubToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).status).toBe(200);
    const reused = await hubToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code' });
  });

  it('refreshes without rotating the refresh token, and answers BAD_REFRESH_TOKEN once the app is uninstalled', async () => {
    const grant = sandbox.issueGrant();
    const first = await hubToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    const second = await hubToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body.refresh_token).toBe(grant.refreshToken);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(1800);

    sandbox.revokeGrant(grant.grantId);
    const refused = await hubToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(refused.status).toBe(400);
    // HubSpot's v1 token endpoint: the code is in `status`, and there is no RFC 6749 `error` field.
    expect(refused.body).toEqual({ status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token', correlationId: expect.any(String), requestId: expect.any(String) });
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts', first.body.access_token)).status).toBe(401);
  });

  it('refuses wrong client credentials and the invalidGrant knob refuses refreshes', async () => {
    const grant = sandbox.issueGrant();
    const badSecret = await hubToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_secret: 'nope' });
    expect(badSecret.body.status).toBe('BAD_CLIENT_SECRET');
    sandbox.faults.invalidGrant({ count: 1 });
    expect((await hubToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).body.status).toBe('BAD_REFRESH_TOKEN');
    expect((await hubToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(200);
  });

  it('answers 401 EXPIRED_AUTHENTICATION for an expired token and INVALID_AUTHENTICATION for none', async () => {
    const grant = sandbox.issueGrant();
    sandbox.expireSessions();
    const expired = await hubGet(sandbox, '/crm/v3/objects/contacts', grant.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });
    expect((await hubGet(sandbox, '/crm/v3/objects/contacts')).body.category).toBe('INVALID_AUTHENTICATION');
  });
});
