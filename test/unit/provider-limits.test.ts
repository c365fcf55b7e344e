import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderCatalog, providerCatalog } from '../../providers/catalog';
import { salesforce } from '../../providers/salesforce/salesforce.provider';
import { ConcurrencyLimit } from '../../sync-engine/concurrency-limit';
import { createProviderHttpClient } from '../../sync-engine/provider-http-client';
import { QuotaGuard } from '../../sync-engine/quota-guard';
import { ProviderError } from '../../sync/provider-error';
import { parseWorkerConfig } from '../../worker/config';
import { withOperatorLimits } from '../../worker/provider-limits';

const quota = salesforce.api.quota!;

describe('provider limits', () => {
  describe('daily quota guard', () => {
    it('lets requests start until the reported usage reaches the share, then names the wait', () => {
      const guard = new QuotaGuard({ ...quota, waitMs: 3_600_000 });
      guard.assertRoom(); // nothing read yet: the first request tells
      guard.observe(new Headers({ 'sforce-limit-info': 'api-usage=79/100' }));
      guard.assertRoom();
      guard.observe(new Headers({ 'sforce-limit-info': 'api-usage=80/100' }));
      let thrown: unknown;
      try {
        guard.assertRoom();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProviderError);
      expect(thrown).toMatchObject({ kind: 'rate_limited', details: { waitMs: 3_600_000 } });
      expect((thrown as Error).message).toContain('80 of 100');
    });

    it('keeps the last reading when an answer carries no usable header', () => {
      const guard = new QuotaGuard(quota);
      guard.observe(new Headers({ 'sforce-limit-info': 'api-usage=90/100' }));
      guard.observe(new Headers());
      guard.observe(new Headers({ 'sforce-limit-info': 'api-usage=1/0' }));
      expect(() => guard.assertRoom()).toThrow(ProviderError);
    });
  });

  describe('the HTTP client with a guard and a limiter', () => {
    let server: Server;
    let baseUrl: string;
    let used = 0;
    let inFlight = 0;
    let maxInFlight = 0;

    beforeAll(async () => {
      server = createServer((_req, res) => {
        used++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          res.writeHead(200, { 'content-type': 'application/json', 'sforce-limit-info': `api-usage=${used}/10` });
          res.end(JSON.stringify({ used }));
        }, 30);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => {
      used = 0;
      maxInFlight = 0;
    });

    const client = (extra: Partial<Parameters<typeof createProviderHttpClient>[0]>) =>
      createProviderHttpClient({ baseUrl, accessToken: 't', urlRules: providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules('salesforce'), maxResponseBytes: salesforce.api.maxResponseBytes, errorRules: salesforce.api.errorRules, timeoutMs: 5_000, ...extra });

    it('does not send the request after the answer that crossed the share', async () => {
      const http = client({ quota: new QuotaGuard(quota) });
      for (let i = 1; i <= 8; i++) await http.get('/page');
      await expect(http.get('/page')).rejects.toMatchObject({ kind: 'rate_limited' });
      expect(used).toBe(8);
    });

    it('keeps at most the limit of requests in flight, and all of them complete', async () => {
      const limit = new ConcurrencyLimit(2);
      const http = client({ limiter: limit });
      const answers = await Promise.all(Array.from({ length: 7 }, () => http.get<{ used: number }>('/page')));
      expect(answers).toHaveLength(7);
      expect(maxInFlight).toBe(2);
      expect(limit.usage()).toEqual({ inFlight: 0, waiting: 0 });
    });
  });

  describe('concurrency limit', () => {
    it('grants permits first come, first served', async () => {
      const limit = new ConcurrencyLimit(1);
      const order: string[] = [];
      const first = await limit.acquire();
      const second = limit.acquire().then((release) => (order.push('second'), release));
      const third = limit.acquire().then((release) => (order.push('third'), release));
      expect(limit.usage()).toEqual({ inFlight: 1, waiting: 2 });
      first();
      first(); // releasing twice hands back one permit only
      (await second)();
      (await third)();
      expect(order).toEqual(['second', 'third']);
      expect(limit.usage()).toEqual({ inFlight: 0, waiting: 0 });
    });

    it('drops a waiter whose activity was cancelled', async () => {
      const limit = new ConcurrencyLimit(1);
      const held = await limit.acquire();
      const cancel = new AbortController();
      const waiting = limit.acquire(cancel.signal);
      cancel.abort(new Error('cancelled'));
      await expect(waiting).rejects.toThrow('cancelled');
      expect(limit.usage()).toEqual({ inFlight: 1, waiting: 0 });
      held();
      expect(limit.usage()).toEqual({ inFlight: 0, waiting: 0 });
    });
  });

  describe('catalog and worker configuration', () => {
    it('rejects limits that could never work, loudly', () => {
      const withApi = (api: Partial<typeof salesforce.api>) => () => new ProviderCatalog([{ ...salesforce, api: { ...salesforce.api, ...api } }]);
      expect(withApi({ maxConcurrentRequests: 0 })).toThrow(/maxConcurrentRequests/);
      expect(withApi({ quota: { ...quota, maxShare: 1.5 } })).toThrow(/maxShare/);
      expect(withApi({ errorRules: { ...salesforce.api.errorRules, rateLimitBackoff: { baseMs: 10, capMs: 5 } } })).toThrow(/rateLimitBackoff/);
      const badZone = { status: 429, kind: 'rate_limited' as const, wait: { untilNextMidnightIn: 'Mars/Olympus' }, reason: 'daily' };
      expect(withApi({ errorRules: { ...salesforce.api.errorRules, rules: [badZone] } })).toThrow(/unknown time zone/);
    });

    it('applies the operator quota share and concurrency from the environment', () => {
      const env = {
        MONGODB_URI: 'mongodb://localhost',
        TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
        TRIBUTARY_PROVIDER_QUOTA_SHARES: 'salesforce=0.5',
        TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS: 'salesforce = 3',
      };
      const catalog = withOperatorLimits(providerCatalog, parseWorkerConfig(env));
      expect(catalog.get('salesforce').api).toMatchObject({ maxConcurrentRequests: 3, quota: { maxShare: 0.5, waitMs: quota.waitMs } });
      expect(providerCatalog.get('salesforce').api.quota?.maxShare).toBe(0.8); // the shared catalog is untouched
    });

    it('stops the worker on a bad or unknown entry, naming the variable', () => {
      const base = { MONGODB_URI: 'mongodb://localhost', TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` };
      expect(() => parseWorkerConfig({ ...base, TRIBUTARY_PROVIDER_QUOTA_SHARES: 'salesforce=80%' })).toThrow(/TRIBUTARY_PROVIDER_QUOTA_SHARES/);
      expect(() => parseWorkerConfig({ ...base, TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS: 'salesforce=0' })).toThrow(/positive integer/);
      const unknown = parseWorkerConfig({ ...base, TRIBUTARY_PROVIDER_QUOTA_SHARES: 'copper=0.5' });
      expect(() => withOperatorLimits(providerCatalog, unknown)).toThrow(/unknown provider "copper"/);
      const withoutQuota = parseWorkerConfig({ ...base, TRIBUTARY_PROVIDER_QUOTA_SHARES: 'hubspot=0.5' });
      expect(() => withOperatorLimits(providerCatalog, withoutQuota)).toThrow(/provider "hubspot" reports no quota/);
    });
  });
});
