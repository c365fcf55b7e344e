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

  it('never forwards hop-by-hop headers, those the caller named in Connection, or Expect (the proxy answers 100-continue itself)', () => {
    const forwarded = forwardedRequestHeaders({
      connection: 'keep-alive, X-Hop-Secret',
      'x-hop-secret': 'for the next hop only',
      'proxy-connection': 'keep-alive',
      expect: '100-continue',
      te: 'trailers',
      'content-type': 'application/json',
    });
    expect(forwarded).toEqual({ 'content-type': 'application/json' });
  });

  it('drops the encoding, length and digests of a body it has already inflated, since they describe bytes it no longer sends', () => {
    const forwarded = forwardedRequestHeaders({
      'content-encoding': 'gzip',
      'content-length': '123',
      'content-md5': 'Q2hlY2sgSW50ZWdyaXR5IQ==',
      'content-digest': 'sha-256=:abc=:',
      'repr-digest': 'sha-256=:abc=:',
      digest: 'SHA-256=abc=',
      'content-type': 'application/json',
    });
    expect(forwarded).toEqual({ 'content-type': 'application/json' });
    // Digests of a body that was never re-encoded still describe it.
    expect(forwardedRequestHeaders({ 'content-digest': 'sha-256=:abc=:', 'content-type': 'text/plain' })).toEqual({
      'content-digest': 'sha-256=:abc=:',
      'content-type': 'text/plain',
    });
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

  it('returns no header the provider named as hop-by-hop in its Connection header', () => {
    const returned = returnedResponseHeaders(new Headers({ connection: 'close, x-hop', 'x-hop': '1', 'content-type': 'text/plain', 'proxy-connection': 'close' }));
    expect(returned).toEqual({ 'content-type': 'text/plain' });
  });
});
