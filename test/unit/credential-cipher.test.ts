import { randomBytes } from 'node:crypto';
import { CredentialCipher } from '../../security/credential-cipher';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('credential cipher', () => {
  it('seals so that the secret is not visible and opens it back', () => {
    const cipher = new CredentialCipher([key('k1')]);
    const sealed = cipher.seal({ refreshToken: 'super-secret-token' }, 'connection:a');
    expect(JSON.stringify(sealed)).not.toContain('super-secret-token');
    expect(cipher.open(sealed, 'connection:a')).toEqual({ refreshToken: 'super-secret-token' });
  });

  it('refuses a ciphertext moved to another record or tampered with', () => {
    const cipher = new CredentialCipher([key('k1')]);
    const sealed = cipher.seal('x', 'connection:a');
    expect(() => cipher.open(sealed, 'connection:b')).toThrow();
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] ^= 1;
    expect(() => cipher.open({ ...sealed, data: flipped.toString('base64') }, 'connection:a')).toThrow();
  });

  it('decrypts with an older key after rotation and reports the value as stale', () => {
    const oldKey = key('k1');
    const sealed = new CredentialCipher([oldKey]).seal('v', 'c');
    const rotated = new CredentialCipher([key('k2'), oldKey]);
    expect(rotated.open(sealed, 'c')).toBe('v');
    expect(rotated.isStale(sealed)).toBe(true);
    expect(rotated.isStale(rotated.seal('v', 'c'))).toBe(false);
    expect(() => new CredentialCipher([key('k2')]).open(sealed, 'c')).toThrow(/No encryption key with id "k1"/);
  });
});
