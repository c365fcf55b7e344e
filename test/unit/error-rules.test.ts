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
