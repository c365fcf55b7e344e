// Nothing a provider answers can hurt the worker: oversized bodies, redirects, foreign next links, waits of years.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refreshAccessToken, TokenError } from '../../oauth/token-client';
import { providerCatalog } from '../../providers/catalog';
import { salesforce } from '../../providers/salesforce/salesforce.provider';
import { createProviderHttpClient } from '../../sync-engine/provider-http-client';
import { classifyErrorResponse } from '../../sync/error-rules';
import { paginateByNextUrl } from '../../sync/pagination';
import { ProviderError } from '../../sync/provider-error';

const rules = providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules('salesforce');

/** A loopback server answering each path with a handler, counting requests per path. */
async function fakeProvider(routes: Record<string, (res: import('node:http').ServerResponse) => void>) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const route = routes[(req.url ?? '').split('?')[0]];
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const client = (baseUrl: string, maxResponseBytes = 1000) =>
  createProviderHttpClient({ baseUrl, accessToken: 'the-token', urlRules: rules, maxResponseBytes, errorRules: salesforce.api.errorRules, timeoutMs: 5000 });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('provider answers', () => {
  test('a page over the byte limit is refused as a clear error, streamed or declared', async () => {
    const provider = await fakeProvider({
      '/declared': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(5000) })),
      '/streamed': (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"pad":"');
        for (let i = 0; i < 50; i++) res.write('x'.repeat(100));
        res.end('"}');
      },
      '/small': (res) => res.writeHead(200).end('{"ok":true}'),
    });
    try {
      for (const path of ['/declared', '/streamed']) {
        const error = await failure(client(provider.url).get(path));
        expect([path, error.kind, error.message]).toEqual([path, 'permanent', expect.stringMatching(/answered more than 1000 bytes \(the provider's api.maxResponseBytes\)/)]);
      }
      await expect(client(provider.url).get('/small')).resolves.toEqual({ ok: true });
    } finally {
      await provider.close();
    }
  });

  test('a redirect is not followed with the bearer token', async () => {
    const elsewhere = await fakeProvider({ '/stolen': (res) => res.writeHead(200).end('{}') });
    const provider = await fakeProvider({ '/moved': (res) => res.writeHead(307, { location: `${elsewhere.url}/stolen` }).end() });
    try {
      const error = await failure(client(provider.url).get('/moved'));
      expect(error.message).toMatch(/HTTP 307, a redirect; redirects are not followed with credentials/);
      expect(elsewhere.hits).toEqual([]);
    } finally {
      await provider.close();
      await elsewhere.close();
    }
  });

  test('a next-page URL on another origin is not followed', async () => {
    const elsewhere = await fakeProvider({ '/page2': (res) => res.writeHead(200).end('{"records":[],"next":null}') });
    const provider = await fakeProvider({ '/page1': (res) => res.writeHead(200).end(JSON.stringify({ records: [1], next: `${elsewhere.url}/page2` })) });
    try {
      const pages = paginateByNextUrl<{ next: string | null }>(client(provider.url), { path: '/page1', nextUrl: (r) => r.body.next });
      expect((await pages.next()).value?.body).toEqual({ records: [1], next: `${elsewhere.url}/page2` });
      const error = await failure(pages.next());
      expect(error.message).toMatch(/leaves the API's origin/);
      expect(elsewhere.hits).toEqual([]);
    } finally {
      await provider.close();
      await elsewhere.close();
    }
  });

  test('a connection whose API URL breaks the rules sends nothing at all', async () => {
    const strict = createProviderHttpClient({
      baseUrl: 'http://[fe80::1]',
      accessToken: 'the-token',
      urlRules: providerCatalog.urlRules('salesforce'),
      maxResponseBytes: 1000,
      errorRules: salesforce.api.errorRules,
      timeoutMs: 5000,
    });
    const error = await failure(strict.get('/services/data'));
    expect(error.message).toMatch(/API URL must be an https URL; no request was sent/);
  });

  test('a token answer over the byte limit is refused', async () => {
    const provider = await fakeProvider({ '/token': (res) => res.writeHead(200).end(JSON.stringify({ access_token: 'a', pad: 'x'.repeat(100_000) })) });
    try {
      const error = await refreshAccessToken(salesforce, { clientId: 'c', clientSecret: 's', tokenUrl: `${provider.url}/token`, urlRules: rules }, 'r').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenError);
      expect((error as TokenError).message).toMatch(/more than 65536 bytes/);
    } finally {
      await provider.close();
    }
  });

  test('a Retry-After of years is clamped to the provider maximum, and the reason says so', () => {
    const max = salesforce.api.errorRules.maxRateLimitWaitMs;
    const headers = new Headers({ 'retry-after': String(5 * 365 * 86_400) });
    const error = classifyErrorResponse(salesforce.api.errorRules, 429, headers, '[]');
    expect(error.details.waitMs).toBe(max);
    expect(error.message).toMatch(/asked to wait 1825 d, clamped to 1 d/);
    const resetHeader = classifyErrorResponse(salesforce.api.errorRules, 429, new Headers({ 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10 * 86_400) }), '[]');
    expect(resetHeader.details.waitMs).toBe(max);
    const short = classifyErrorResponse(salesforce.api.errorRules, 429, new Headers({ 'retry-after': '30' }), '[]');
    expect([short.details.waitMs, short.message]).toEqual([30_000, expect.not.stringMatching(/clamped/)]);
  });

  test('an error body copied into a run error is short', () => {
    const error = classifyErrorResponse(salesforce.api.errorRules, 400, new Headers(), JSON.stringify([{ errorCode: 'X', message: 'y'.repeat(10_000) }]));
    expect(error.message.length).toBeLessThan(700);
  });
});
