// TRIBUTARY_SECRET_KEYS with scopes: `name:key[:scope]`, admin by default so keys made before scopes keep full rights.
import { matchingKey, parseNamedSecretKeys, scopeOf } from '../../../security/secret-key';

const KEY_A = 'a'.repeat(40);
const KEY_B = 'b'.repeat(40);

describe('secret keys with scopes', () => {
  it('reads a scope after the key, admin when none is named', () => {
    const keys = parseNamedSecretKeys(`ops:${KEY_A},support:${KEY_B}:read`);
    expect(keys.map((key) => [key.name, key.key, scopeOf(key)])).toEqual([
      ['ops', KEY_A, 'admin'],
      ['support', KEY_B, 'read'],
    ]);
    expect(scopeOf(parseNamedSecretKeys(`ops:${KEY_A}:admin`)[0])).toBe('admin');
    expect(scopeOf(matchingKey(KEY_B, keys)!)).toBe('read');
    expect(matchingKey('c'.repeat(40), keys)).toBeNull();
  });

  it('refuses a mistyped scope rather than reading it as part of an admin key', () => {
    expect(() => parseNamedSecretKeys(`support:${KEY_B}:reed`)).toThrow('key "support" has the scope "reed": a scope is admin or read');
    expect(() => parseNamedSecretKeys(`support:${KEY_B}:Read`)).toThrow('a scope is admin or read');
  });

  it('still checks the key once its scope is taken off', () => {
    expect(() => parseNamedSecretKeys('support:short:read')).toThrow('key "support" must be at least 32 characters');
    expect(() => parseNamedSecretKeys(`a:${KEY_A}:read,b:${KEY_A}`)).toThrow('repeats another key');
  });
});
