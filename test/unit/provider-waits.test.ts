// The one module that turns a provider's answer into a wait (contracts/provider-waits.ts), rule by rule, and the
// callers that hand it the answer: error classification, activity failures, workflows, the dry run and the proxy.
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures';
import { FailureType, type RateLimitedDetails } from '../../contracts/failure-types';
import {
  askedWaitMs,
  describeRateLimitWait,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  fullJitterBackoffMs,
  isGatewayError,
  msUntilNextMidnight,
  quickRetryWaitMs,
  rateLimitedDetails,
  rateLimitResetMs,
  rateLimitWaitMs,
  retryAfterMs,
} from '../../contracts/provider-waits';
import { salesforce } from '../../providers/salesforce/salesforce.provider';
import { classifyErrorResponse, type ProviderErrorRules } from '../../sync/error-rules';
import { ProviderError } from '../../sync/provider-error';
import { productFilesMatching } from '../support/product-files';

const NOW = Date.parse('2026-03-07T15:00:00Z');
const sfBody = (errorCode: string, message: string) => JSON.stringify([{ message, errorCode }]);

/** HubSpot's conventions as a catalog entry will give them: a 429 body names the policy that was hit. */
const hubspotLike: ProviderErrorRules = {
  errorCodePath: ['category'],
  errorMessagePath: ['message'],
  rules: [
    { status: 429, bodyField: { path: ['policyName'], equals: 'TEN_SECONDLY_ROLLING' }, kind: 'rate_limited', wait: { fixedMs: 10_000 }, reason: 'ten-second limit reached' },
    { status: 429, bodyField: { path: ['policyName'], equals: 'DAILY' }, kind: 'rate_limited', wait: { untilNextMidnightIn: 'America/New_York' }, reason: 'daily limit reached' },
  ],
  rateLimitBackoff: { baseMs: 2_000, capMs: 60_000 },
  maxRateLimitWaitMs: 24 * 3_600_000,
};
const hubspot429 = (policyName: string) =>
  JSON.stringify({ status: 'error', message: 'You have reached your limit.', errorType: 'RATE_LIMIT', category: 'RATE_LIMITS', policyName });

