import { createHmac } from 'node:crypto';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server';
import { decideConsent } from './http-client';
import { API, CLIENT, REDIRECT_URI, authorizationCode, get, pkcePair, postForm, query, refresh } from './sandbox-client';

describe('Salesforce sandbox OAuth', () => {
  let sandbox: SalesforceSandbox;

  beforeEach(async () => {
    sandbox = await startSalesforceSandbox({ autoConsent: true });
  });
  afterEach(() => sandbox.close());

  const exchange = (code: string, extra: Record<string, string> = {}) =>
    postForm(sandbox, '/services/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...CLIENT, ...extra });

  it('shows a consent page whose Allow button redirects with a code and the state', async () => {
    sandbox.setOptions({ autoConsent: false });
    const page = await get(sandbox, `/services/oauth2/authorize?response_type=code&client_id=${CLIENT.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&state=s1`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toMatch(/Allow/);
    expect(page.text).toMatch(/Deny/);
    const allowed = await decideConsent(`${sandbox.url}/services/oauth2/authorize`, page.text, 'allow');
    expect(allowed.status).toBe(302);
    const location = new URL(allowed.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeTruthy();
    expect((await exchange(location.searchParams.get('code') ?? '')).status).toBe(200);
  });

  it('redirects with access_denied when the user clicks Deny', async () => {
    sandbox.setOptions({ autoConsent: false });
    const page = await get(sandbox, `/services/oauth2/authorize?response_type=code&client_id=${CLIENT.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&state=s2`);
    const denied = await decideConsent(`${sandbox.url}/services/oauth2/authorize`, page.text, 'deny');
    const location = new URL(denied.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('s2');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('refuses authorize without a known client_id or a redirect_uri', async () => {
    expect((await get(sandbox, `/services/oauth2/authorize?response_type=code&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`)).status).toBe(400);
    expect((await get(sandbox, `/services/oauth2/authorize?response_type=code&client_id=other&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`)).body.error).toBe('invalid_client_id');
    expect((await get(sandbox, `/services/oauth2/authorize?response_type=code&client_id=${CLIENT.client_id}`)).status).toBe(400);
  });

  it('exchanges a code for Salesforce-shaped tokens with a valid signature and no expires_in', async () => {
    const body = (await exchange(await authorizationCode(sandbox))).body;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'id', 'instance_url', 'issued_at', 'refresh_token', 'scope', 'signature', 'token_type']);
    expect(body.expires_in).toBeUndefined();
    expect(body.instance_url).toBe(sandbox.url);
    expect(body.token_type).toBe('Bearer');
    expect(body.id).toMatch(new RegExp(`^${sandbox.url}/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}$`));
    expect(body.issued_at).toMatch(/^\d{13}$/);
    expect(body.signature).toBe(createHmac('sha256', CLIENT.client_secret).update(body.id + body.issued_at).digest('base64'));
    expect((await query(sandbox, body.access_token, 'SELECT Id FROM Contact')).status).toBe(200);
  });

  it('accepts client credentials by HTTP Basic too', async () => {
    const code = await authorizationCode(sandbox);
    const basic = Buffer.from(`${CLIENT.client_id}:${CLIENT.client_secret}`).toString('base64');
    const result = await postForm(sandbox, '/services/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: `Basic ${basic}` });
    expect(result.status).toBe(200);
  });

  it('omits the refresh token when the scope asks for none', async () => {
    const body = (await exchange(await authorizationCode(sandbox, { scope: 'api' }))).body;
    expect(body.access_token).toBeTruthy();
    expect(body.refresh_token).toBeUndefined();
    expect((await exchange(await authorizationCode(sandbox, { scope: 'api offline_access' }))).body.refresh_token).toBeTruthy();
  });

  it('uses a code once only', async () => {
    const code = await authorizationCode(sandbox);
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
  });

  it('binds a code to its PKCE challenge and redirect_uri', async () => {
    const { verifier, challenge } = pkcePair();
    const mismatch = await exchange(await authorizationCode(sandbox, { code_challenge: challenge, code_challenge_method: 'S256' }), { code_verifier: pkcePair().verifier });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toBe('invalid_grant');
    const missing = await exchange(await authorizationCode(sandbox, { code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(missing.body.error).toBe('invalid_grant');
    const wrongRedirect = await exchange(await authorizationCode(sandbox, { code_challenge: challenge }), { code_verifier: verifier, redirect_uri: 'http://localhost:3000/elsewhere' });
    expect(wrongRedirect.body.error).toBe('invalid_grant');
    const ok = await exchange(await authorizationCode(sandbox, { code_challenge: challenge, code_challenge_method: 'S256' }), { code_verifier: verifier });
    expect(ok.status).toBe(200);
  });

  it('answers wrong client credentials with invalid_client_id / invalid_client', async () => {
    const code = await authorizationCode(sandbox);
    const unknownClient = await exchange(code, { client_id: 'nope' });
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.body.error).toBe('invalid_client_id');
    const wrongSecret = await exchange(code, { client_secret: 'wrong' });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error).toBe('invalid_client');
    const basic = Buffer.from(`${CLIENT.client_id}:wrong`).toString('base64');
    const basicWrong = await postForm(sandbox, '/services/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }, { authorization: `Basic ${basic}` });
    expect(basicWrong.status).toBe(401);
    expect(basicWrong.body.error).toBe('invalid_client');
  });

  it('refresh without rotation returns a new access token, no refresh token, and keeps old access tokens working', async () => {
    const grant = sandbox.issueGrant();
    const first = await refresh(sandbox, grant.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toBeUndefined();
    expect(first.body.expires_in).toBeUndefined();
    expect(first.body.access_token).not.toBe(grant.accessToken);
    expect((await refresh(sandbox, grant.refreshToken)).status).toBe(200);
    expect((await query(sandbox, grant.accessToken, 'SELECT Id FROM Account')).status).toBe(200);
    expect((await query(sandbox, first.body.access_token, 'SELECT Id FROM Account')).status).toBe(200);
  });

  it('refresh with rotation ends the previous session and makes the used refresh token invalid', async () => {
    sandbox.setOptions({ rotateRefreshTokens: true });
    const grant = sandbox.issueGrant();
    const rotated = await refresh(sandbox, grant.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toBeTruthy();
    expect(rotated.body.refresh_token).not.toBe(grant.refreshToken);
    const old = await query(sandbox, grant.accessToken, 'SELECT Id FROM Account');
    expect(old.status).toBe(401);
    expect(old.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect((await query(sandbox, rotated.body.access_token, 'SELECT Id FROM Account')).status).toBe(200);
    const reused = await refresh(sandbox, grant.refreshToken);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    expect((await refresh(sandbox, rotated.body.refresh_token)).status).toBe(200);
  });

  it('answers invalid_grant for unknown and revoked refresh tokens', async () => {
    expect((await refresh(sandbox, 'made-up')).body).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const grant = sandbox.issueGrant();
    sandbox.revokeGrant(grant.grantId);
    expect((await refresh(sandbox, grant.refreshToken)).body.error).toBe('invalid_grant');
    expect((await query(sandbox, grant.accessToken, 'SELECT Id FROM Contact')).status).toBe(401);
  });

  it('revokes a grant through /revoke with either token', async () => {
    const byRefresh = sandbox.issueGrant();
    expect((await postForm(sandbox, '/services/oauth2/revoke', { token: byRefresh.refreshToken })).status).toBe(200);
    expect((await refresh(sandbox, byRefresh.refreshToken)).body.error).toBe('invalid_grant');
    const byAccess = sandbox.issueGrant();
    expect((await postForm(sandbox, '/services/oauth2/revoke', { token: byAccess.accessToken })).status).toBe(200);
    expect((await refresh(sandbox, byAccess.refreshToken)).body.error).toBe('invalid_grant');
    expect((await postForm(sandbox, '/services/oauth2/revoke', { token: 'unknown' })).status).toBe(400);
  });

  it('introspects live access tokens with exp/iat in seconds and reports dead ones inactive', async () => {
    sandbox.setOptions({ sessionLifetimeMs: 60_000 });
    const grant = sandbox.issueGrant();
    const live = await postForm(sandbox, '/services/oauth2/introspect', { token: grant.accessToken, ...CLIENT });
    expect(live.body).toMatchObject({ active: true, client_id: CLIENT.client_id, token_type: 'access_token', scope: 'api refresh_token' });
    expect(live.body.exp - live.body.iat).toBe(60);
    expect(live.body.nbf).toBe(live.body.iat);
    expect(typeof live.body.username).toBe('string');
    sandbox.expireSessions();
    expect((await postForm(sandbox, '/services/oauth2/introspect', { token: grant.accessToken, ...CLIENT })).body).toEqual({ active: false });
    expect((await postForm(sandbox, '/services/oauth2/introspect', { token: grant.accessToken })).status).toBe(400);
  });

  it('serves the identity URL named in the token response', async () => {
    const body = (await exchange(await authorizationCode(sandbox))).body;
    const identity = await get(sandbox, new URL(body.id).pathname, body.access_token);
    expect(identity.status).toBe(200);
    expect(identity.body.id).toBe(body.id);
    expect((await get(sandbox, `${API}/limits`, body.access_token)).status).toBe(200);
  });
});
