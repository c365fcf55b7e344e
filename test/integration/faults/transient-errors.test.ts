// Transient provider failures — 5xx answers, answers slower than the request timeout, truncated JSON — are retried
// by the activity's bounded retry policy from the last checkpoint: every record once, and no hot retry loop.
// A permanent one (a 400 that is neither auth nor a rate limit) fails the run at once with the provider's message.
import { ProviderCatalog } from '../../../providers/catalog';
import { accountSchema } from '../../../providers/salesforce/accounts.sync';
import { soqlSync } from '../../../providers/salesforce/soql-sync';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { dataRequests, expectStoredExactlyOnce, salesforceCatalog, syncOnce, withoutFieldDiscovery } from './fault-support';

const PAGE = 500;
const CONTACTS = 2000; // four pages
const PAGES = CONTACTS / PAGE;
const REQUEST_TIMEOUT_MS = 1000;

/**
 * A one-second request timeout instead of Salesforce's two minutes, so "slower than the timeout" is quick to show;
 * and an accounts sync that reads a fixed field list (no field discovery) naming a field this org does not have:
 * a request the provider rejects as such.
 */
function testCatalog(): ProviderCatalog {
  const salesforce = salesforceCatalog(() => ({ pageSize: PAGE, requestTimeoutMs: REQUEST_TIMEOUT_MS })).get('salesforce');
  const accountsWithHiddenField = withoutFieldDiscovery(soqlSync({
    model: 'accounts',
    object: 'Account',
    description: 'Salesforce Accounts, with a field the org hides',
    schema: accountSchema,
    defaultFrequency: '5m',
    fields: ['Name', 'Website', 'Industry', 'NumberOfEmployees', 'CreatedDate', 'LastModifiedDate', 'Secret__c'],
  }));
  return new ProviderCatalog([{ ...salesforce, syncs: salesforce.syncs.map((sync) => (sync.model === 'accounts' ? accountsWithHiddenField : sync)) }]);
}

describe('transient provider errors', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      name: 'fault-transient',
      catalog: testCatalog(),
    });
    stack.sandbox.seed('Contact', CONTACTS);
    stack.sandbox.seed('Account', 10);
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.sandbox.faults.clear();
    stack.sandbox.resetStats();
  });

  const runDocument = (connectionId: string) => stack.store.runs.collection.findOne({ connectionId });

  /** Clears the faults once the sandbox has answered `count` data requests (each a refused attempt's only one). */
  const recoverAfterRequests = async (count: number) => {
    await eventually(() => dataRequests(stack) >= count, { timeoutMs: 60_000, what: `${count} data requests` });
    stack.sandbox.faults.clear();
  };

  it('when a share of answers are 5xx for a while, then the slice is retried with backoff and the run completes', async () => {
    // Every answer a 503 until two attempts were refused (counted, not timed: a loaded machine may take longer than
    // any window to send the first request), then the provider recovers.
    stack.sandbox.faults.serverErrors({ share: 1, status: 503 });
    const run = await syncOnce(stack, 'flaky', 'contacts', 90_000, () => recoverAfterRequests(2));
    expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS, updated: 0, deleted: 0 });
    await expectStoredExactlyOnce(stack, 'flaky', 'contacts', 'Contact');
    // Backoff of 1 s, then 2 s: the refused attempts each cost a single request, and the last attempt read every page.
    const attempts = (await runDocument('flaky'))?.attempts ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(dataRequests(stack)).toBe(PAGES + attempts - 1);
  });

  it('when only some answers are 5xx, then retries resume from the checkpoint and never repeat a stored page', async () => {
    stack.sandbox.faults.serverErrors({ share: 0.3, seconds: 6, status: 500 });
    const run = await syncOnce(stack, 'patchy', 'contacts');
    expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS, updated: 0 });
    await expectStoredExactlyOnce(stack, 'patchy', 'contacts', 'Contact');
    const stored = await runDocument('patchy');
    // Every failed attempt cost one refused request; every other request delivered a page that was kept.
    expect(dataRequests(stack)).toBeLessThanOrEqual(PAGES + (stored?.attempts ?? 0) - 1);
    expect(stored?.attempts).toBeLessThanOrEqual(10); // the retry policy's maximumAttempts
  });

  it('when answers are slower than the request timeout, then the request is abandoned and retried, not waited for', async () => {
    stack.sandbox.faults.slowResponses({ delayMs: 3 * REQUEST_TIMEOUT_MS });
    const run = await syncOnce(stack, 'sluggish', 'contacts', 90_000, () => recoverAfterRequests(2));
    expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS, updated: 0 });
    await expectStoredExactlyOnce(stack, 'sluggish', 'contacts', 'Contact');
    const attempts = (await runDocument('sluggish'))?.attempts ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(dataRequests(stack)).toBe(PAGES + attempts - 1);
  });

  it('when bodies arrive truncated, then they count as transient and each costs exactly one repeated request', async () => {
    stack.sandbox.faults.truncatedJson({ count: 2 });
    const run = await syncOnce(stack, 'clipped', 'contacts');
    expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS, updated: 0 });
    await expectStoredExactlyOnce(stack, 'clipped', 'contacts', 'Contact');
    expect(dataRequests(stack)).toBe(PAGES + 2);
    expect((await runDocument('clipped'))?.attempts).toBe(3);
  });

  it('when the provider rejects the request itself, then the run fails at once with the provider message, not retried', async () => {
    const run = await syncOnce(stack, 'misfit', 'accounts');
    expect(run.status).toBe('failed');
    expect(run.error.code).toBe('ProviderRejected');
    expect(run.error.message).toContain('HTTP 400 INVALID_FIELD');
    expect(run.error.message).toContain("No such column 'Secret__c' on entity 'Account'");
    expect(dataRequests(stack)).toBe(1);
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'misfit' })).toBe(0);
    // Permanent for the run, not for the connection: it stays active and syncs again on its schedule.
    const view = (await stack.api('GET', '/connections/misfit')).body;
    expect(view).toMatchObject({ status: 'active', statusReason: null });
    expect(Date.parse(view.syncs.accounts.nextRunAt)).toBeGreaterThan(Date.now());
  });
});