describe('rate-limit waits', () => {
  describe('X-RateLimit-Reset-style headers: the magnitude tells the dialect', () => {
    it('reads small values as delta seconds', () => {
      expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': '42' }), undefined, NOW)).toBe(42_000);
      expect(rateLimitResetMs(new Headers({ 'ratelimit-reset': '1.5' }), undefined, NOW)).toBe(1_500);
    });

    it('reads values from 1e9 on as epoch seconds, and from 1e12 on as epoch milliseconds', () => {
      expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 + 90) }), undefined, NOW)).toBe(90_000);
      expect(rateLimitResetMs(new Headers({ 'x-rate-limit-reset': String(NOW + 2_500) }), undefined, NOW)).toBe(2_500);
      // A reset that already passed means "now"; the failure mapping still waits a minimum (no hot loop).
      expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 - 5) }), undefined, NOW)).toBe(0);
    });

    it('ignores values that are not numbers, and headers the provider does not use', () => {
      expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': 'soon' }), undefined, NOW)).toBeUndefined();
      expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': '5' }), ['x-custom-reset'], NOW)).toBeUndefined();
    });

    it('applies to a 429, with Retry-After trusted first', () => {
      const reset = classifyErrorResponse(salesforce.api.errorRules, 429, new Headers({ 'x-ratelimit-reset': String(NOW / 1000 + 30) }), '', NOW);
      expect(reset).toMatchObject({ kind: 'rate_limited', details: { waitMs: 30_000 } });
      const both = classifyErrorResponse(salesforce.api.errorRules, 429, new Headers({ 'retry-after': '3', 'x-ratelimit-reset': '30' }), '', NOW);
      expect(both.details.waitMs).toBe(3_000);
    });
  });

  describe('HubSpot-style 429 bodies, from provider data', () => {
    it('waits ten seconds for TEN_SECONDLY_ROLLING', () => {
      const error = classifyErrorResponse(hubspotLike, 429, new Headers(), hubspot429('TEN_SECONDLY_ROLLING'), NOW);
      expect(error).toMatchObject({ kind: 'rate_limited', details: { waitMs: 10_000 } });
      expect(error.message).toContain('You have reached your limit.');
    });

    it('waits until the next midnight in the provider time zone for DAILY', () => {
      // 15:00 UTC on 7 March 2026 is 10:00 in New York (EST, UTC-5): midnight is 14 hours away.
      const error = classifyErrorResponse(hubspotLike, 429, new Headers(), hubspot429('DAILY'), NOW);
      expect(error.details.waitMs).toBe(14 * 3_600_000);
    });

    it('falls back to backoff for a policy it has no rule for', () => {
      const error = classifyErrorResponse(hubspotLike, 429, new Headers(), hubspot429('SECONDLY'), NOW);
      expect(error.details).toMatchObject({ backoff: { baseMs: 2_000, capMs: 60_000 } });
      expect(error.details.waitMs).toBeUndefined();
    });
  });

  describe('Salesforce REQUEST_LIMIT_EXCEEDED', () => {
    it('waits the catalog quarter-hour for the daily quota', () => {
      const error = classifyErrorResponse(salesforce.api.errorRules, 403, new Headers(), sfBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
      expect(error).toMatchObject({ kind: 'rate_limited', details: { waitMs: 15 * 60_000 } });
    });

    it('backs off for the concurrent-request limit, which clears in seconds to minutes', () => {
      const body = sfBody('REQUEST_LIMIT_EXCEEDED', 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.');
      const error = classifyErrorResponse(salesforce.api.errorRules, 403, new Headers(), body);
      expect(error.kind).toBe('rate_limited');
      expect(error.details.backoff).toEqual(salesforce.api.errorRules.rateLimitBackoff);
      expect(error.message).toContain('concurrent request limit reached');
    });
  });

  describe('next midnight in a time zone', () => {
    it('counts across a daylight-saving change (23-hour day in New York on 8 March 2026)', () => {
      const lateOnSaturday = Date.parse('2026-03-08T04:30:00Z'); // 23:30 EST on the 7th
      expect(msUntilNextMidnight('America/New_York', lateOnSaturday)).toBe(30 * 60_000);
      const sundayMorning = Date.parse('2026-03-08T05:30:00Z'); // 00:30 EST on the 8th, clocks go forward at 02:00
      expect(msUntilNextMidnight('America/New_York', sundayMorning)).toBe(Date.parse('2026-03-09T04:00:00Z') - sundayMorning);
    });

    it('works for UTC and zones east of Greenwich', () => {
      expect(msUntilNextMidnight('UTC', NOW)).toBe(9 * 3_600_000);
      expect(msUntilNextMidnight('Asia/Kolkata', NOW)).toBe(Date.parse('2026-03-07T18:30:00Z') - NOW);
    });
  });

  describe('full-jitter backoff', () => {
    const policy = { baseMs: 5_000, capMs: 60_000 };

    it('draws between the floor and a ceiling that doubles with each consecutive wait', () => {
      expect(fullJitterBackoffMs(policy, 0, 0.999)).toBe(4_995);
      expect(fullJitterBackoffMs(policy, 1, 0.5)).toBe(5_000);
      expect(fullJitterBackoffMs(policy, 2, 0.5)).toBe(10_000);
    });

    it('never exceeds the cap however many waits came before, and never drops under one second', () => {
      expect(fullJitterBackoffMs(policy, 1_000, 0.999_999)).toBeLessThanOrEqual(60_000);
      expect(fullJitterBackoffMs(policy, 3, 0)).toBe(1_000);
    });
  });

  describe('as a Temporal failure', () => {
    const detailsOf = (error: ProviderError) => {
      const failure = toActivityFailure(error, 1) as ApplicationFailure;
      expect(failure).toMatchObject({ type: FailureType.rateLimited, nonRetryable: true });
      return failure.details?.[0] as RateLimitedDetails;
    };

    it('carries an exact wait, but never less than a second', () => {
      expect(detailsOf(new ProviderError('rate_limited', 'x', { waitMs: 30_000 }))).toEqual({ waitMs: 30_000, reason: 'x' });
      expect(detailsOf(new ProviderError('rate_limited', 'x', { waitMs: 0 })).waitMs).toBe(1_000);
    });

    it('hands the backoff policy to the workflow when the provider named no wait', () => {
      const details = detailsOf(new ProviderError('rate_limited', 'x', { backoff: { baseMs: 5_000, capMs: 60_000 } }));
      expect(details).toEqual({ waitMs: 5_000, reason: 'x', backoff: { baseMs: 5_000, capMs: 60_000 } });
    });
  });

  describe('what the provider asked for', () => {
    it('reads Retry-After as delta seconds or an HTTP date, and ignores what is neither', () => {
      expect(retryAfterMs(new Headers({ 'retry-after': '30' }), NOW)).toBe(30_000);
      expect(retryAfterMs(new Headers({ 'retry-after': new Date(NOW + 90_000).toUTCString() }), NOW)).toBe(90_000);
      expect(retryAfterMs(new Headers({ 'retry-after': new Date(NOW - 90_000).toUTCString() }), NOW)).toBe(0);
      expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    });

    it('trusts Retry-After before a reset header, and either before the catalog rule', () => {
      const ruleWait = { fixedMs: 10_000 };
      const both = new Headers({ 'retry-after': '5', 'x-ratelimit-reset': '60' });
      expect(askedWaitMs(both, { ruleWait, maxWaitMs: 3_600_000 }, NOW)).toEqual({ waitMs: 5_000 });
      expect(askedWaitMs(new Headers({ 'x-ratelimit-reset': '60' }), { ruleWait, maxWaitMs: 3_600_000 }, NOW)).toEqual({ waitMs: 60_000 });
      expect(askedWaitMs(new Headers(), { ruleWait, maxWaitMs: 3_600_000 }, NOW)).toEqual({ waitMs: 10_000 });
    });

    it("reads only the provider's own reset headers when the catalog names them", () => {
      const headers = new Headers({ 'x-ratelimit-reset': '60', 'x-quota-reset': '7' });
      expect(askedWaitMs(headers, { resetHeaders: ['x-quota-reset'], maxWaitMs: 3_600_000 }, NOW)).toEqual({ waitMs: 7_000 });
    });

    it('cuts a wait longer than the maximum to it, saying what was asked', () => {
      expect(askedWaitMs(new Headers({ 'retry-after': String(365 * 86_400) }), { maxWaitMs: 86_400_000 }, NOW)).toEqual({
        waitMs: 86_400_000,
        askedMs: 365 * 86_400_000,
      });
    });

    it('names no wait when neither the headers nor a rule do: the backoff decides', () => {
      expect(askedWaitMs(new Headers({ 'x-ratelimit-remaining': '0' }), { maxWaitMs: 3_600_000 }, NOW)).toBeUndefined();
    });
  });

  describe('what the activity hands the workflow', () => {
    it('waits the default when a rate-limit error carries neither a wait nor a backoff', () => {
      expect(rateLimitedDetails({}, 'quota')).toEqual({ waitMs: DEFAULT_RATE_LIMIT_WAIT_MS, reason: 'quota' });
    });

    it('keeps a named wait and drops the backoff then: the provider said how long', () => {
      expect(rateLimitedDetails({ waitMs: 2_500, backoff: { baseMs: 5_000, capMs: 60_000 } }, 'r')).toEqual({ waitMs: 2_500, reason: 'r' });
    });
  });

  describe('what the workflow waits', () => {
    it('is what the provider asked for, drawing no random number (the draw sequence is part of the replayed history)', () => {
      const random = jest.fn(() => 0.5);
      expect(rateLimitWaitMs({ waitMs: 42_000, reason: 'daily limit' }, 3, random)).toBe(42_000);
      expect(random).not.toHaveBeenCalled();
    });

    it('is a full-jitter backoff that grows with the consecutive waits when the provider named none', () => {
      const backoff = { baseMs: 2_000, capMs: 60_000 };
      expect(rateLimitWaitMs({ waitMs: 1, reason: 'r', backoff }, 0, () => 0.5)).toBe(1_000);
      expect(rateLimitWaitMs({ waitMs: 1, reason: 'r', backoff }, 3, () => 0.5)).toBe(8_000);
      expect(rateLimitWaitMs({ waitMs: 1, reason: 'r', backoff }, 10, () => 0.999)).toBe(59_940);
    });

    it("is the catalog's backoff end to end for an answer that names no wait, for syncs and actions alike", () => {
      // Salesforce's concurrent-request limit: a 403 with no hint, which its catalog leaves to rateLimitBackoff.
      const error = classifyErrorResponse(salesforce.api.errorRules, 403, new Headers(), sfBody('REQUEST_LIMIT_EXCEEDED', 'ConcurrentRequests limit exceeded.'), NOW);
      const details = (toActivityFailure(error, 1) as ApplicationFailure).details?.[0] as RateLimitedDetails;
      const { baseMs, capMs } = salesforce.api.errorRules.rateLimitBackoff;
      expect(rateLimitWaitMs(details, 0, () => 0.999)).toBe(Math.round(baseMs * 0.999));
      expect(rateLimitWaitMs(details, 40, () => 0.999)).toBe(Math.round(capMs * 0.999));
    });
  });

  describe('quick retries of a request a caller waits on', () => {
    it('are for gateway errors only: a 429 or a 500 is handed back as sent', () => {
      expect([502, 503, 504].every(isGatewayError)).toBe(true);
      expect([429, 500, 501, 505, 408].some(isGatewayError)).toBe(false);
    });

    it('pause twice as long before each retry', () => {
      expect([1, 2, 3].map((retry) => quickRetryWaitMs(retry, 200))).toEqual([200, 400, 800]);
    });
  });

  it("reads in a run's log as the named wait's length, or as a backoff the workflow will draw", () => {
    expect(describeRateLimitWait(rateLimitedDetails({ waitMs: 10_000 }, 'burst'))).toBe('10 s');
    expect(describeRateLimitWait(rateLimitedDetails({ backoff: { baseMs: 5_000, capMs: 600_000 } }, 'no hint'))).toBe('with backoff (the provider named no wait)');
  });

  it('are decided nowhere else: no other file reads Retry-After, chooses a backoff, floors a wait or doubles a pause itself', () => {
    // Reading the header, flooring a wait, choosing between a named wait and a backoff, a literal doubling pause, a
    // hand-kept list of gateway statuses: each was once written outside the module.
    const deciding = /\.get\(['"]retry-after['"]\)|MIN_RATE_LIMIT_WAIT_MS|\.backoff \?|\d \* 2 \*\* \(|\[502, 503, 504\]/;
    expect(productFilesMatching(deciding)).toEqual(['contracts/provider-waits.ts']);
  });
});
