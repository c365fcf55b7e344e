// Installs (grants, each holding one refresh token that never rotates) and the 30-minute access tokens they issue.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Grant {
  id: string;
  clientId: string;
  scopes: string[];
  /** The portal (account) the installing user chose. */
  hubId: number;
  refreshToken: string;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grantId: string;
  issuedAt: number;
  expiresAt: number;
  ended: boolean;
}

export class SessionStore {
  private readonly grants = new Map<string, Grant>();
  private readonly byRefreshToken = new Map<string, Grant>();
  private readonly tokens = new Map<string, AccessToken>();
  private sequence = 0;

  constructor(private readonly hubId: number) {}

  createGrant(clientId: string, scopes: string[], lifetimeMs: number, hubId = this.hubId): { grant: Grant; access: AccessToken } {
    // HubSpot refresh tokens look like `na1-xxxx-…`: a region and a UUID.
    const grant: Grant = { id: `grant-${++this.sequence}`, clientId, scopes, hubId, refreshToken: `na1-${randomUUID()}`, revoked: false };
    this.grants.set(grant.id, grant);
    this.byRefreshToken.set(grant.refreshToken, grant);
    return { grant, access: this.issue(grant, lifetimeMs) };
  }

  /** A new access token for a live refresh token; the refresh token itself stays the same (no rotation). */
  refresh(refreshToken: string, clientId: string, lifetimeMs: number): { grant: Grant; access: AccessToken } | null {
    const grant = this.byRefreshToken.get(refreshToken);
    if (!grant || grant.revoked || grant.clientId !== clientId) return null;
    return { grant, access: this.issue(grant, lifetimeMs) };
  }

  grantIdOfRefreshToken(refreshToken: string): string | undefined {
    return this.byRefreshToken.get(refreshToken)?.id;
  }

  /** A live access token with its grant, for the token-information endpoint. */
  describe(token: string, now = Date.now()): { access: AccessToken; grant: Grant } | null {
    const access = this.tokens.get(token);
    const grant = access ? this.grants.get(access.grantId) : undefined;
    if (!access || !grant || grant.revoked || access.ended || now >= access.expiresAt) return null;
    return { access, grant };
  }

  /** 'expired' and 'unknown' answer differently (EXPIRED_AUTHENTICATION vs INVALID_AUTHENTICATION). */
  authenticate(token: string, now = Date.now()): { ok: true; access: AccessToken } | { ok: false; reason: 'unknown' | 'expired' } {
    const access = this.tokens.get(token);
    const grant = access ? this.grants.get(access.grantId) : undefined;
    if (!access || !grant || grant.revoked) return { ok: false, reason: 'unknown' };
    if (access.ended || now >= access.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, access };
  }

  /** Uninstalling the app: every token of the grant stops working. */
  revoke(grantIdOrToken: string): boolean {
    const grant = this.grants.get(grantIdOrToken) ?? this.byRefreshToken.get(grantIdOrToken) ?? this.grants.get(this.tokens.get(grantIdOrToken)?.grantId ?? '');
    if (!grant) return false;
    grant.revoked = true;
    return true;
  }

  expireAll(): void {
    for (const access of this.tokens.values()) access.ended = true;
  }

  private issue(grant: Grant, lifetimeMs: number): AccessToken {
    const issuedAt = Date.now();
    // HubSpot access tokens are opaque, start with C and run to a few hundred characters.
    const access: AccessToken = { token: `CN${this.hubId}${randomBytes(96).toString('base64url')}`, grantId: grant.id, issuedAt, expiresAt: issuedAt + lifetimeMs, ended: false };
    this.tokens.set(access.token, access);
    return access;
  }
}
