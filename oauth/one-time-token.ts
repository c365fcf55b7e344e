// Random bearer values handed to a browser (connect tokens, OAuth states): only their SHA-256 is ever stored.
import { createHash, randomBytes } from 'node:crypto';

export function newOneTimeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

/** Unsalted SHA-256 is enough here: the tokens are 256 random bits, not guessable passwords. */
export function hashOneTimeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
