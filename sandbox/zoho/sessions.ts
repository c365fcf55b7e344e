// Zoho Accounts' tokens: refresh tokens that never expire but are capped per user and client (the next one deletes
// the oldest and its access tokens), access tokens capped per refresh token (the next one ends the oldest) and
// minted at most N per window; every token belongs to its data centre and works nowhere else.
import { randomBytes } from 'node:crypto';

export interface TokenLimits {
  maxRefreshTokensPerUser: number;
  maxAccessTokensPerRefreshToken: number;
  maxTokenMintsPerWindow: number;
  tokenMintWindowMs: number;
}

export interface RefreshTokenRecord {
  token: string;
  /** `rt-N`, for stats and the control API (never the token itself). */
  id: string;
  /** The org whose user consented (one user per org). */
  org: string;
  clientId: string;
  scopes: string[];
  location: string;
  issuedAt: number;
  /** Deleted by revocation or by the per-user cap. */
  deleted: boolean;
  /** Access tokens minted from it, oldest first (ended and expired ones are dropped as new ones come). */
  accessTokens: AccessTokenRecord[];
  /** When its access tokens were minted, for the per-window cap. */
  mints: number[];
}

export interface AccessTokenRecord {
  token: string;
  refreshToken: RefreshTokenRecord | null;
  org: string;
  scopes: string[];
  location: string;
  issuedAt: number;
  expiresAt: number;
  ended: boolean;
}

export type RefreshOutcome = { ok: true; access: AccessTokenRecord; refreshToken: RefreshTokenRecord } | { ok: false; reason: 'unknown' | 'deleted' | 'other_dc' | 'client' | 'mint_limit'; refreshToken?: RefreshTokenRecord };

export type Authentication = { ok: true; access: AccessTokenRecord } | { ok: false; reason: 'unknown' | 'other_dc' | 'expired' | 'ended' };

