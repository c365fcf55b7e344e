// PKCE (RFC 7636, S256): a fresh verifier per authorization, and the challenge the provider sees instead of it.
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** Sent only to the token endpoint, with the code; kept sealed server-side until then. */
  verifier: string;
  /** base64url(SHA-256(verifier)): goes in the authorize URL. */
  challenge: string;
  method: 'S256';
}

export function createPkcePair(): PkcePair {
  // 32 random bytes are 43 base64url characters: the shortest verifier RFC 7636 allows, and 256 bits of entropy.
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
