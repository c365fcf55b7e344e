// Checks a presented API key against the configured named keys without leaking, through timing, how much of one matched.
import { createHash, timingSafeEqual } from 'node:crypto';

/** What a key may do: `admin` everything (the default, so keys made before scopes keep full rights), `read` only look. */
export type KeyScope = 'admin' | 'read';

export const KEY_SCOPES: readonly KeyScope[] = ['admin', 'read'];

/** An API secret key and the name logs show for it (the key itself never appears anywhere). */
export interface NamedSecretKey {
  name: string;
  key: string;
  /** Absent: admin. */
  scope?: KeyScope;
}

export const scopeOf = (key: Pick<NamedSecretKey, 'scope'>): KeyScope => key.scope ?? 'admin';

export function secretKeyMatches(presented: string, configured: string): boolean {
  // Hashing first gives equal-length inputs, so the comparison time does not reveal the key's length either.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(configured).digest();
  return timingSafeEqual(a, b);
}

/**
 * The key that matches, or null. Every key is compared, whichever matches, so the time taken does not say which key
 * (or how many) there are before the matching one.
 */
export function matchingKey(presented: string, keys: readonly NamedSecretKey[]): NamedSecretKey | null {
  let found: NamedSecretKey | null = null;
  for (const key of keys) {
    if (secretKeyMatches(presented, key.key) && found === null) found = key;
  }
  return found;
}

/** The name of the key that matches, or null (see matchingKey). */
export function matchingKeyName(presented: string, keys: readonly NamedSecretKey[]): string | null {
  return matchingKey(presented, keys)?.name ?? null;
}

/**
 * `name:key[:scope],…`: names are short identifiers, keys at least 32 characters, neither repeated; the scope is
 * `admin` (the default) or `read`. A key whose own text ends in `:admin` or `:read` is read as carrying that scope.
 */
export function parseNamedSecretKeys(value: string): NamedSecretKey[] {
  const keys: NamedSecretKey[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const name = colon > 0 ? part.slice(0, colon) : '';
    let key = colon > 0 ? part.slice(colon + 1) : '';
    let scope: KeyScope = 'admin';
    const scoped = /^(.*):(admin|read)$/.exec(key);
    if (scoped) [, key, scope] = scoped as unknown as [string, string, KeyScope];
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) throw new Error('each entry must be name:key[:scope] with a name of letters, digits, "_" or "-"');
    // A mistyped scope (`:reed`) would otherwise be read as the end of the key: refused, not turned into an admin key.
    const misnamed = !scoped ? /:([A-Za-z]{1,16})$/.exec(key) : null;
    if (misnamed) throw new Error(`key "${name}" has the scope "${misnamed[1]}": a scope is admin or read`);
    if (key.length < 32) throw new Error(`key "${name}" must be at least 32 characters`);
    if (keys.some((k) => k.name === name)) throw new Error(`key name "${name}" appears twice`);
    if (keys.some((k) => k.key === key)) throw new Error(`key "${name}" repeats another key under a new name`);
    keys.push({ name, key, scope });
  }
  if (keys.length === 0) throw new Error('name at least one key (name:key)');
  return keys;
}
