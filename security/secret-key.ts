// Checks a presented API key against the configured named keys without leaking, through timing, how much of one matched.
import { createHash, timingSafeEqual } from 'node:crypto';

/** An API secret key and the name logs show for it (the key itself never appears anywhere). */
export interface NamedSecretKey {
  name: string;
  key: string;
}

export function secretKeyMatches(presented: string, configured: string): boolean {
  // Hashing first gives equal-length inputs, so the comparison time does not reveal the key's length either.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(configured).digest();
  return timingSafeEqual(a, b);
}

/**
 * The name of the key that matches, or null. Every key is compared, whichever matches, so the time taken does not
 * say which key (or how many) there are before the matching one.
 */
export function matchingKeyName(presented: string, keys: readonly NamedSecretKey[]): string | null {
  let name: string | null = null;
  for (const key of keys) {
    if (secretKeyMatches(presented, key.key) && name === null) name = key.name;
  }
  return name;
}

/** `name:key,name:key`: names are short identifiers, keys at least 32 characters, neither repeated. */
export function parseNamedSecretKeys(value: string): NamedSecretKey[] {
  const keys: NamedSecretKey[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const name = colon > 0 ? part.slice(0, colon) : '';
    const key = colon > 0 ? part.slice(colon + 1) : '';
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) throw new Error('each entry must be name:key with a name of letters, digits, "_" or "-"');
    if (key.length < 32) throw new Error(`key "${name}" must be at least 32 characters`);
    if (keys.some((k) => k.name === name)) throw new Error(`key name "${name}" appears twice`);
    if (keys.some((k) => k.key === key)) throw new Error(`key "${name}" repeats another key under a new name`);
    keys.push({ name, key });
  }
  if (keys.length === 0) throw new Error('name at least one key (name:key)');
  return keys;
}
