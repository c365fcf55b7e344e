import { ProviderCatalog } from '../../providers/catalog';
import { pipedrive } from '../../providers/pipedrive/pipedrive.provider';
import { salesforce } from '../../providers/salesforce/salesforce.provider';
import { retryAfterMs } from '../../contracts/provider-waits';
import { classifyErrorResponse } from '../../sync/error-rules';

const rules = salesforce.api.errorRules;
const sfBody = (errorCode: string, message: string) => JSON.stringify([{ message, errorCode }]);

describe('provider error classification', () => {
  it('treats Salesforce INVALID_SESSION_ID as an expired token', () => {
    const error = classifyErrorResponse(rules, 401, new Headers(), sfBody('INVALID_SESSION_ID', 'Session expired or invalid'));
    expect(error.kind).toBe('auth_expired');
    expect(error.message).toContain('Session expired or invalid');
  });

  it('treats the daily REQUEST_LIMIT_EXCEEDED as a rate limit with a wait, not a failure', () => {
    const error = classifyErrorResponse(rules, 403, new Headers(), sfBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    expect(error.kind).toBe('rate_limited');
    expect(error.details.waitMs).toBeGreaterThan(0);
  });

  it('restarts on an expired query locator and retries 5xx, but not a malformed query', () => {
    expect(classifyErrorResponse(rules, 400, new Headers(), sfBody('INVALID_QUERY_LOCATOR', 'invalid query locator')).kind).toBe('transient');
    expect(classifyErrorResponse(rules, 503, new Headers(), 'Service Unavailable').kind).toBe('transient');
    const malformed = classifyErrorResponse(rules, 400, new Headers(), sfBody('MALFORMED_QUERY', "unexpected token: 'FROMM'"));
    expect(malformed.kind).toBe('permanent');
    expect(malformed.message).toContain("unexpected token: 'FROMM'");
  });

  it('honours Retry-After in seconds and as an HTTP date on 429', () => {
    const error = classifyErrorResponse(rules, 429, new Headers({ 'retry-after': '7' }), '');
    expect(error).toMatchObject({ kind: 'rate_limited', details: { waitMs: 7000 } });
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
  });
});

describe("Pipedrive's two 429s", () => {
  const pipedriveRules = pipedrive.api.errorRules;
  const over = JSON.stringify({ success: false, error: 'Request over limit', errorCode: 429, error_info: 'Please check developers.pipedrive.com' });
  const windowHeaders = (remaining: string) => new Headers({ 'x-ratelimit-limit': '160', 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': '2' });

  it('waits out a burst refusal for as long as its reset header says', () => {
    const error = classifyErrorResponse(pipedriveRules, 429, windowHeaders('0'), over);
    expect(error).toMatchObject({ kind: 'rate_limited', details: { waitMs: 2000 } });
  });

  it('reads a refusal with room left in the two-second window as the daily budget: an hour, not the window\'s 2 s', () => {
    const error = classifyErrorResponse(pipedriveRules, 429, windowHeaders('37'), over);
    expect(error).toMatchObject({ kind: 'rate_limited', details: { waitMs: 60 * 60_000 } });
    expect(error.message).toContain('daily token budget spent');
  });

  it("waits a minute for Cloudflare's HTML block, which is no JSON", () => {
    const html = '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>blocked</body></html>';
    expect(classifyErrorResponse(pipedriveRules, 403, new Headers(), html)).toMatchObject({ kind: 'rate_limited', details: { waitMs: 60_000 } });
  });

  it('fails on a missing scope, which waiting does not fix', () => {
    const body = JSON.stringify({ success: false, error: 'Scope and URL mismatch', errorCode: 403, error_info: 'Please check developers.pipedrive.com' });
    const error = classifyErrorResponse(pipedriveRules, 403, new Headers(), body);
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('Scope and URL mismatch');
  });

  it('refuses a catalog rule that ignores the reset headers without a wait of its own', () => {
    const rule = { status: 429, kind: 'rate_limited' as const, ignoreResetHeaders: true as const, reason: 'blind' };
    const broken = { ...pipedrive, api: { ...pipedrive.api, errorRules: { ...pipedriveRules, rules: [rule] } } };
    expect(() => new ProviderCatalog([broken])).toThrow(/ignores the reset headers but names no wait/);
  });
});
