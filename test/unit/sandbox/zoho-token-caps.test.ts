import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { crm, refresh } from './zoho-client';

describe('Zoho sandbox: token caps and token fault knobs', () => {
  let sandbox: ZohoSandbox;
  afterEach(() => sandbox.close());

  it('caps refresh tokens per user and client: the next one deletes the oldest and its access tokens', async () => {
    sandbox = await startZohoSandbox({ maxRefreshTokensPerUser: 3 });
    const grants = [1, 2, 3].map(() => sandbox.issueGrant());
    expect(sandbox.org().tokens().refreshTokens.map((rt) => rt.id)).toEqual(grants.map((g) => g.refreshTokenId));
    const fourth = sandbox.issueGrant();
    expect(sandbox.org().tokens().refreshTokens.map((rt) => rt.id)).toEqual([grants[1].refreshTokenId, grants[2].refreshTokenId, fourth.refreshTokenId]);
    expect((await refresh(sandbox, grants[0].accountsServer, grants[0].refreshToken)).body).toEqual({ error: 'invalid_code' });
    expect((await crm(grants[0].apiDomain, grants[0].accessToken, 'org')).body.code).toBe('INVALID_TOKEN');
    expect((await crm(grants[1].apiDomain, grants[1].accessToken, 'org')).status).toBe(200);
    // Another user's tokens do not count against this user's cap.
    sandbox.issueGrant({ org: 'nordlicht' });
    expect(sandbox.org().tokens().refreshTokens).toHaveLength(3);
  });

  it('caps live access tokens per refresh token: the next one ends the oldest', async () => {
    sandbox = await startZohoSandbox({ maxAccessTokensPerRefreshToken: 2 });
    const grant = sandbox.issueGrant();
    const second = await refresh(sandbox, grant.accountsServer, grant.refreshToken);
    expect((await crm(grant.apiDomain, grant.accessToken, 'org')).status).toBe(200);
    const third = await refresh(sandbox, grant.accountsServer, grant.refreshToken);
    expect((await crm(grant.apiDomain, grant.accessToken, 'org')).body).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    expect((await crm(grant.apiDomain, second.body.access_token, 'org')).status).toBe(200);
    expect((await crm(grant.apiDomain, third.body.access_token, 'org')).status).toBe(200);
    expect(sandbox.org().tokens().refreshTokens[0].liveAccessTokens).toBe(2);
  });

  it('allows N mints per refresh token per window, then answers "Access Denied" until the window passes', async () => {
    sandbox = await startZohoSandbox({ maxTokenMintsPerWindow: 3, tokenMintWindowMs: 1500 });
    const grant = sandbox.issueGrant();
    // The grant's own access token counts: two refreshes fit in the window, the third does not.
    expect((await refresh(sandbox, grant.accountsServer, grant.refreshToken)).body.access_token).toBeDefined();
    expect((await refresh(sandbox, grant.accountsServer, grant.refreshToken)).body.access_token).toBeDefined();
    const denied = await refresh(sandbox, grant.accountsServer, grant.refreshToken);
    expect(denied.status).toBe(200);
    expect(denied.body).toEqual({ error: 'Access Denied' });
    // Another refresh token of the same user has its own window.
    const other = sandbox.issueGrant();
    expect((await refresh(sandbox, other.accountsServer, other.refreshToken)).body.access_token).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await refresh(sandbox, grant.accountsServer, grant.refreshToken)).body.access_token).toBeDefined();
    expect(sandbox.stats().refreshes.filter((r) => !r.ok)).toEqual([{ refreshTokenId: grant.refreshTokenId, ok: false, error: 'Access Denied', at: expect.any(Number) }]);
    sandbox.setOptions({ accessDeniedStatus: 400 });
    sandbox.faults.accessDenied({ count: 1 });
    const knob = await refresh(sandbox, other.accountsServer, other.refreshToken);
    expect([knob.status, knob.body]).toEqual([400, { error: 'Access Denied' }]);
  });

  it('invalidGrant and tokenEndpointErrors fail the next refreshes, then let them through', async () => {
    sandbox = await startZohoSandbox();
    const grant = sandbox.issueGrant();
    sandbox.faults.tokenEndpointErrors({ count: 1, status: 503 });
    const unavailable = await refresh(sandbox, grant.accountsServer, grant.refreshToken);
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.access_token).toBeUndefined();
    sandbox.faults.invalidGrant({ count: 2 });
    expect((await refresh(sandbox, grant.accountsServer, grant.refreshToken)).body).toEqual({ error: 'invalid_code' });
    expect((await refresh(sandbox, grant.accountsServer, grant.refreshToken)).body).toEqual({ error: 'invalid_code' });
    expect((await refresh(sandbox, grant.accountsServer, grant.refreshToken)).body.access_token).toBeDefined();
    expect(sandbox.stats().tokenErrors).toEqual({ server_error: 1, invalid_code: 2 });
  });
});
