// Installs (grants: one user in one company, holding the refresh token) and the access tokens they issue. A refresh
// token dies after 60 days unused; whether a refresh rotates it is unconfirmed upstream, so it is a switch.
import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '../common/clock';

export interface Grant {
  id: string;
  clientId: string;
  /** The company's domain: its tokens work on its host only. */
  company: string;
  companyId: number;
  userId: number;
  scopes: string[];
  /** The refresh token that works now. */
  refreshToken: string;
  refreshLastUsedMs: number;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grantId: string;
  issuedAt: number;
  expiresAt: number;
  ended: boolean;
}

export type RefreshOutcome =
  | { ok: true; grant: Grant; access: AccessToken }
  | { ok: false; reason: 'unknown' | 'revoked' | 'exchanged' | 'idle' | 'client_mismatch' };

export type AuthenticateOutcome = { ok: true; access: AccessToken; grant: Grant } | { ok: false; reason: 'unknown' | 'expired' };

export class SessionStore {
  private readonly grants = new Map<string, Grant>();
  /** Every refresh token ever issued, so a rotated-out one is still attributed to its grant (and refused). */
  private readonly refreshTokens = new Map<string, string>();
  private readonly tokens = new Map<string, AccessToken>();
  private sequence = 0;

  constructor(private readonly clock: SandboxClock) {}

  createGrant(grant: Omit<Grant, 'id' | 'refreshToken' | 'refreshLastUsedMs' | 'revoked'>, lifetimeMs: number): { grant: Grant; access: AccessToken } {
    const created: Grant = { ...grant, id: `grant-${++this.sequence}`, refreshToken: '', refreshLastUsedMs: this.clock.now(), revoked: false };
    this.grants.set(created.id, created);
    this.issueRefreshToken(created);
    return { grant: created, access: this.issue(created, lifetimeMs) };
  }

  /** Each use restarts the idle time; with `rotate` the old refresh token is spent and a new one takes its place. */
  refresh(refreshToken: string, clientId: string, opts: { rotate: boolean; idleMs: number; lifetimeMs: number }): RefreshOutcome {
    const grant = this.grants.get(this.refreshTokens.get(refreshToken) ?? '');
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (grant.refreshToken !== refreshToken) return { ok: false, reason: 'exchanged' };
    if (grant.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    const now = this.clock.now();
    if (now - grant.refreshLastUsedMs > opts.idleMs) return { ok: false, reason: 'idle' };
    grant.refreshLastUsedMs = now;
    if (opts.rotate) this.issueRefreshToken(grant);
    return { ok: true, grant, access: this.issue(grant, opts.lifetimeMs) };
  }

  grantIdOfRefreshToken(refreshToken: string): string | undefined {
    return this.refreshTokens.get(refreshToken);
  }

  grant(grantId: string): Grant | undefined {
    return this.grants.get(grantId);
  }

  authenticate(token: string): AuthenticateOutcome {
    const access = this.tokens.get(token);
    const grant = access ? this.grants.get(access.grantId) : undefined;
    if (!access || !grant || grant.revoked) return { ok: false, reason: 'unknown' };
    if (access.ended || this.clock.now() >= access.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, access, grant };
  }

  /** Uninstalling the app (revoking the refresh token, or the control API): every token of the grant stops working. */
  revoke(grantIdOrToken: string): Grant | undefined {
    const grantId = this.grants.has(grantIdOrToken) ? grantIdOrToken : (this.refreshTokens.get(grantIdOrToken) ?? this.tokens.get(grantIdOrToken)?.grantId);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant) return undefined;
    grant.revoked = true;
    return grant;
  }

  /** Revoking just one access token (`token_type_hint=access_token`): the grant lives on. */
  endAccessToken(token: string): boolean {
    const access = this.tokens.get(token);
    if (!access) return false;
    access.ended = true;
    return true;
  }

  expireAll(): void {
    for (const access of this.tokens.values()) access.ended = true;
  }

  private issueRefreshToken(grant: Grant): void {
    // Pipedrive refresh tokens read `{companyId}:{userId}:{hex}`.
    grant.refreshToken = `${grant.companyId}:${grant.userId}:${randomBytes(20).toString('hex')}`;
    this.refreshTokens.set(grant.refreshToken, grant.id);
  }

  private issue(grant: Grant, lifetimeMs: number): AccessToken {
    const issuedAt = this.clock.now();
    const access: AccessToken = { token: `v1u:${randomBytes(96).toString('base64url')}`, grantId: grant.id, issuedAt, expiresAt: issuedAt + lifetimeMs, ended: false };
    this.tokens.set(access.token, access);
    return access;
  }
}
