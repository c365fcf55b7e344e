// PKCE S256 as RFC 7636 defines it: the provider can only check a verifier if the challenge is computed exactly so.
import { createPkcePair, pkceChallenge } from '../../oauth/pkce';

describe('PKCE', () => {
  it("computes the S256 challenge of RFC 7636's own example", () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh 43-character unreserved verifier each time, with its challenge', () => {
    const first = createPkcePair();
    const second = createPkcePair();
    expect(first.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.verifier).not.toBe(second.verifier);
    expect(first).toEqual({ verifier: first.verifier, challenge: pkceChallenge(first.verifier), method: 'S256' });
  });
});
