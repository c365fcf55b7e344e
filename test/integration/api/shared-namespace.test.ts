// Two deployments on one Temporal namespace (as parallel test files, or staging beside production) with the same
// connection id: each must keep its own workflow, and stopping one must not stop the other's syncs.
import { waitForRunAfter } from '../../support/assertions';
import { startTestStack, type TestStack } from '../../support/test-stack';

describe('deployments sharing a Temporal namespace', () => {
  let first: TestStack;
  let second: TestStack;
  let firstClosed = false;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startTestStack({ name: 'shared-ns-a', workflowIdPrefix: 'staging/' }),
      startTestStack({ name: 'shared-ns-b', workflowIdPrefix: 'production/' }),
    ]);
    first.sandbox.seed('Contact', 3);
    second.sandbox.seed('Contact', 5);
  });
  afterAll(async () => {
    if (!firstClosed) await first?.close();
    await second?.close();
  });

  it('gives the same connection id one workflow per deployment, on that deployment\'s task queue', async () => {
    expect((await first.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    expect((await second.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);

    expect((await waitForRunAfter(first, 'acme', 'contacts', null)).added).toBe(3);
    expect((await waitForRunAfter(second, 'acme', 'contacts', null)).added).toBe(5);

    const [a, b] = await Promise.all([
      first.temporal.workflow.getHandle(first.workflowId('acme')).describe(),
      second.temporal.workflow.getHandle(second.workflowId('acme')).describe(),
    ]);
    expect(a.workflowId).toBe('staging/connection:acme');
    expect(b.workflowId).toBe('production/connection:acme');
    expect([a.taskQueue, b.taskQueue]).toEqual([first.taskQueue, second.taskQueue]);
  });

  it('keeps the other deployment syncing after one deployment stops its workflows', async () => {
    const before = await waitForRunAfter(second, 'acme', 'contacts', null);
    const stopping = first;
    firstClosed = true;
    await stopping.close();

    second.sandbox.seed('Contact', 2);
    expect((await second.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const after = await waitForRunAfter(second, 'acme', 'contacts', before.runId);
    expect(after).toMatchObject({ status: 'succeeded', added: 2 });
  });
});
