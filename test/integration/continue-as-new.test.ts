// A connection's history stays bounded: with a low threshold the workflow continues as new while a sync is in flight,
// while it waits out a rate limit, and with a sync request pending; nothing is restarted, lost or announced twice.
import type { WebhookEvent } from '../../contracts/webhook-events';
import { connectionStateQuery } from '../../workflows';
import { eventually } from '../support/eventually';
import { waitForRunAfter } from '../support/assertions';
import { startTestStack, type TestStack } from '../support/test-stack';

const CONTACTS = 8_000; // four pages of 2,000: one slice each with a 1 ms slice budget

describe('continue-as-new on a live connection', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'continue-as-new', maxSliceMs: 1, workflow: { continueAsNewAfterEvents: 40 } });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());

  const executions = async () => {
    const runs: { runId: string; status: string }[] = [];
    for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId = '${stack.workflowId('cas')}'` })) {
      runs.push({ runId: execution.runId, status: execution.status.name });
    }
    return runs;
  };

  it('resumes the run in flight from its checkpoint, keeps a pending resync and a rate-limit wait, and announces each change once', async () => {
    stack.sandbox.faults.slowResponses({ delayMs: 300 });
    expect((await stack.connectSalesforce('cas', { contacts: { frequency: '1h' } })).status).toBe(201);
    // Mid-run: a rate-limit storm (the run waits on a timer) and a full resync asked for while the run is busy.
    await eventually(async () => ((await stack.store.runs.collection.findOne({ connectionId: 'cas' }))?.pages ?? 0) >= 2, { what: 'two pages stored' });
    stack.sandbox.faults.rateLimitStorm({ seconds: 2, kind: 'concurrent' });
    expect((await stack.api('POST', '/connections/cas/sync', { models: ['contacts'], mode: 'incremental' })).status).toBe(202);

    const first = await waitForRunAfter(stack, 'cas', 'contacts', null, 110_000);
    expect(first).toMatchObject({ status: 'succeeded', mode: 'incremental', added: CONTACTS, recordsRead: CONTACTS });
    expect(first.rateLimitWaits).toBeGreaterThanOrEqual(1);
    // One run, read once: the continue-as-new did not restart it (the requested run may already have started since).
    const startedBeforeItEnded = { connectionId: 'cas', startedAt: { $lt: new Date(first.finishedAt) } };
    expect(await stack.store.runs.collection.countDocuments(startedBeforeItEnded)).toBe(1);

    // The sync asked for before the continue-as-new was kept and ran (the schedule alone would wait an hour).
    stack.sandbox.faults.clear();
    const requested = await waitForRunAfter(stack, 'cas', 'contacts', first.runId, 110_000);
    expect(requested).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 0, updated: 0, deleted: 0 });

    const chain = await executions();
    expect(chain.filter((e) => e.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
    const state = await stack.temporal.workflow.getHandle(stack.workflowId('cas')).query(connectionStateQuery);
    expect(state).toMatchObject({ status: 'active', models: { contacts: { activeRun: null, requestedMode: null } } });

    // Every webhook once: the creation, and the first run's changes; the requested run changed nothing.
    const events = stack.receiver.received.map((r) => r.event as WebhookEvent).filter((e) => e.connectionId === 'cas');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.map((e) => (e.type === 'auth' ? `auth:${e.operation}` : e.type === 'sync' ? `sync:${e.mode}:${e.added}` : e.type)).sort()).toEqual([
      'auth:creation',
      `sync:incremental:${CONTACTS}`,
    ]);
  }, 240_000);
});
