// Every "wait, then try again" a provider's answer earns, decided once for syncs, actions, the dry run and the proxy:
// the provider's own hints read exactly and bounded, else the catalog's backoff. Pure, so workflow code may run it.
import type { RateLimitedDetails } from './failure-types';

/** Never wait less than this, whatever a hint says: a reset already passed or a zero jitter must not become a hot loop. */
export const MIN_RATE_LIMIT_WAIT_MS = 1000;

/** Rate-limit errors that carry neither a wait nor a backoff policy still wait this long rather than hammering the provider. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** For rate-limit answers that name no wait: exponential backoff with full jitter, up to a cap. */
export interface BackoffPolicy {
  /** The ceiling of the first wait; it doubles with every consecutive wait. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/**
 * How long a catalog rule says a `rate_limited` answer waits when its headers name no time (headers always win: they
 * are exact).
 * - `fixedMs`: a known window, e.g. HubSpot's `TEN_SECONDLY_ROLLING`.
 * - `untilNextMidnightIn`: a daily allowance that resets at midnight in an IANA time zone (HubSpot's `DAILY`).
 * Without it, the provider's `rateLimitBackoff` applies.
 */
export type RateLimitWait = { fixedMs: number } | { untilNextMidnightIn: string };

// ---- What the provider asked for -------------------------------------------------------------------------------

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

/** A wait a provider asked for, bounded by the catalog's maximum; `askedMs` is set only when the bound cut it short. */
export interface BoundedWait {
  waitMs: number;
  askedMs?: number;
}

/**
 * The wait a rate-limit answer names: `Retry-After` first (the standard), then the provider's reset headers, then the
 * catalog rule's wait; undefined when none names one (the provider's backoff then applies). A wait of years (a bug, a
 * hostile server, an epoch time misread as seconds) must not park a connection forever: it is cut to `maxWaitMs`.
 */
export function askedWaitMs(
  headers: Headers,
  asked: { resetHeaders?: readonly string[]; ruleWait?: RateLimitWait; maxWaitMs: number },
  now = Date.now(),
): BoundedWait | undefined {
  const waitMs = retryAfterMs(headers, now) ?? rateLimitResetMs(headers, asked.resetHeaders, now) ?? ruleWaitMs(asked.ruleWait, now);
  if (waitMs === undefined) return undefined;
  return waitMs > asked.maxWaitMs ? { waitMs: asked.maxWaitMs, askedMs: waitMs } : { waitMs };
}

function ruleWaitMs(wait: RateLimitWait | undefined, now: number): number | undefined {
  if (!wait) return undefined;
  return 'fixedMs' in wait ? wait.fixedMs : msUntilNextMidnight(wait.untilNextMidnightIn, now);
}

/** `12 h`, `3 d`: how a clamped wait reads in a reason. */
export function describeWait(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size) return `${Math.round(ms / size)} ${unit}`;
  return `${ms} ms`;
}

// ---- What the activity hands the workflow, and what the workflow waits --------------------------------------------

/**
 * A rate-limit error as the failure an activity raises: a named wait is honoured exactly but never under a second; a
 * backoff policy travels on, since only the workflow knows how many waits came before.
 */
export function rateLimitedDetails(asked: { waitMs?: number; backoff?: BackoffPolicy }, reason: string): RateLimitedDetails {
  const { waitMs, backoff } = asked;
  return {
    waitMs: waitMs === undefined ? (backoff?.baseMs ?? DEFAULT_RATE_LIMIT_WAIT_MS) : Math.max(MIN_RATE_LIMIT_WAIT_MS, waitMs),
    reason,
    ...(waitMs === undefined && backoff ? { backoff: { baseMs: backoff.baseMs, capMs: backoff.capMs } } : {}),
  };
}

/**
 * What the provider asked for; when it named no wait, a full-jitter exponential backoff over the consecutive waits.
 * `random` is drawn only for a backoff (in workflow code, the seeded Math.random: replays draw the same sequence);
 * failures from before backoff existed carry no `backoff` and replay with their fixed wait, so no patch is needed.
 */
export function rateLimitWaitMs(details: RateLimitedDetails, previousWaits: number, random: () => number): number {
  return details.backoff ? fullJitterBackoffMs(details.backoff, previousWaits, random()) : details.waitMs;
}

/** How the wait reads in a run's log: the workflow draws a backoff itself, so only a named wait has a length yet. */
export function describeRateLimitWait(details: RateLimitedDetails): string {
  return details.backoff ? 'with backoff (the provider named no wait)' : describeWait(details.waitMs);
}

/** The wait the provider itself named, as metrics count it: a backoff is chosen by the workflow, so it counts none. */
export function namedWaitMs(details: RateLimitedDetails): number {
  return details.backoff ? 0 : details.waitMs;
}

/**
 * Full jitter (a uniform draw between 0 and the exponential ceiling), as in "Exponential Backoff And Jitter" (AWS):
 * clients limited together do not come back together. `previousWaits` counts the consecutive waits before this one;
 * `random` is a draw in [0, 1).
 */
export function fullJitterBackoffMs(policy: BackoffPolicy, previousWaits: number, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(previousWaits, 30));
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, Math.round(ceiling * random));
}

// ---- Quick retries of one request a caller is waiting on ----------------------------------------------------------

/**
 * A gateway error (502, 503, 504): a hop on the way failed, so an idempotent request may be sent again at once. A 429
 * is not one: a caller waiting on the answer (the proxy's) gets it as sent and decides when to come back.
 */
export function isGatewayError(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** The doubling pause before the `retry`-th quick retry (1, 2, …) of a request that got no answer or a gateway error. */
export function quickRetryWaitMs(retry: number, firstWaitMs: number): number {
  return firstWaitMs * 2 ** (retry - 1);
}

// ---- Wall clocks of IANA time zones, for daily allowances -----------------------------------------------------------

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
