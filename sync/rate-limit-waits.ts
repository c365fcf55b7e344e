// How long a rate-limited request waits: the provider's own hints (headers, body policies) read exactly, else backoff.

/** `Retry-After` as delta seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Where providers put "the limit resets at …" when they do not send Retry-After. */
export const DEFAULT_RATE_LIMIT_RESET_HEADERS = ['x-ratelimit-reset', 'x-rate-limit-reset', 'ratelimit-reset'];

/** Below this a reset value is delta seconds; at or above it, an epoch time (1e9 s as a delta is 31 years). */
const EPOCH_SECONDS_FROM = 1e9;
/** At or above this an epoch time is in milliseconds (1e12 epoch seconds is the year 33658). */
const EPOCH_MILLISECONDS_FROM = 1e12;

/**
 * `X-RateLimit-Reset`-style headers come in three dialects with nothing in the name to tell them apart: delta seconds
 * (the IETF RateLimit draft, many REST APIs), epoch seconds (GitHub, Twitter) and epoch milliseconds. The magnitude
 * decides: no provider asks for a 31-year wait, and no epoch time is before 2001-09-09.
 */
export function rateLimitResetMs(headers: Headers, names: readonly string[] = DEFAULT_RATE_LIMIT_RESET_HEADERS, now = Date.now()): number | undefined {
  for (const name of names) {
    const value = headers.get(name)?.trim();
    if (!value || !/^\d+(\.\d+)?$/.test(value)) continue;
    const number = Number(value);
    if (number >= EPOCH_MILLISECONDS_FROM) return Math.max(0, Math.ceil(number - now));
    if (number >= EPOCH_SECONDS_FROM) return Math.max(0, Math.ceil(number * 1000 - now));
    return Math.ceil(number * 1000);
  }
  return undefined;
}

/** The hint headers in the order they are trusted: the standard one first. */
export function headerWaitMs(headers: Headers, resetHeaders?: readonly string[], now = Date.now()): number | undefined {
  return retryAfterMs(headers, now) ?? rateLimitResetMs(headers, resetHeaders, now);
}

/** A wait a provider asked for, bounded by the catalog's maximum; `askedMs` is set only when the bound cut it short. */
export interface BoundedWait {
  waitMs: number;
  askedMs?: number;
}

/**
 * A `Retry-After` of years (a bug, a hostile server, an epoch time misread as seconds) must not park a connection
 * forever: the wait is cut to `maxMs`, and the caller says so in its reason.
 */
export function clampWaitMs(waitMs: number, maxMs: number): BoundedWait {
  return waitMs > maxMs ? { waitMs: maxMs, askedMs: waitMs } : { waitMs };
}

/** `12 h`, `3 d`: how a clamped wait reads in a reason. */
export function describeWait(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size) return `${Math.round(ms / size)} ${unit}`;
  return `${ms} ms`;
}

/**
 * Milliseconds until the next midnight on the wall clock of an IANA time zone (HubSpot's daily limit resets at
 * midnight in the account's time zone). Daylight-saving days are 23 or 25 hours long; the answer follows the zone.
 */
export function msUntilNextMidnight(timeZone: string, now = Date.now()): number {
  const local = wallClock(timeZone, now);
  // The next local midnight expressed as if it were UTC, then corrected by the zone's offset at that moment.
  const nextMidnightAsUtc = Date.UTC(local.year, local.month - 1, local.day + 1);
  let guess = nextMidnightAsUtc - offsetMs(timeZone, nextMidnightAsUtc);
  guess = nextMidnightAsUtc - offsetMs(timeZone, guess); // a second pass settles a DST change on the way
  return Math.max(0, guess - now);
}

/** Throws a RangeError for a zone the runtime does not know: the catalog calls it at load. */
export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone });
}

function wallClock(timeZone: string, at: number) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(timeZone: string, at: number): number {
  const local = wallClock(timeZone, at);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}
