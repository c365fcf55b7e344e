import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { CLIENT, REDIRECT_URI, api, claims, pkcePair, scopeFor, sleep, token } from './dynamics-client';
import { decideConsent } from './http-client';

describe('Dynamics sandbox: Microsoft identity platform OAuth', () => {
  let sandbox: DynamicsSandbox;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox();
  });
  afterEach(() => sandbox.close());

  /** Authorize with the consent page: returns where the browser is sent back to. */
  async function authorize(query: Record<string, string>, tenant = 'organizations'): Promise<URL> {
    const search = new URLSearchParams({ client_id: CLIENT.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, state: 's-1', ...query });
    const page = await fetch(`${sandbox.url}/${tenant}/oauth2/v2.0/authorize?${search}`, { redirect: 'manual' });
    if (page.status === 302) return new URL(page.headers.get('location') ?? '');
    expect(page.status).toBe(200);
    const decided = await decideConsent(`${sandbox.url}/${tenant}/oauth2/v2.0/authorize`, await page.text(), 'allow');
    expect(decided.status).toBe(302);
    return new URL(decided.headers.get('location') ?? '');
  }

  it('signs in through a consent page with PKCE and state, and the token works on the environment the scope named', async () => {
    const environment = sandbox.environment('contoso');
    const { verifier, challenge } = pkcePair();
    const back = await authorize({ scope: scopeFor(environment), code_challenge: challenge, code_challenge_method: 'S256' });
    expect(back.searchParams.get('state')).toBe('s-1');
    const code = back.searchParams.get('code') ?? '';

    const wrongVerifier = await token(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43) });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });

    const again = await authorize({ scope: scopeFor(environment), code_challenge: challenge });
    const tokens = await token(sandbox, { grant_type: 'authorization_code', code: again.searchParams.get('code') ?? '', redirect_uri: REDIRECT_URI, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({
      token_type: 'Bearer',
      scope: `${environment.url}/user_impersonation`,
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^0\.A/),
    });
    expect(claims(tokens.body.access_token)).toMatchObject({ aud: environment.url, tid: sandbox.tenantId, scp: 'user_impersonation' });

    const whoAmI = await api(environment, tokens.body.access_token, 'WhoAmI');
    expect(whoAmI.status).toBe(200);
    expect(whoAmI.body).toMatchObject({ OrganizationId: environment.organizationId, UserId: environment.userId, BusinessUnitId: expect.any(String) });

    // The same token on another environment: wrong audience, a 401 with the tenant's challenge and no body.
    const elsewhere = await api(sandbox.environment('fabrikam'), tokens.body.access_token, 'WhoAmI');
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.text).toBe('');
    expect(elsewhere.headers.get('www-authenticate')).toBe(`Bearer authorization_uri=${sandbox.url}/${sandbox.tenantId}/oauth2/authorize, resource_id=${sandbox.environment('fabrikam').url}/`);
  });

  it('refuses at authorize a scope naming an environment the tenant does not have, or none at all', async () => {
    const unknown = await authorize({ scope: 'http://127.0.0.1:9/.default offline_access' });
    expect(unknown.searchParams.get('error')).toBe('invalid_resource');
    expect(unknown.searchParams.get('error_description')).toMatch(/^AADSTS500011: The resource principal named http:\/\/127\.0\.0\.1:9 was not found in the tenant/);
    expect(unknown.searchParams.get('state')).toBe('s-1');

    const noResource = await authorize({ scope: 'openid offline_access' });
    expect(noResource.searchParams.get('error')).toBe('invalid_scope');

    const twoResources = await authorize({ scope: `${sandbox.environment('contoso').url}/.default ${sandbox.environment('fabrikam').url}/.default` });
    expect(twoResources.searchParams.get('error_description')).toMatch(/^AADSTS28000:/);

    const badTenant = await fetch(`${sandbox.url}/not-a-tenant/oauth2/v2.0/authorize?client_id=${CLIENT.client_id}`);
    expect(badTenant.status).toBe(400);
  });

  it('without offline_access the answer has no refresh token, and a code works once', async () => {
    const environment = sandbox.environment();
    const back = await authorize({ scope: `${environment.url}/user_impersonation` }, sandbox.tenantId);
    const code = back.searchParams.get('code') ?? '';
    const first = await token(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, sandbox.tenantId);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toBeUndefined();
    const reused = await token(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, sandbox.tenantId);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('hands out a new refresh token on every refresh, the old one still usable, and mints for the environment the scope names', async () => {
    const grant = sandbox.issueGrant({ environment: 'contoso' });
    const first = await token(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken, scope: scopeFor(sandbox.environment('contoso')) });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(grant.refreshToken);
    const withOld = await token(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken, scope: scopeFor(sandbox.environment('fabrikam')) });
    expect(withOld.status).toBe(200);
    expect(claims(withOld.body.access_token).aud).toBe(sandbox.environment('fabrikam').url);
    expect((await api(sandbox.environment('fabrikam'), withOld.body.access_token, 'WhoAmI')).status).toBe(200);
    expect(sandbox.stats().refreshes.map((r) => r.ok)).toEqual([true, true]);
  });

  it('answers invalid_grant with the AADSTS code and trace fields once the grant is revoked or the refresh token lapsed', async () => {
    const revoked = sandbox.issueGrant();
    sandbox.revokeGrant(revoked.grantId);
    const refused = await token(sandbox, { grant_type: 'refresh_token', refresh_token: revoked.refreshToken });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/^AADSTS50173: The provided grant has expired due to it being revoked.* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/),
      error_codes: [50173],
      timestamp: expect.any(String),
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
      error_uri: expect.any(String),
    });

    const idle = sandbox.issueGrant();
    sandbox.expireRefreshTokens();
    const lapsed = await token(sandbox, { grant_type: 'refresh_token', refresh_token: idle.refreshToken });
    expect(lapsed.body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });

    const badSecret = await token(sandbox, { grant_type: 'refresh_token', refresh_token: idle.refreshToken, client_secret: 'wrong' });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('access tokens expire after the configured lifetime (a mid-run expiry) and on expireSessions', async () => {
    await sandbox.close();
    sandbox = await startDynamicsSandbox({ accessTokenLifetimeMs: 300 });
    const grant = sandbox.issueGrant();
    const environment = sandbox.environment();
    expect((await api(environment, grant.accessToken, 'WhoAmI')).status).toBe(200);
    await sleep(400);
    expect((await api(environment, grant.accessToken, 'WhoAmI')).status).toBe(401);
    const refreshed = await token(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(refreshed.body.expires_in).toBe(0);
    sandbox.setOptions({ accessTokenLifetimeMs: 60_000 });
    const longer = await token(sandbox, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    expect((await api(environment, longer.body.access_token, 'WhoAmI')).status).toBe(200);
    sandbox.expireSessions();
    expect((await api(environment, longer.body.access_token, 'WhoAmI')).status).toBe(401);
  });

  it('the invalidGrant and tokenEndpointErrors knobs fail refreshes, then let them through', async () => {
    const grant = sandbox.issueGrant();
    sandbox.faults.tokenEndpointErrors({ count: 1, status: 503 });
    const unavailable = await token(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error).toBe('temporarily_unavailable');
    sandbox.faults.invalidGrant({ count: 1 });
    expect((await token(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).body.error_codes).toEqual([50173]);
    expect((await token(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(200);
  });
});
