// Rate limits, done the provider's way: a REQUEST_LIMIT_EXCEEDED storm parks the connection in `rate_limited` on a
// timer and the run resumes from its checkpoint; the daily quota guard stops before the org's allowance is spent.
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { dataRequests, expectStoredExactlyOnce, salesforceCatalog, shortRuleWaits } from './fault-support';

const PAGE = 200;
const CONTACTS = 1000; // five pages
const DAILY_WAIT_MS = 3000;
const QUOTA_WAIT_MS = 4000;

describe('rate limits', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      name: 'fault-rate-limits',
      // Salesforce's own rules and headers, with waits of seconds instead of a quarter-hour or an hour.
      catalog: salesforceCatalog((api) => ({
        pageSize: PAGE,
        errorRules: { ...shortRuleWaits(api, DAILY_WAIT_MS), rateLimitBackoff: { baseMs: 500, capMs: 2000 } },
        quota: { ...api.quota!, waitMs: QUOTA_WAIT_MS },
      })),
    });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.sandbox.faults.clear();
    stack.sandbox.resetStats();
  });

  const connectionView = async (connectionId: string) => (await stack.api('GET', `/connections/${connectionId}`)).body;
  /** The connection's view as soon as it is parked in rate_limited (polled often: some parks last about a second). */
  const whenRateLimited = (connectionId: string, intervalMs: number, what: string) =>
    eventually(async () => {
      const view = await connectionView(connectionId);
      return view.status === 'rate_limited' ? view : null;
    }, { intervalMs, what });

  it('when a daily-limit storm hits, then the status says rate_limited until a time, and the run resumes and stores every record once', async () => {
    stack.sandbox.faults.rateLimitStorm({ seconds: 5, kind: 'daily' });
    const startedAt = Date.now();
    expect((await stack.connectSalesforce('stormy', { contacts: { frequency: '1h' } })).status).toBe(201);

    const parked = await whenRateLimited('stormy', 100, 'the connection in rate_limited');
    expect(parked.statusReason).toContain('API request limit reached');
    expect(parked.statusReason).toContain('TotalRequests Limit exceeded.');
    const until = Date.parse(parked.statusUntil);
    expect(until).toBeGreaterThan(startedAt);
    expect(until).toBeLessThanOrEqual(Date.now() + DAILY_WAIT_MS);

    const run = await eventually(async () => {
      const view = await connectionView('stormy');
      const lastRun = view.syncs.contacts.lastRun;
      return lastRun?.status === 'succeeded' && view.status === 'active' ? { view, lastRun } : null;
    }, { what: 'the run to finish after the storm' });
    expect(run.view).toMatchObject({ status: 'active', statusReason: null, statusUntil: null });
    expect(run.lastRun).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });
    // The run history says it waited, and how often.
    expect(run.lastRun.rateLimitWaits).toBeGreaterThanOrEqual(1);
    expect(run.lastRun.rateLimitWaits).toBeLessThanOrEqual(3);
    await expectStoredExactlyOnce(stack, 'stormy', 'contacts', 'Contact');

    // One refused request per wait of 3 s over a 5 s storm, then the five pages: no hot loop.
    expect(dataRequests(stack)).toBeLessThanOrEqual(CONTACTS / PAGE + 3);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(5000);
  });

  it('when the concurrent-request limit storms, then the run backs off with jitter and completes', async () => {
    stack.sandbox.faults.rateLimitStorm({ seconds: 3, kind: 'concurrent' });
    expect((await stack.connectSalesforce('crowded', { contacts: { frequency: '1h' } })).status).toBe(201);

    const parked = await whenRateLimited('crowded', 50, 'the connection in rate_limited');
    expect(parked.statusReason).toContain('ConcurrentRequests');
    // The backoff here is capped at 2 s (and never under 1 s).
    expect(Date.parse(parked.statusUntil) - Date.now()).toBeLessThanOrEqual(2000);

    const run = await eventually(async () => {
      const lastRun = (await connectionView('crowded')).syncs.contacts.lastRun;
      return lastRun?.status === 'succeeded' ? lastRun : null;
    }, { what: 'the run to finish after the storm' });
    expect(run).toMatchObject({ added: CONTACTS, updated: 0 });
    await expectStoredExactlyOnce(stack, 'crowded', 'contacts', 'Contact');
    // Waits of at least a second over a 3 s storm: at most 4 refused requests.
    expect(dataRequests(stack)).toBeLessThanOrEqual(CONTACTS / PAGE + 4);
  });

  it('when 80% of the daily quota is used, then no new page starts until the window allows, and nothing is lost or repeated', async () => {
    const pages = 7;
    stack.sandbox.seed('Contact', pages * PAGE - CONTACTS);
    // The guard stops once 4 of 5 calls are used: after four pages, each stored before it stops.
    stack.sandbox.setOptions({ dailyApiLimit: 5 });
    expect((await stack.connectSalesforce('thrifty', { contacts: { frequency: '1h' } })).status).toBe(201);

    const parked = await whenRateLimited('thrifty', 100, 'the quota guard to park the connection');
    expect(parked.statusReason).toContain('daily API quota guard: 4 of 5 requests used');
    expect(Date.parse(parked.statusUntil)).toBeGreaterThan(Date.now() + QUOTA_WAIT_MS / 2);
    expect(stack.sandbox.stats().apiUsage).toEqual({ used: 4, limit: 5 });
    expect(parked.syncs.contacts.lastRun).toMatchObject({ status: 'running', pages: 4, recordsRead: 4 * PAGE });
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'thrifty' })).toBe(4 * PAGE);

    // The customer's quota frees up (a new day, or old calls aging out of the rolling window).
    stack.sandbox.setOptions({ dailyApiLimit: 100_000 });
    const run = await eventually(async () => {
      const lastRun = (await connectionView('thrifty')).syncs.contacts.lastRun;
      return lastRun?.status === 'succeeded' ? lastRun : null;
    }, { what: 'the run to resume and finish' });
    expect(run).toMatchObject({ added: pages * PAGE, updated: 0, deleted: 0, pages });
    await expectStoredExactlyOnce(stack, 'thrifty', 'contacts', 'Contact');
    // Resumed from the checkpoint: each page was asked for once, and no request was spent while waiting.
    expect(dataRequests(stack)).toBe(pages);
    expect((await connectionView('thrifty')).status).toBe('active');
  });
});
