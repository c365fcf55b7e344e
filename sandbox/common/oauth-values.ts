// The checks every OAuth endpoint makes on what it is sent: parameters present as text, redirect URIs, secrets.
import { timingSafeEqual } from 'node:crypto';

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
