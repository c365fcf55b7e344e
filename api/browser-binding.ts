// Binds the connect flow to one browser with cookies: the connect screen's nonce (echoed by its form) and the OAuth
// state's nonce (checked at the callback), so neither another site nor another browser can finish what one started.
import { createHash, timingSafeEqual } from 'node:crypto';
import { hashOneTimeToken, newOneTimeToken } from '../oauth/one-time-token';

const COOKIE_PREFIX = 'tributary_oauth_';
const SCREEN_COOKIE_PREFIX = 'tributary_screen_';

/** One cookie per authorization in flight, named after its state, so two tabs connecting at once do not collide. */
function cookieName(state: string): string {
  return `${COOKIE_PREFIX}${hashOneTimeToken(`cookie:${state}`).slice(0, 16)}`;
}

/** One cookie per connect link opened, named after (a hash of) its token, for the same reason. */
function screenCookieName(connectToken: string): string {
  return `${SCREEN_COOKIE_PREFIX}${hashOneTimeToken(`screen:${connectToken}`).slice(0, 16)}`;
}

export function newBrowserBinding(): { nonce: string; nonceHash: string } {
  const { token, hash } = newOneTimeToken();
  return { nonce: token, nonceHash: hash };
}

export function bindingCookie(state: string, nonce: string, publicUrl: string, maxAgeMs: number): string {
  // Lax: the cookie still comes along on the provider's top-level redirect back to the callback.
  return serialize(cookieName(state), nonce, publicUrl, '/oauth', 'Lax', maxAgeMs);
}

export function clearedBindingCookie(state: string, publicUrl: string): string {
  return serialize(cookieName(state), '', publicUrl, '/oauth', 'Lax', 0);
}

export function bindingNonce(cookieHeader: string | undefined, state: string): string | undefined {
  return cookieValue(cookieHeader, cookieName(state));
}

/**
 * Set by the connect screen, echoed by its form. Strict: a browser sends it only with requests a page of this site
 * started, so a form another site makes the browser post arrives without it (and that site cannot read its value to
 * echo). Only the connect form's path receives it.
 */
export function screenCookie(connectToken: string, nonce: string, publicUrl: string, maxAgeMs: number): string {
  return serialize(screenCookieName(connectToken), nonce, publicUrl, '/oauth/connect', 'Strict', maxAgeMs);
}

/** True when the form echoes the nonce its connect screen set in this browser's cookie. */
export function screenNonceMatches(cookieHeader: string | undefined, connectToken: string, echoed: string | undefined): boolean {
  const stored = cookieValue(cookieHeader, screenCookieName(connectToken));
  if (!stored || !echoed) return false;
  // Compared as hashes: equal lengths for timingSafeEqual, and nothing learned from the time taken.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(stored), digest(echoed));
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function serialize(name: string, value: string, publicUrl: string, below: string, sameSite: 'Lax' | 'Strict', maxAgeMs: number): string {
  const url = new URL(publicUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}${below}`;
  const maxAgeSeconds = maxAgeMs <= 0 ? 0 : Math.max(1, Math.floor(maxAgeMs / 1000));
  const attributes = [`${name}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', `SameSite=${sameSite}`];
  if (url.protocol === 'https:') attributes.push('Secure');
  return attributes.join('; ');
}
