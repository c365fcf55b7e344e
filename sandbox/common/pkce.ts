// PKCE (RFC 7636) as the sandboxes that take it check it: an S256 challenge at authorize, its verifier at the token endpoint.
import { createHash } from 'node:crypto';
import { sameText } from './oauth-values';

/** Only S256 is accepted (the default when no method is named); a challenge is 43 to 128 base64url characters. */
export function isValidChallenge(challenge: string, method: string | undefined): boolean {
  return (method ?? 'S256') === 'S256' && /^[A-Za-z0-9_-]{43,128}$/.test(challenge);
}

export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  const expected = verifier ? createHash('sha256').update(verifier).digest('base64url') : '';
  return sameText(expected, challenge);
}
