// Hashes a record's content independent of key order, so an unchanged record is recognised and not rewritten.
import { createHash } from 'node:crypto';

export function contentHash(data: Record<string, unknown>, ignoredFields: readonly string[] = []): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson(data, new Set(ignoredFields)));
  return hash.digest('base64url');
}

function canonicalJson(value: unknown, ignoredAtTop?: Set<string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const keys = Object.keys(value).filter((k) => !ignoredAtTop?.has(k)).sort();
  const entries = keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
