// The checks every OAuth endpoint makes on what it is sent: parameters present as text, redirect URIs, secrets,
// client credentials.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** A query or form parameter as non-empty text; anything else (absent, empty, repeated) counts as missing. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Compares secrets in constant time, so response timing does not reveal how much of a guess was right. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

/**
 * A confidential client's credentials as RFC 6749 §2.3.1 allows them: HTTP Basic (each part form-encoded), else the
 * form body (client_secret_post). `basic` says which, since providers word a failed Basic attempt apart.
 */
export function clientCredentials(req: Request): { clientId: string | undefined; clientSecret: string | undefined; basic: boolean } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (!basic) return { clientId: text(req.body?.client_id), clientSecret: text(req.body?.client_secret), basic: false };
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon < 0 ? decoded.length : colon)),
    clientSecret: colon < 0 ? undefined : decodeURIComponent(decoded.slice(colon + 1)),
    basic: true,
  };
}
