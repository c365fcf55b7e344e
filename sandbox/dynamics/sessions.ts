// Grants (one per user consent), the refresh tokens they mint (a new one on every refresh, the old ones still good
// until they lapse) and access tokens: JWT-shaped, each for one environment (its `aud`), as Entra issues them.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Grant {
  id: string;
  clientId: string;
  issuedAt: number;
  /** Revocation (a password reset, an admin revoking sessions) kills every refresh token of the grant. */
  revokedAt: number | null;
}

interface RefreshToken {
  grantId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface AccessToken {
  token: string;
  grantId: string;
  /** The environment URL the token is for: Dataverse refuses it anywhere else. */
  audience: string;
  issuedAt: number;
  expiresAt: number;
  ended: boolean;
}

export type RefreshOutcome =
  | { ok: true; grant: Grant; access: AccessToken; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'client_mismatch'; grant?: Grant; issuedAt?: number };

export type Authentication = { ok: true; access: AccessToken; grant: Grant } | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'audience' };

/** The user every grant signs in as: one work account in the sandbox's tenant. */
export interface DirectoryUser {
  tenantId: string;
  objectId: string;
  upn: string;
  name: string;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class SessionStore {
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private sequence = 0;

  constructor(readonly user: DirectoryUser) {}

  createGrant(clientId: string, audience: string, lifetimes: { accessMs: number; refreshMs: number }, withRefreshToken: boolean): { grant: Grant; access: AccessToken; refreshToken: string | null } {
    const grant: Grant = { id: `grant-${++this.sequence}`, clientId, issuedAt: Date.now(), revokedAt: null };
    this.grants.set(grant.id, grant);
    return { grant, access: this.issueAccess(grant, audience, lifetimes.accessMs), refreshToken: withRefreshToken ? this.issueRefresh(grant, lifetimes.refreshMs) : null };
  }

  /** A refresh token is not tied to one resource: it mints tokens for whichever environment the request names. */
  refresh(token: string, clientId: string, audience: string, lifetimes: { accessMs: number; refreshMs: number }): RefreshOutcome {
    const known = this.refreshTokens.get(token);
    const grant = known ? this.grants.get(known.grantId) : undefined;
    if (!known || !grant) return { ok: false, reason: 'unknown' };
    if (grant.revokedAt !== null) return { ok: false, reason: 'revoked', grant };
    if (Date.now() >= known.expiresAt) return { ok: false, reason: 'expired', grant, issuedAt: known.issuedAt };
    if (grant.clientId !== clientId) return { ok: false, reason: 'client_mismatch', grant };
    return { ok: true, grant, access: this.issueAccess(grant, audience, lifetimes.accessMs), refreshToken: this.issueRefresh(grant, lifetimes.refreshMs) };
  }

  grantIdOfRefreshToken(token: string): string | undefined {
    return this.refreshTokens.get(token)?.grantId;
  }

  authenticate(token: string | null, audience: string, now = Date.now()): Authentication {
    if (!token) return { ok: false, reason: 'missing' };
    const access = this.accessTokens.get(token);
    const grant = access ? this.grants.get(access.grantId) : undefined;
    if (!access || !grant) return { ok: false, reason: 'invalid' };
    if (access.audience !== audience) return { ok: false, reason: 'audience' };
    // Revoking a grant does not recall access tokens already out: they work until they expire, as Entra's do.
    if (access.ended || now >= access.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, access, grant };
  }

  /** By grant id, refresh token or access token: every refresh token of the grant stops working. */
  revoke(grantIdOrToken: string): boolean {
    const grantId = this.grants.has(grantIdOrToken) ? grantIdOrToken : (this.refreshTokens.get(grantIdOrToken)?.grantId ?? this.accessTokens.get(grantIdOrToken)?.grantId);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant) return false;
    grant.revokedAt = Date.now();
    return true;
  }

  /** Every access token issued so far answers 401 from now on. */
  expireAccessTokens(): void {
    for (const access of this.accessTokens.values()) access.ended = true;
  }

  /** Every refresh token issued so far has lapsed (as after 90 idle days): refreshes answer AADSTS700082. */
  expireRefreshTokens(): void {
    const now = Date.now();
    for (const refresh of this.refreshTokens.values()) refresh.expiresAt = Math.min(refresh.expiresAt, now);
  }

  private issueRefresh(grant: Grant, lifetimeMs: number): string {
    // Entra refresh tokens are opaque and long; they start "0.A" and carry no readable claims.
    const token = `0.A${randomBytes(180).toString('base64url')}`;
    const issuedAt = Date.now();
    this.refreshTokens.set(token, { grantId: grant.id, issuedAt, expiresAt: issuedAt + lifetimeMs });
    return token;
  }

  private issueAccess(grant: Grant, audience: string, lifetimeMs: number): AccessToken {
    const issuedAt = Date.now();
    const seconds = Math.floor(issuedAt / 1000);
    // A v1 access token for the environment (Dataverse accepts v1 tokens): clients read `tid` and `exp` from it
    // without checking the signature, which only Dataverse can.
    const header = { typ: 'JWT', alg: 'RS256', kid: 'sandbox-signing-key' };
    const claims = {
      aud: audience,
      iss: `https://sts.windows.net/${this.user.tenantId}/`,
      iat: seconds,
      nbf: seconds,
      exp: seconds + Math.round(lifetimeMs / 1000),
      appid: grant.clientId,
      oid: this.user.objectId,
      tid: this.user.tenantId,
      scp: 'user_impersonation',
      upn: this.user.upn,
      name: this.user.name,
      uti: randomUUID(),
      ver: '1.0',
    };
    const token = `${base64url(header)}.${base64url(claims)}.${randomBytes(256).toString('base64url')}`;
    const access: AccessToken = { token, grantId: grant.id, audience, issuedAt, expiresAt: issuedAt + lifetimeMs, ended: false };
    this.accessTokens.set(token, access);
    return access;
  }

  /** An id token (only when `openid` was asked for): who signed in, in which tenant. */
  idToken(clientId: string, lifetimeMs: number): string {
    const seconds = Math.floor(Date.now() / 1000);
    const claims = {
      aud: clientId,
      iss: `https://login.microsoftonline.com/${this.user.tenantId}/v2.0`,
      iat: seconds,
      nbf: seconds,
      exp: seconds + Math.round(lifetimeMs / 1000),
      oid: this.user.objectId,
      tid: this.user.tenantId,
      preferred_username: this.user.upn,
      name: this.user.name,
      ver: '2.0',
    };
    return `${base64url({ typ: 'JWT', alg: 'RS256', kid: 'sandbox-signing-key' })}.${base64url(claims)}.${randomBytes(256).toString('base64url')}`;
  }
}
