// PATCH /connections/:id changes a live connection: its running workflow follows at once, seen through the API, the
// workflow's state and the provider's request counts.
import type { WebhookEvent } from '../../../contracts/webhook-events';
import { connectionStateQuery } from '../../../workflows';
import { eventually } from '../../support/eventually';
import { waitForRunAfter } from '../../support/assertions';
import { startTestStack, type TestStack } from '../../support/test-stack';

const totalRequests = (stack: TestStack) => Object.values(stack.sandbox.stats().requests).reduce((sum, n) => sum + n, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PATCH /connections/:id', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'update-connection' });
    stack.sandbox.seed('Contact', 20);
    stack.sandbox.seed('Account', 7);
  });
  afterAll(() => stack?.close());

  const workflowState = () => stack.temporal.workflow.getHandle(stack.workflowId('acme')).query(connectionStateQuery);
  const runsOf = async (model: string) => (await stack.api('GET', `/connections/acme/runs?model=${model}&limit=100`)).body.runs as { runId: string }[];

  it('enables a model the connection was not created with, and it syncs at once', async () => {
    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'acme', 'contacts', null);
    expect((await stack.api('GET', '/connections/acme')).body.syncs).not.toHaveProperty('accounts');

    const patched = await stack.api('PATCH', '/connections/acme', { syncs: { accounts: { enabled: true, frequency: '1h' } } });
    expect(patched.status).toBe(200);
    expect(patched.body.syncs.accounts).toMatchObject({ frequency: '1h', paused: false });
    const run = await waitForRunAfter(stack, 'acme', 'accounts', null);
    expect(run).toMatchObject({ status: 'succeeded', added: 7 });
    expect(Object.keys((await workflowState()).models).sort()).toEqual(['accounts', 'contacts']);
  });

  it('changes a frequency: the running workflow schedules by the new one', async () => {
    const before = (await runsOf('contacts')).length;
    expect((await stack.api('PATCH', '/connections/acme', { syncs: { contacts: { frequency: '2s' } } })).status).toBe(200);
    expect((await workflowState()).models.contacts.frequencyMs).toBe(2000);
    // An hourly model runs again within seconds only because the workflow took the new frequency.
    await eventually(async () => (await runsOf('contacts')).length >= before + 2, { what: 'two more contacts runs at the new frequency' });
    expect((await stack.api('GET', '/connections/acme')).body.syncs.contacts.frequency).toBe('2s');
  });

  it('pauses the connection: no provider request, no token refresh, until it is resumed', async () => {
    const paused = await stack.api('PATCH', '/connections/acme', { paused: true });
    expect(paused.body).toMatchObject({ paused: true, status: 'paused' });
    expect((await stack.api('GET', '/connections?status=paused')).body.connections.map((c: { connectionId: string }) => c.connectionId)).toEqual(['acme']);
    expect((await stack.api('GET', '/connections?status=active')).body.connections).toEqual([]);
    await eventually(async () => (await workflowState()).status === 'paused', { what: 'the workflow to say paused' });
    // A run in flight stops at its next page; give it that long, then count.
    await sleep(1500);
    stack.sandbox.expireSessions(); // a refresh would be needed by anything that ran now
    stack.sandbox.resetStats();
    await sleep(6000); // three periods of the 2 s contacts schedule
    expect(stack.sandbox.stats().requests).toEqual({});
    expect(totalRequests(stack)).toBe(0);

    const lastRun = (await runsOf('contacts'))[0].runId;
    const resumed = await stack.api('PATCH', '/connections/acme', { paused: false });
    expect(resumed.body).toMatchObject({ paused: false, status: 'active' });
    expect(await waitForRunAfter(stack, 'acme', 'contacts', lastRun)).toMatchObject({ status: 'succeeded' });
    // The sessions expired while paused: the first request after resuming needed a refresh.
    expect(stack.sandbox.stats().requests).toMatchObject({ 'token.refresh_token': expect.any(Number) });
    expect(totalRequests(stack)).toBeGreaterThan(stack.sandbox.stats().requests['token.refresh_token']);
  });

  it('pauses one model only', async () => {
    expect((await stack.api('PATCH', '/connections/acme', { syncs: { contacts: { paused: true } } })).body.syncs.contacts.paused).toBe(true);
    await eventually(async () => (await workflowState()).models.contacts.paused === true, { what: 'contacts paused in the workflow' });
    await sleep(1500);
    const before = (await runsOf('contacts')).length;
    await sleep(5000);
    expect((await runsOf('contacts')).length).toBe(before);
    expect((await stack.api('PATCH', '/connections/acme', { syncs: { contacts: { paused: false, frequency: '1h' } } })).status).toBe(200);
  });

  it('keeps the app\'s metadata, returns it, and sends it with every webhook', async () => {
    const metadata = { customerId: 'cus_42', plan: { tier: 'gold' } };
    expect((await stack.api('PATCH', '/connections/acme', { metadata })).body.metadata).toEqual(metadata);
    expect((await stack.api('GET', '/connections/acme')).body.metadata).toEqual(metadata);
    stack.sandbox.seed('Contact', 3);
    const count = stack.receiver.received.length;
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    await stack.receiver.waitFor((received) => received.slice(count).some((r) => (r.event as WebhookEvent).type === 'sync'));
    const event = stack.receiver.received.slice(count).map((r) => r.event as WebhookEvent).find((e) => e.type === 'sync');
    expect(event?.metadata).toEqual(metadata);
  });

  it('disables a model: it leaves the connection and its workflow', async () => {
    const disabled = await stack.api('PATCH', '/connections/acme', { syncs: { accounts: { enabled: false } } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.syncs).not.toHaveProperty('accounts');
    await eventually(async () => !('accounts' in (await workflowState()).models), { what: 'accounts gone from the workflow' });
  });

  it('refuses bad input with a 400 naming the field, a change the connection cannot take with a 409, and changes nothing', async () => {
    const before = (await stack.api('GET', '/connections/acme')).body;
    // Well-formed changes that conflict with what the connection is (a model its provider lacks, removing its last
    // model) are a 409, not a 400 (issue 25), and not a 404, which would say the connection is gone.
    const cases: [unknown, number, RegExp][] = [
      [{}, 400, /at least one/],
      [{ syncs: { opportunities_x: { enabled: true } } }, 409, /body\.syncs\.opportunities_x/],
      [{ syncs: { contacts: { frequency: 'often' } } }, 400, /frequency/],
      [{ syncs: { contacts: { enabled: false } } }, 409, /at least one model/],
      [{ paused: 'yes' }, 400, /paused/],
      [{ syncs: { constructor: { enabled: true } } }, 409, /constructor/],
      [{ metadata: { blob: 'x'.repeat(20_000) } }, 400, /16 KiB/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await stack.api('PATCH', '/connections/acme', body);
      expect({ body, status: answer.status, message: JSON.stringify(answer.body) }).toMatchObject({ body, status, message: expect.stringMatching(message) });
    }
    expect((await stack.api('PATCH', '/connections/nobody', { paused: true })).status).toBe(404);
    expect((await stack.api('GET', '/connections/acme')).body).toEqual(before);
  });
});