/** Zoho's token shape: `1000.` then two hex runs. */
const newToken = () => `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;

export class SessionStore {
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private sequence = 0;

  constructor(private readonly limits: () => TokenLimits) {}

  /**
   * A code exchanged. A new refresh token comes only with an offline grant that forced consent, or the user's first
   * one for this client; otherwise the access token hangs off the user's newest refresh token, if any.
   */
  grant(input: { org: string; clientId: string; scopes: string[]; location: string; offline: boolean; forceConsent: boolean; accessMs: number }): { access: AccessTokenRecord; refreshToken: RefreshTokenRecord | null; newRefreshToken: boolean } {
    const existing = this.liveRefreshTokens(input.org, input.clientId);
    if (input.offline && (input.forceConsent || existing.length === 0)) {
      const refreshToken = this.issueRefreshToken(input);
      return { access: this.mint(refreshToken, input.accessMs), refreshToken, newRefreshToken: true };
    }
    const newest = input.offline ? existing[existing.length - 1] : undefined;
    if (newest) return { access: this.mint(newest, input.accessMs), refreshToken: newest, newRefreshToken: false };
    return { access: this.issueAccess(null, input.org, input.scopes, input.location, input.accessMs), refreshToken: null, newRefreshToken: false };
  }

  refresh(token: string, clientId: string, location: string, accessMs: number, now = Date.now()): RefreshOutcome {
    const refreshToken = this.refreshTokens.get(token);
    if (!refreshToken) return { ok: false, reason: 'unknown' };
    if (refreshToken.deleted) return { ok: false, reason: 'deleted', refreshToken };
    // Another data centre's accounts server has never heard of the token.
    if (refreshToken.location !== location) return { ok: false, reason: 'other_dc', refreshToken };
    if (refreshToken.clientId !== clientId) return { ok: false, reason: 'client', refreshToken };
    const { maxTokenMintsPerWindow, tokenMintWindowMs } = this.limits();
    refreshToken.mints = refreshToken.mints.filter((at) => at > now - tokenMintWindowMs);
    if (refreshToken.mints.length >= maxTokenMintsPerWindow) return { ok: false, reason: 'mint_limit', refreshToken };
    return { ok: true, access: this.mint(refreshToken, accessMs, now), refreshToken };
  }

  authenticate(token: string, location: string, now = Date.now()): Authentication {
    const access = this.accessTokens.get(token);
    if (!access) return { ok: false, reason: 'unknown' };
    if (access.location !== location) return { ok: false, reason: 'other_dc' };
    if (access.ended) return { ok: false, reason: 'ended' };
    if (now >= access.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, access };
  }

  /** Issues a refresh token as a consent would (the control API's `/grants`). */
  consent(input: { org: string; clientId: string; scopes: string[]; location: string; accessMs: number }): { access: AccessTokenRecord; refreshToken: RefreshTokenRecord } {
    const refreshToken = this.issueRefreshToken(input);
    return { access: this.mint(refreshToken, input.accessMs), refreshToken };
  }

  /** By refresh token, its id, or an access token (then its refresh token): deleted with all its access tokens. */
  revoke(tokenOrId: string): boolean {
    const refreshToken = this.refreshTokens.get(tokenOrId) ?? [...this.refreshTokens.values()].find((rt) => rt.id === tokenOrId) ?? this.accessTokens.get(tokenOrId)?.refreshToken ?? undefined;
    if (!refreshToken || refreshToken.deleted) return false;
    this.delete(refreshToken);
    return true;
  }

  refreshTokenIdOf(token: string): string | undefined {
    return this.refreshTokens.get(token)?.id;
  }

  /** Every access token issued so far answers INVALID_TOKEN from now on. */
  expireAccessTokens(): void {
    for (const access of this.accessTokens.values()) access.ended = true;
  }

  /** What one user holds for a client right now: live refresh tokens, and live access tokens on each. */
  holdings(org: string, clientId: string, now = Date.now()): { refreshTokens: { id: string; liveAccessTokens: number }[] } {
    return {
      refreshTokens: this.liveRefreshTokens(org, clientId).map((rt) => ({ id: rt.id, liveAccessTokens: rt.accessTokens.filter((at) => !at.ended && now < at.expiresAt).length })),
    };
  }

  private liveRefreshTokens(org: string, clientId: string): RefreshTokenRecord[] {
    return [...this.refreshTokens.values()].filter((rt) => !rt.deleted && rt.org === org && rt.clientId === clientId);
  }

  private issueRefreshToken(input: { org: string; clientId: string; scopes: string[]; location: string }): RefreshTokenRecord {
    const live = this.liveRefreshTokens(input.org, input.clientId);
    // The cap counts per user and client: the oldest goes, taking its access tokens with it.
    for (let excess = live.length - this.limits().maxRefreshTokensPerUser + 1; excess > 0; excess--) this.delete(live.shift()!);
    const refreshToken: RefreshTokenRecord = { token: newToken(), id: `rt-${++this.sequence}`, org: input.org, clientId: input.clientId, scopes: input.scopes, location: input.location, issuedAt: Date.now(), deleted: false, accessTokens: [], mints: [] };
    this.refreshTokens.set(refreshToken.token, refreshToken);
    return refreshToken;
  }

  private delete(refreshToken: RefreshTokenRecord): void {
    refreshToken.deleted = true;
    for (const access of refreshToken.accessTokens) access.ended = true;
  }

  private mint(refreshToken: RefreshTokenRecord, accessMs: number, now = Date.now()): AccessTokenRecord {
    refreshToken.mints.push(now);
    refreshToken.accessTokens = refreshToken.accessTokens.filter((at) => !at.ended && now < at.expiresAt);
    const { maxAccessTokensPerRefreshToken } = this.limits();
    while (refreshToken.accessTokens.length >= maxAccessTokensPerRefreshToken) refreshToken.accessTokens.shift()!.ended = true;
    const access = this.issueAccess(refreshToken, refreshToken.org, refreshToken.scopes, refreshToken.location, accessMs, now);
    refreshToken.accessTokens.push(access);
    return access;
  }

  private issueAccess(refreshToken: RefreshTokenRecord | null, org: string, scopes: string[], location: string, accessMs: number, now = Date.now()): AccessTokenRecord {
    const access: AccessTokenRecord = { token: newToken(), refreshToken, org, scopes, location, issuedAt: now, expiresAt: now + accessMs, ended: false };
    this.accessTokens.set(access.token, access);
    return access;
  }
}
