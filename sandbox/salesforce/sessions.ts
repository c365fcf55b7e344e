// Grants (one per user consent, holding the refresh token) and the sessions (access tokens) they start.
import { randomBytes } from 'node:crypto';

export interface Grant {
  id: string;
  clientId: string;
  scope: string;
  /** The org the user signed into when consenting: the identity URL of every token of the grant names it. */
  orgId: string;
  /** The refresh token that works now; null when the scope asked for none. */
  refreshToken: string | null;
  revoked: boolean;
}

export interface Session {
  id: string;
  grantId: string;
  accessToken: string;
  issuedAt: number;
  expiresAt: number;
  ended: boolean;
}

export type RefreshOutcome =
  | { ok: true; grant: Grant; session: Session; refreshToken: string | null }
  | { ok: false; reason: 'unknown' | 'revoked' | 'used' | 'client_mismatch' };

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Whether a scope string lets the app stay connected: a missing scope counts as the connected app's full scope. */
export function scopeGrantsRefresh(scope: string): boolean {
  return scope.split(/\s+/).some((part) => part === 'refresh_token' || part === 'offline_access' || part === 'full');
}

export class SessionStore {
  private readonly grants = new Map<string, Grant>();
  /** Every refresh token ever issued, so a rotated-out one is still attributed to its grant (and refused). */
  private readonly refreshTokens = new Map<string, { grantId: string; used: boolean }>();
  private readonly sessionsByToken = new Map<string, Session>();
  private readonly sessionsById = new Map<string, Session>();
  private readonly sessionsByGrant = new Map<string, Set<Session>>();
  private sequence = 0;

  constructor(private readonly orgId: string) {}

  createGrant(clientId: string, scope: string, lifetimeMs: number, orgId = this.orgId): { grant: Grant; session: Session } {
    const grant: Grant = { id: `grant-${++this.sequence}`, clientId, scope, orgId, refreshToken: null, revoked: false };
    this.grants.set(grant.id, grant);
    if (scopeGrantsRefresh(scope)) this.issueRefreshToken(grant);
    return { grant, session: this.startSession(grant, lifetimeMs) };
  }

  /** The live session behind an access token, or null when unknown, ended or past its lifetime. */
  authenticate(accessToken: string, now = Date.now()): Session | null {
    const session = this.sessionsByToken.get(accessToken);
    return session && this.isLive(session, now) ? session : null;
  }

  isSessionLive(sessionId: string, now = Date.now()): boolean {
    const session = this.sessionsById.get(sessionId);
    return session !== undefined && this.isLive(session, now);
  }

  grant(grantId: string): Grant | undefined {
    return this.grants.get(grantId);
  }

  grantIdOfRefreshToken(refreshToken: string): string | undefined {
    return this.refreshTokens.get(refreshToken)?.grantId;
  }

  refresh(refreshToken: string, clientId: string, rotate: boolean, lifetimeMs: number): RefreshOutcome {
    const known = this.refreshTokens.get(refreshToken);
    if (!known) return { ok: false, reason: 'unknown' };
    const grant = this.grants.get(known.grantId);
    if (!grant || grant.revoked) return { ok: false, reason: 'revoked' };
    if (known.used || grant.refreshToken !== refreshToken) return { ok: false, reason: 'used' };
    if (grant.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    let issued: string | null = null;
    if (rotate) {
      known.used = true;
      issued = this.issueRefreshToken(grant);
      // With rotation the new session replaces the old ones: their tokens and open cursors die now.
      for (const session of this.sessionsByGrant.get(grant.id) ?? []) session.ended = true;
    }
    return { ok: true, grant, session: this.startSession(grant, lifetimeMs), refreshToken: issued };
  }

  /** Revoking either token ends the whole grant, as Salesforce does for a refresh token. */
  revoke(grantIdOrToken: string): boolean {
    const grantId = this.grants.has(grantIdOrToken)
      ? grantIdOrToken
      : (this.refreshTokens.get(grantIdOrToken)?.grantId ?? this.sessionsByToken.get(grantIdOrToken)?.grantId);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant) return false;
    grant.revoked = true;
    for (const session of this.sessionsByGrant.get(grant.id) ?? []) session.ended = true;
    return true;
  }

  expireAllSessions(): void {
    for (const session of this.sessionsById.values()) session.ended = true;
  }

  /** For introspection: what a token is, without judging it. */
  lookup(tokenText: string): { kind: 'access'; session: Session; grant: Grant } | { kind: 'refresh'; grant: Grant; usable: boolean } | null {
    const session = this.sessionsByToken.get(tokenText);
    if (session) {
      const grant = this.grants.get(session.grantId);
      return grant ? { kind: 'access', session, grant } : null;
    }
    const refresh = this.refreshTokens.get(tokenText);
    const grant = refresh ? this.grants.get(refresh.grantId) : undefined;
    if (!refresh || !grant) return null;
    return { kind: 'refresh', grant, usable: !grant.revoked && !refresh.used && grant.refreshToken === tokenText };
  }

  isLive(session: Session, now = Date.now()): boolean {
    const grant = this.grants.get(session.grantId);
    return !session.ended && now < session.expiresAt && grant !== undefined && !grant.revoked;
  }

  private issueRefreshToken(grant: Grant): string {
    const refreshToken = `5Aep861${token(60)}`;
    grant.refreshToken = refreshToken;
    this.refreshTokens.set(refreshToken, { grantId: grant.id, used: false });
    return refreshToken;
  }

  private startSession(grant: Grant, lifetimeMs: number): Session {
    const issuedAt = Date.now();
    const session: Session = {
      id: `session-${++this.sequence}`,
      grantId: grant.id,
      accessToken: `${this.orgId.slice(0, 15)}!${token(72)}`,
      issuedAt,
      expiresAt: issuedAt + lifetimeMs,
      ended: false,
    };
    this.sessionsByToken.set(session.accessToken, session);
    this.sessionsById.set(session.id, session);
    let sessions = this.sessionsByGrant.get(grant.id);
    if (!sessions) this.sessionsByGrant.set(grant.id, (sessions = new Set()));
    sessions.add(session);
    return session;
  }
}
