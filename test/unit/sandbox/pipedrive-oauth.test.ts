import { startPipedriveSandbox, type PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { decideConsent } from './http-client';
import { PIPEDRIVE_CLIENT, REDIRECT_URI, authorizationCode, basicAuth, pdApi, pdToken } from './pipedrive-client';

const DAY_MS = 86_400_000;

describe('Pipedrive sandbox OAuth', () => {
  let sandbox: PipedriveSandbox;
  beforeEach(async () => {
    sandbox = await startPipedriveSandbox({ companies: [{ domain: 'acme' }, { domain: 'globex' }], autoConsent: true });
  });
  afterEach(() => sandbox.close());

  it('installs through a consent page without a scope parameter and answers the company api_domain with the app scopes', async () => {
    sandbox.setOptions({ autoConsent: false, signInCompany: 'globex' });
    const page = await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ client_id: PIPEDRIVE_CLIENT.id, redirect_uri: REDIRECT_URI, state: 's1' })}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Globex Ltd');
    const decided = await decideConsent(`${sandbox.url}/oauth/authorize`, html, 'allow');
    const back = new URL(decided.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('s1');

    const tokens = await pdToken(sandbox, { grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: REDIRECT_URI });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3599,
      refresh_token: expect.any(String),
      scope: 'base,contacts:full,search:read,admin,users:read',
      api_domain: sandbox.apiDomain('globex'),
    });
    expect(tokens.body.api_domain).not.toBe(sandbox.apiDomain('acme'));
    const me = await pdApi(tokens.body.api_domain, 'GET', '/api/v1/users/me', tokens.body.access_token);
    expect(me.body.data).toMatchObject({ company_id: sandbox.companies[1].id, company_domain: 'globex', id: sandbox.companies[1].adminUserId });
  });

  it('sends the user back with an error when they cancel', async () => {
    sandbox.setOptions({ autoConsent: false });
    const page = await (await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ client_id: PIPEDRIVE_CLIENT.id, redirect_uri: REDIRECT_URI, state: 's2' })}`)).text();
    const decided = await decideConsent(`${sandbox.url}/oauth/authorize`, page, 'deny');
    const back = new URL(decided.headers.get('location') ?? '');
    expect(back.searchParams.get('error')).toBe('user_denied');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('lets a consent page expire on the sandbox clock, as codes do', async () => {
    sandbox.setOptions({ autoConsent: false });
    const page = await (await fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ client_id: PIPEDRIVE_CLIENT.id, redirect_uri: REDIRECT_URI, state: 's3' })}`)).text();
    sandbox.advanceClock(5 * 60_000 + 1000);
    const decided = await decideConsent(`${sandbox.url}/oauth/authorize`, page, 'allow');
    expect(decided.status).toBe(400);
    expect(decided.headers.get('location')).toBeNull();
    expect(decided.text).toContain('This install link expired');
  });

  it('takes client credentials only by HTTP Basic, and only a form body', async () => {
    const code = await authorizationCode(sandbox);
    const inBody = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: PIPEDRIVE_CLIENT.id, client_secret: PIPEDRIVE_CLIENT.secret }).toString(),
    });
    expect(inBody.status).toBe(400);
    expect(await inBody.json()).toMatchObject({ success: false, message: 'Invalid client: cannot retrieve client credentials' });

    const wrongSecret = await pdToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: basicAuth(PIPEDRIVE_CLIENT.id, 'nope') });
    expect(wrongSecret.body.message).toBe('Invalid client: client is invalid');

    const json = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(PIPEDRIVE_CLIENT.id, PIPEDRIVE_CLIENT.secret) },
      body: JSON.stringify({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toBe('Invalid request: content must be application/x-www-form-urlencoded');

    // None of the refused attempts spent the code.
    expect((await pdToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).status).toBe(200);
  });

  it('spends a code on its first use and lets it expire after 5 minutes', async () => {
    const code = await authorizationCode(sandbox);
    expect((await pdToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).status).toBe(200);
    const reused = await pdToken(sandbox, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ success: false, error: 'invalid_grant', message: 'Invalid grant: authorization_code is invalid' });

    const late = await authorizationCode(sandbox);
    sandbox.advanceClock(5 * 60_000 + 1000);
    const expired = await pdToken(sandbox, { grant_type: 'authorization_code', code: late, redirect_uri: REDIRECT_URI });
    expect(expired.status).toBe(400);
    expect(expired.body.message).toBe('Invalid grant: authorization_code has expired');

    const fresh = await authorizationCode(sandbox);
    sandbox.advanceClock(4 * 60_000);
    expect((await pdToken(sandbox, { grant_type: 'authorization_code', code: fresh, redirect_uri: REDIRECT_URI })).status).toBe(200);
  });

  it('keeps the refresh token on refresh by default, and rotates it (killing the old one) when switched on', async () => {
    const grant = sandbox.issueGrant();
    const first = await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toBe(grant.refreshToken);
    expect(first.body.api_domain).toBe(sandbox.apiDomain('acme'));
    expect(first.body.access_token).not.toBe(grant.accessToken);

    sandbox.setOptions({ rotateRefreshTokens: true });
    const rotated = await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(rotated.body.refresh_token).not.toBe(grant.refreshToken);
    const old = await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(old.status).toBe(400);
    expect(old.body.message).toBe('Invalid grant: refresh_token is invalid');
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token })).status).toBe(200);
    expect(sandbox.stats().refreshes.map((refresh) => refresh.ok)).toEqual([true, true, false, true]);
  });

  it('lets a refresh token die after 60 days unused, each use starting the 60 days again', async () => {
    const grant = sandbox.issueGrant();
    sandbox.advanceClock(59 * DAY_MS);
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(200);
    sandbox.advanceClock(59 * DAY_MS);
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(200);
    sandbox.advanceClock(60 * DAY_MS + 1000);
    const dead = await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    expect(dead.status).toBe(400);
    expect(dead.body.message).toBe('Invalid grant: refresh_token is invalid');
  });

  it('expires access tokens after expires_in, and revoking the refresh token uninstalls the app', async () => {
    const grant = sandbox.issueGrant();
    expect((await pdApi(grant.apiDomain, 'GET', '/api/v1/users/me', grant.accessToken)).status).toBe(200);
    sandbox.advanceClock(3_599_000);
    const expired = await pdApi(grant.apiDomain, 'GET', '/api/v1/users/me', grant.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ success: false, error: 'unauthorized access', errorCode: 401, error_info: 'Please check developers.pipedrive.com' });

    const refreshed = await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
    const revoked = await fetch(`${sandbox.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(PIPEDRIVE_CLIENT.id, PIPEDRIVE_CLIENT.secret) },
      body: new URLSearchParams({ token: grant.refreshToken, token_type_hint: 'refresh_token' }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect((await pdApi(grant.apiDomain, 'GET', '/api/v1/users/me', refreshed.body.access_token)).status).toBe(401);
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).body.message).toBe('Invalid grant: refresh_token is invalid');
  });

  it('answers invalid_grant on the invalidGrant knob and 5xx on tokenEndpointErrors, then recovers', async () => {
    const grant = sandbox.issueGrant();
    sandbox.faults.invalidGrant({ count: 1 });
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(400);
    sandbox.faults.tokenEndpointErrors({ count: 1, status: 503 });
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(503);
    expect((await pdToken(sandbox, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).status).toBe(200);
  });
});
