// The proxy sends the access token only to a path on the connection's own API host.
import { AppError } from '../../../errors/app-error';
import { forwardedRequestHeaders, proxyTarget, returnedResponseHeaders } from '../../../api/proxy/proxy-target';

describe('proxyTarget', () => {
  it('joins a path and query to the base URL, keeping a base path prefix', () => {
    expect(proxyTarget('https://acme.my.salesforce.com', '/services/data/v59.0/sobjects/Contact/describe?x=1').href)
      .toBe('https://acme.my.salesforce.com/services/data/v59.0/sobjects/Contact/describe?x=1');
    expect(proxyTarget('https://api.example.test/eu/', '/crm/v3/properties/contacts').href).toBe('https://api.example.test/eu/crm/v3/properties/contacts');
  });

  it.each([
    ['an absolute URL after /proxy', '/https://elsewhere.test/x'],
    ['a percent-encoded absolute URL', '/https:%2F%2Felsewhere.test/x'],
    ['a scheme-relative URL', '//elsewhere.test/x'],
    ['a backslash trick', '/\\elsewhere.test/x'],
    ['no leading slash', 'elsewhere.test/x'],
  ])('refuses %s with a 400 naming the path', (_what, path) => {
    let thrown: unknown;
    try {
      proxyTarget('https://acme.my.salesforce.com', path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('validation_failed');
    expect((thrown as AppError).details.fields?.[0].field).toBe('path');
  });

  it('refuses .. that climbs above the base path', () => {
    expect(() => proxyTarget('https://api.example.test/eu', '/../admin')).toThrow(/leaves the provider's API base/);
    expect(() => proxyTarget('https://api.example.test/eu', '/%2e%2e/admin')).toThrow(/leaves the provider's API base/);
  });
});

describe('proxied headers', () => {
  it('never forwards the secret key, cookies or the connection header', () => {
    const forwarded = forwardedRequestHeaders({
      authorization: 'Bearer secret-key',
      cookie: 'a=b',
      'connection-id': 'acme',
      host: 'localhost',
      accept: 'application/json',
      'if-modified-since': 'Wed, 21 Oct 2026 07:28:00 GMT',
    });
    expect(forwarded).toEqual({ accept: 'application/json', 'if-modified-since': 'Wed, 21 Oct 2026 07:28:00 GMT' });
  });

  it("passes the provider's rate-limit headers back but not its cookies or body encoding", () => {
    const returned = returnedResponseHeaders(new Headers({
      'x-hubspot-ratelimit-remaining': '0',
      'retry-after': '10',
      'set-cookie': 'session=x',
      'content-encoding': 'gzip',
      'content-type': 'application/json',
    }));
    expect(returned).toEqual({ 'x-hubspot-ratelimit-remaining': '0', 'retry-after': '10', 'content-type': 'application/json' });
  });
});
