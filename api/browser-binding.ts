// Binds an OAuth state to the browser that started it with a cookie: a state (or authorize URL) handed to somebody
// else's browser cannot complete there, so nobody can get a victim's account connected under their own connect link.
import { hashOneTimeToken, newOneTimeToken } from '../oauth/one-time-token';

const COOKIE_PREFIX = 'tributary_oauth_';

/** One cookie per authorization in flight, named after its state, so two tabs connecting at once do not collide. */
function cookieName(state: string): string {
  return `${COOKIE_PREFIX}${hashOneTimeToken(`cookie:${state}`).slice(0, 16)}`;
}

export function newBrowserBinding(): { nonce: string; nonceHash: string } {
  const { token, hash } = newOneTimeToken();
  return { nonce: token, nonceHash: hash };
}

export function bindingCookie(state: string, nonce: string, publicUrl: string, maxAgeMs: number): string {
  return serialize(cookieName(state), nonce, publicUrl, Math.max(1, Math.floor(maxAgeMs / 1000)));
}

export function clearedBindingCookie(state: string, publicUrl: string): string {
  return serialize(cookieName(state), '', publicUrl, 0);
}

export function bindingNonce(cookieHeader: string | undefined, state: string): string | undefined {
  const name = cookieName(state);
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function serialize(name: string, value: string, publicUrl: string, maxAgeSeconds: number): string {
  const url = new URL(publicUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}/oauth`;
  // Lax: the cookie still comes along on the provider's top-level redirect back to the callback.
  const attributes = [`${name}=${value}`, `Path=${path}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (url.protocol === 'https:') attributes.push('Secure');
  return attributes.join('; ');
}
