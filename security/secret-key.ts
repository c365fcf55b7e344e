// Compares a presented API key with the configured one without leaking, through timing, how much of it matched.
import { createHash, timingSafeEqual } from 'node:crypto';

export function secretKeyMatches(presented: string, configured: string): boolean {
  // Hashing first gives equal-length inputs, so the comparison time does not reveal the key's length either.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(configured).digest();
  return timingSafeEqual(a, b);
}
