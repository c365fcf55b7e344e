import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { decideConsent } from './http-client';
import { REDIRECT_URI, crm, read, refresh, sleep, token } from './zoho-client';

const SCOPES = 'ZohoCRM.modules.contacts.ALL,ZohoCRM.modules.accounts.ALL,ZohoCRM.settings.fields.READ,ZohoCRM.org.READ';

describe('Zoho sandbox: multi-DC OAuth', () => {
  let sandbox: ZohoSandbox;
  beforeEach(async () => {
    sandbox = await startZohoSandbox({ dataCentres: [{ location: 'us' }, { location: 'eu' }, { location: 'in' }], orgs: [{ name: 'zylker', location: 'us' }, { name: 'nordlicht', location: 'eu' }, { name: 'chennai-traders', location: 'in' }] });
  });
  afterEach(() => sandbox.close());

  /** Authorize at the US accounts server through the consent page; returns where the browser is sent back to. */
  async function authorize(query: Record<string, string>, accountsServer = sandbox.dataCentre('us').accountsUrl): Promise<URL> {
    const search = new URLSearchParams({ scope: SCOPES, client_id: sandbox.clientId, response_type: 'code', access_type: 'offline', redirect_uri: REDIRECT_URI, state: 's-1', ...query });
    const page = await fetch(`${accountsServer}/oauth/v2/auth?${search}`, { redirect: 'manual' });
    if (page.status === 302) return new URL(page.headers.get('location') ?? '');
    expect(page.status).toBe(200);
    const html = await page.text();
    const decided = await decideConsent(`${accountsServer}/oauth/v2/auth`, html, 'allow');
    expect(decided.status).toBe(302);
    return new URL(decided.headers.get('location') ?? '');
  }

  const exchange = (accountsServer: string, code: string) => token(sandbox, accountsServer, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });

  it('lands a EU user on the EU data centre: the redirect names it, the code works only there, and the token answer names the EU API domain', async () => {
    const eu = sandbox.dataCentre('eu');
    const back = await authorize({ prompt: 'consent', sandbox_account: 'nordlicht' });
    expect(back.searchParams.get('state')).toBe('s-1');
    expect(back.searchParams.get('location')).toBe('eu');
    expect(back.searchParams.get('accounts-server')).toBe(eu.accountsUrl);
    const code = back.searchParams.get('code') ?? '';
    expect(code).toMatch(/^1000\./);

    // At the US accounts server the EU code is unknown: HTTP 200 with only an error, and the code is not spent.
    const atUs = await exchange(sandbox.dataCentre('us').accountsUrl, code);
    expect(atUs.status).toBe(200);
    expect(atUs.body).toEqual({ error: 'invalid_code' });

    const atEu = await exchange(eu.accountsUrl, code);
    expect(atEu.status).toBe(200);
    expect(atEu.body).toEqual({
      access_token: expect.stringMatching(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/),
      refresh_token: expect.stringMatching(/^1000\./),
      scope: SCOPES.split(',').join(' '),
      api_domain: eu.apiUrl,
      token_type: 'Bearer',
      expires_in: 3600,
    });
    const org = await crm(atEu.body.api_domain, atEu.body.access_token, 'org');
    expect(org.status).toBe(200);
    expect(org.body.org[0]).toMatchObject({ id: sandbox.org('nordlicht').orgId, domain_name: 'nordlicht', time_zone: 'Europe/Berlin' });

    // The code worked once.
    expect((await exchange(eu.accountsUrl, code)).body).toEqual({ error: 'invalid_code' });
  });

  it('confines tokens to their data centre: another DC\'s API answers 401 INVALID_TOKEN, another DC\'s accounts server invalid_code', async () => {
    const grant = sandbox.issueGrant({ org: 'chennai-traders' });
    expect(grant.location).toBe('in');
    for (const location of ['us', 'eu']) {
      const elsewhere = await crm(sandbox.dataCentre(location).apiUrl, grant.accessToken, 'org');
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.body).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
      expect((await refresh(sandbox, sandbox.dataCentre(location).accountsUrl, grant.refreshToken)).body).toEqual({ error: 'invalid_code' });
    }
    expect((await crm(grant.apiDomain, grant.accessToken, 'org')).status).toBe(200);
    const refreshed = await refresh(sandbox, grant.accountsServer, grant.refreshToken);
    expect(refreshed.body).toEqual({ access_token: expect.any(String), scope: expect.any(String), api_domain: grant.apiDomain, token_type: 'Bearer', expires_in: 3600 });
    // Two orgs, one token each: each token reads its own org.
    const us = sandbox.issueGrant({ org: 'zylker' });
    expect((await crm(us.apiDomain, us.accessToken, 'org')).body.org[0].id).toBe(sandbox.org('zylker').orgId);
  });

  it('gives a refresh token only on the first offline grant or with prompt=consent, and never on a refresh', async () => {
    const us = sandbox.dataCentre('us').accountsUrl;
    const first = await exchange(us, (await authorize({})).searchParams.get('code') ?? '');
    expect(first.body.refresh_token).toBeDefined();
    const again = await exchange(us, (await authorize({})).searchParams.get('code') ?? '');
    expect(again.body.access_token).toBeDefined();
    expect(again.body.refresh_token).toBeUndefined();
    const consented = await exchange(us, (await authorize({ prompt: 'consent' })).searchParams.get('code') ?? '');
    expect(consented.body.refresh_token).toBeDefined();
    expect(consented.body.refresh_token).not.toBe(first.body.refresh_token);
    const online = await exchange(us, (await authorize({ access_type: 'online', prompt: 'consent' })).searchParams.get('code') ?? '');
    expect(online.body.refresh_token).toBeUndefined();
    expect((await refresh(sandbox, us, first.body.refresh_token)).body.refresh_token).toBeUndefined();
    expect(sandbox.org('zylker').tokens().refreshTokens).toHaveLength(2);
  });

  it('answers token endpoint mistakes with HTTP 200 and an error, never an access token', async () => {
    const us = sandbox.dataCentre('us').accountsUrl;
    const code = (await authorize({})).searchParams.get('code') ?? '';
    expect((await token(sandbox, us, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_secret: 'wrong' })).body).toEqual({ error: 'invalid_client' });
    expect((await token(sandbox, us, { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/elsewhere' })).body).toEqual({ error: 'invalid_redirect_uri' });
    expect((await token(sandbox, us, { grant_type: 'password' })).body).toEqual({ error: 'unsupported_grant_type' });
    const unknown = await refresh(sandbox, us, '1000.0000.0000');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ error: 'invalid_code' });
    const grant = sandbox.issueGrant();
    const revoked = await read(await fetch(`${us}/oauth/v2/token/revoke?token=${grant.refreshToken}`, { method: 'POST' }));
    expect(revoked.body).toEqual({ status: 'success' });
    expect((await refresh(sandbox, us, grant.refreshToken)).body).toEqual({ error: 'invalid_code' });
    expect((await crm(grant.apiDomain, grant.accessToken, 'org')).status).toBe(401);
    expect(sandbox.stats().tokenErrors).toMatchObject({ invalid_client: 1, invalid_redirect_uri: 1, unsupported_grant_type: 1, invalid_code: 2 });
  });

  it('takes parameters in the query string of the POST, as Zoho\'s own examples send them', async () => {
    const grant = sandbox.issueGrant();
    const search = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: sandbox.clientId, client_secret: sandbox.clientSecret });
    const answer = await read(await fetch(`${grant.accountsServer}/oauth/v2/token?${search}`, { method: 'POST' }));
    expect(answer.body.access_token).toBeDefined();
  });

  it('requires the Zoho-oauthtoken scheme (Bearer only when configured) and the scope a call needs', async () => {
    const grant = sandbox.issueGrant({ scopes: ['ZohoCRM.modules.contacts.READ'] });
    const bearer = await crm(grant.apiDomain, grant.accessToken, 'Contacts?fields=Last_Name', { scheme: 'Bearer' });
    expect(bearer.status).toBe(401);
    expect(bearer.body.code).toBe('AUTHENTICATION_FAILURE');
    sandbox.setOptions({ acceptBearer: true });
    expect((await crm(grant.apiDomain, grant.accessToken, 'Contacts?fields=Last_Name', { scheme: 'Bearer' })).status).toBe(204);
    const accounts = await crm(grant.apiDomain, grant.accessToken, 'Accounts?fields=Account_Name');
    expect(accounts.status).toBe(401);
    expect(accounts.body).toEqual({ code: 'OAUTH_SCOPE_MISMATCH', details: {}, message: 'Unauthorized', status: 'error' });
    const write = await crm(grant.apiDomain, grant.accessToken, 'Contacts', { method: 'POST', body: { data: [{ Last_Name: 'Nope' }] } });
    expect(write.body.code).toBe('OAUTH_SCOPE_MISMATCH');
    expect(sandbox.org().records('Contacts')).toEqual([]);
  });

  it('refuses at authorize comma-less or malformed scopes, an unknown client, and a denied consent', async () => {
    const bad = await authorize({ scope: 'ZohoCRM.modules.ALL ZohoCRM.org.READ' });
    expect(bad.searchParams.get('error')).toBe('invalid_scope');
    expect(bad.searchParams.get('state')).toBe('s-1');
    const unknownClient = await fetch(`${sandbox.url}/oauth/v2/auth?client_id=1000.NOPE&response_type=code&scope=${SCOPES}&redirect_uri=${REDIRECT_URI}`, { redirect: 'manual' });
    expect(unknownClient.status).toBe(400);
    const page = await fetch(`${sandbox.url}/oauth/v2/auth?${new URLSearchParams({ scope: SCOPES, client_id: sandbox.clientId, response_type: 'code', redirect_uri: REDIRECT_URI, state: 'deny-me' })}`);
    const html = await page.text();
    expect(html).toContain('integration@zylker.example.com');
    expect(html).toContain('sandbox_account=nordlicht');
    const denied = await decideConsent(`${sandbox.url}/oauth/v2/auth`, html, 'deny');
    const back = new URL(denied.headers.get('location') ?? '');
    expect([back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('code')]).toEqual(['access_denied', 'deny-me', null]);
  });

  it('expires access tokens after the configured lifetime and on expireSessions; grant codes after theirs', async () => {
    await sandbox.close();
    sandbox = await startZohoSandbox({ accessTokenLifetimeMs: 1000, codeLifetimeMs: 1000, autoConsent: true });
    const grant = sandbox.issueGrant();
    expect(grant.expiresIn).toBe(1);
    expect((await crm(grant.apiDomain, grant.accessToken, 'org')).status).toBe(200);
    const code = (await authorize({})).searchParams.get('code') ?? '';
    await sleep(1100);
    expect((await crm(grant.apiDomain, grant.accessToken, 'org')).body.code).toBe('INVALID_TOKEN');
    expect((await exchange(grant.accountsServer, code)).body).toEqual({ error: 'invalid_code' });
    sandbox.setOptions({ accessTokenLifetimeMs: 60_000 });
    const fresh = await refresh(sandbox, grant.accountsServer, grant.refreshToken);
    expect(fresh.body.expires_in).toBe(60);
    expect((await crm(grant.apiDomain, fresh.body.access_token, 'org')).status).toBe(200);
    sandbox.expireSessions();
    expect((await crm(grant.apiDomain, fresh.body.access_token, 'org')).status).toBe(401);
  });
});
