// Console sign-in: a secret key is exchanged once for an HttpOnly session cookie (the browser never keeps the key), and
// every state change made with that cookie must prove it comes from the console itself (CSRF token, same origin).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors/app-error';
import { matchingKey, scopeOf, type KeyScope, type NamedSecretKey } from '../../security/secret-key';
import type { ConsoleSession, ConsoleSessionRepository } from '../../store/console-sessions';

export const SESSION_COOKIE = 'tributary_console';
export const SESSION_LIFETIME_MS = 8 * 3_600_000;
export const CSRF_HEADER = 'x-csrf-token';

/** What the console learns about its own session: never the key, never the cookie's value. */
export interface SessionView {
  keyName: string;
  scope: KeyScope;
  expiresAt: Date;
  csrfToken: string;
}

/** A session found from a request's cookie, with what proves the request may act on it. */
export interface ActiveSession {
  session: ConsoleSession;
  view: SessionView;
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isStateChanging = (method: string): boolean => STATE_CHANGING.has(method.toUpperCase());

/** Sessions are found by this hash of the cookie: a copy of the collection opens no console. */
const sessionIdOf = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('hex');

/**
 * Derived from the cookie rather than stored: only a page that can read the API's answers (the console, same origin)
 * learns it, and the database holds nothing that yields it.
 */
const csrfTokenOf = (cookieValue: string) => createHash('sha256').update(`tributary-console-csrf\n${cookieValue}`).digest('base64url');

export class ConsoleSessions {
  private readonly publicOrigin: string;
  private readonly secure: boolean;

  constructor(
    /** The store's repository, looked up when used (an app built only to read its routes has no store). */
    private readonly store: { consoleSessions: ConsoleSessionRepository },
    private readonly keys: readonly NamedSecretKey[],
    publicUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    const url = new URL(publicUrl);
    this.publicOrigin = url.origin;
    this.secure = url.protocol === 'https:';
  }

  /** A wrong key creates nothing and sets no cookie. */
  async signIn(presentedKey: string): Promise<{ view: SessionView; setCookie: string }> {
    const key = matchingKey(presentedKey, this.keys);
    if (!key) throw new AppError('unauthorized', 'wrong secret key: sign in with one of TRIBUTARY_SECRET_KEYS');
    const cookieValue = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + SESSION_LIFETIME_MS);
    await this.store.consoleSessions.create({ _id: sessionIdOf(cookieValue), keyName: key.name, scope: scopeOf(key), createdAt, expiresAt });
    return {
      view: { keyName: key.name, scope: scopeOf(key), expiresAt, csrfToken: csrfTokenOf(cookieValue) },
      setCookie: this.cookie(cookieValue, Math.floor(SESSION_LIFETIME_MS / 1000)),
    };
  }

  /**
   * The live session the request's cookie names, or null: none sent, unknown, expired, or made with a key that is no
   * longer configured with the same scope (removing a key from the configuration ends its sessions at once).
   */
  async fromRequest(headers: IncomingHttpHeaders): Promise<(ActiveSession & { cookieValue: string }) | null> {
    const cookieValue = readCookie(headers.cookie, SESSION_COOKIE);
    if (!cookieValue || !COOKIE_VALUE.test(cookieValue)) return null;
    const session = await this.store.consoleSessions.find(sessionIdOf(cookieValue), this.now());
    if (!session) return null;
    const key = this.keys.find((candidate) => candidate.name === session.keyName);
    if (!key || scopeOf(key) !== session.scope) {
      await this.store.consoleSessions.delete(session.id);
      return null;
    }
    return { session, cookieValue, view: { keyName: session.keyName, scope: session.scope, expiresAt: session.expiresAt, csrfToken: csrfTokenOf(cookieValue) } };
  }

  /**
   * A state change authenticated by the cookie must carry the session's CSRF token and come from the console's own
   * origin: `Sec-Fetch-Site: same-origin`, or without that header an `Origin` equal to TRIBUTARY_PUBLIC_URL's. Another
   * site can make a browser send the cookie (SameSite aside) but can neither read the token nor forge those headers.
   */
  checkStateChange(headers: IncomingHttpHeaders, cookieValue: string): void {
    const presented = single(headers[CSRF_HEADER]);
    if (!presented || !constantTimeEqual(presented, csrfTokenOf(cookieValue))) {
      throw new AppError('csrf_failed', `a change made with the console's session needs its X-CSRF-Token header (${presented ? 'wrong' : 'missing'})`);
    }
    const site = single(headers['sec-fetch-site'])?.toLowerCase();
    const origin = single(headers.origin);
    if (site === 'same-origin') return;
    if (site !== undefined) throw new AppError('csrf_failed', `a change made with the console's session must come from the console itself (Sec-Fetch-Site: ${site.slice(0, 40)})`);
    if (origin === this.publicOrigin) return;
    throw new AppError(
      'csrf_failed',
      origin === undefined
        ? "a change made with the console's session must say it comes from the console (Sec-Fetch-Site or Origin)"
        : `a change made with the console's session must come from ${this.publicOrigin} (Origin: ${origin.slice(0, 200)})`,
    );
  }

  /**
   * Sign-in sets an ambient credential, so another site must not be able to do it for the browser: a browser that
   * says where the request comes from must say the console's origin. Clients that say nothing (curl, tests) may.
   */
  checkSignInOrigin(headers: IncomingHttpHeaders): void {
    const site = single(headers['sec-fetch-site'])?.toLowerCase();
    const origin = single(headers.origin);
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new AppError('csrf_failed', `sign in from the console itself (Sec-Fetch-Site: ${site.slice(0, 40)})`);
    }
    if (site === undefined && origin !== undefined && origin !== this.publicOrigin) {
      throw new AppError('csrf_failed', `sign in from ${this.publicOrigin} (Origin: ${origin.slice(0, 200)})`);
    }
  }

  async signOut(session: ConsoleSession): Promise<string> {
    await this.store.consoleSessions.delete(session.id);
    return this.clearingCookie();
  }

  /** Sent on sign-out and with a 401 to a stale cookie, so the browser forgets it. */
  clearingCookie(): string {
    return this.cookie('', 0);
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${this.secure ? '; Secure' : ''}`;
  }
}

/** The first cookie of that name in a `Cookie` header (cookie values here are base64url: no quoting or decoding). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [cookieName, ...value] = part.trim().split('=');
    if (cookieName === name) return value.join('=');
  }
  return null;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
