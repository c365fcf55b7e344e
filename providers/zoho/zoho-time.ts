// Zoho's times: record times in the org's own offset with whole seconds, and If-Modified-Since as ISO 8601 with an offset.
import { ProviderError } from '../../sync';

/** `2025-01-10T13:22:08+03:00` (any offset) as epoch seconds. */
export function zohoSeconds(value: unknown, what: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new ProviderError('permanent', `${what} is not a Zoho date-time: ${JSON.stringify(value)?.slice(0, 60)}`);
  return Math.floor(ms / 1000);
}

/**
 * Epoch seconds as `If-Modified-Since` takes them: ISO 8601 with an explicit offset (`2019-07-25T15:26:49+00:00`), not
 * an HTTP-date, whose lack of an offset Zoho would read in the org's zone.
 */
export function ifModifiedSince(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
