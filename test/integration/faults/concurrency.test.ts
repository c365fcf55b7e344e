// The per-provider concurrency limit: with one permit per worker, two connections syncing at once take turns
// request by request — the provider never sees two of their requests in flight — and both syncs complete.
import { waitForRunAfter } from '../../support/assertions';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { expectStoredExactlyOnce, salesforceCatalog } from './fault-support';

const PAGE = 500;
const CONTACTS = 3000; // six pages per connection

async function syncTwoConnectionsAtOnce(stack: TestStack) {
  stack.sandbox.faults.slowResponses({ delayMs: 250 });
  // Connected one right after the other (the stack registers the integration on its first connect); each first
  // sync starts at once and takes seconds, so they run side by side.
  for (const connectionId of ['first', 'second']) {
    expect((await stack.connectSalesforce(connectionId, { contacts: { frequency: '1h' } })).status).toBe(201);
  }
  const [first, second] = await Promise.all(['first', 'second'].map((connectionId) => waitForRunAfter(stack, connectionId, 'contacts', null)));
  stack.sandbox.faults.clear();
  for (const run of [first, second]) expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS, updated: 0, deleted: 0 });
  await expectStoredExactlyOnce(stack, 'first', 'contacts', 'Contact');
  await expectStoredExactlyOnce(stack, 'second', 'contacts', 'Contact');
  // The runs really were in flight together: each started before the other finished.
  expect(Date.parse(first.startedAt)).toBeLessThan(Date.parse(second.finishedAt));
  expect(Date.parse(second.startedAt)).toBeLessThan(Date.parse(first.finishedAt));
  return stack.sandbox.stats().maxConcurrentDataRequests;
}

describe('per-provider concurrency limit', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('with one permit, then two parallel syncs never have two data requests in flight, and both complete', async () => {
    stack = await startTestStack({
      name: 'fault-concurrency-1',
      catalog: salesforceCatalog(() => ({ pageSize: PAGE, maxConcurrentRequests: 1 })),
    });
    stack.sandbox.seed('Contact', CONTACTS);
    expect(await syncTwoConnectionsAtOnce(stack)).toBe(1);
  });

  it('with the default permits, then the same two syncs do overlap (the measurement can see it)', async () => {
    stack = await startTestStack({ name: 'fault-concurrency-n', catalog: salesforceCatalog(() => ({ pageSize: PAGE })) });
    stack.sandbox.seed('Contact', CONTACTS);
    expect(await syncTwoConnectionsAtOnce(stack)).toBe(2);
  });
});
