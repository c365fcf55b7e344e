import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures';
import { fullJitterBackoffMs } from '../../contracts/backoff';
import { FailureType, type RateLimitedDetails } from '../../contracts/failure-types';
import { salesforce } from '../../providers/salesforce/salesforce.provider';
import { classifyErrorResponse, type ProviderErrorRules } from '../../sync/error-rules';
import { ProviderError } from '../../sync/provider-error';
import { msUntilNextMidnight, rateLimitResetMs } from '../../sync/rate-limit-waits';

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
});
