import { randomBytes } from 'node:crypto';
import { encryptionSettings, parseSettings } from '../../config/shared-settings';
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

describe('encryption key hygiene', () => {
  test('two keys under one id are refused, by the cipher and at start-up', () => {
    expect(() => new CredentialCipher([key('k1'), key('k1')])).toThrow(/every encryption key needs its own id/);
    const one = Buffer.alloc(32, 1).toString('base64');
    const two = Buffer.alloc(32, 2).toString('base64');
    expect(() => parseSettings(encryptionSettings, { TRIBUTARY_ENCRYPTION_KEYS: `k1:${one},k1:${two}` })).toThrow(/TRIBUTARY_ENCRYPTION_KEYS: key id "k1" appears twice/);
  });

  test('a ciphertext with a shortened authentication tag is refused, not opened', () => {
    const cipher = new CredentialCipher([key('k1')]);
    const sealed = cipher.seal({ secret: 'value' }, 'ctx');
    const truncated = { ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64') };
    expect(() => cipher.open(truncated, 'ctx')).toThrow(/4-byte authentication tag; only 16 bytes are accepted/);
    expect(cipher.open(sealed, 'ctx')).toEqual({ secret: 'value' });
  });
});
