// Actions and the lives of a connection id, on the real stack: a re-created connection gets new actions for its
// keys; an action of a deleted connection stops instead of retrying for ever; a rate limit that names no wait is
// waited out with the provider's backoff; an action whose workflow ended without an outcome says so instead of 202;
// and the action activity heartbeats while a slow provider holds its request.
import { createHash } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { actionWorkflowId } from '../../contracts/action-messages';
import { waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/test-stack';
import { salesforceCatalog, shortRuleWaits } from './faults/fault-support';

/** A Salesforce rate limit with no wait of its own backs off from this: long enough that a fixed wait of it is obvious. */
const BACKOFF_BASE_MS = 3_600_000;

describe('actions across the lives of a connection', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      name: 'action-lives',
      // The daily limit's fixed wait shortened to 3 s; the concurrent limit names none, so it backs off from an hour.
      catalog: salesforceCatalog((api) => ({
        errorRules: { ...shortRuleWaits(api, 3000), rateLimitBackoff: { baseMs: BACKOFF_BASE_MS, capMs: BACKOFF_BASE_MS } },
      })),
      actions: { answerWithinMs: 8_000 },
    });
    stack.sandbox.seed('Contact', 3);
  });
  afterEach(() => stack?.sandbox.faults.clear());
  afterAll(() => stack?.close());

  const act = (connectionId: string, name: string, body: unknown, key: string) =>
    stack.api('POST', `/connections/${connectionId}/actions/${name}`, body, { 'idempotency-key': key });
  const prefix = () => stack.workflowId('x').replace(/connection:x$/, '');
  const actionHandle = (actionId: string): WorkflowHandle => stack.temporal.workflow.getHandle(actionWorkflowId(actionId, prefix()));
  /** The id every release before incarnations gave an action: what the first life of a connection id keeps. */
  const firstLifeActionId = (connectionId: string, key: string) =>
    `act_${createHash('sha256').update(`${connectionId}\n${key}`).digest('hex').slice(0, 32)}`;
  const connect = async (connectionId: string) => {
    expect((await stack.connectSalesforce(connectionId, { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, connectionId, 'contacts', null);
  };
  /** The action workflow's first timer, once it has started one. */
  const firstTimerMs = (handle: WorkflowHandle) =>
    eventually(async () => {
      const timer = (await handle.fetchHistory()).events?.find((event) => event.timerStartedEventAttributes)?.timerStartedEventAttributes;
      const duration = timer?.startToFireTimeout;
      return duration ? Number(duration.seconds ?? 0) * 1000 + Math.round((duration.nanos ?? 0) / 1e6) : null;
    }, { timeoutMs: 30_000, what: 'the action workflow to wait on a rate-limit timer' });

  it("gives a re-created connection new actions for the keys its deleted life used, and keeps the first life's action ids", async () => {
    await connect('reborn');
    const input = { lastName: 'Twice', email: 'twice@example.com' };
    const first = await act('reborn', 'create-contact', input, 'signup-1');
    expect([first.status, first.body.status]).toEqual([200, 'succeeded']);
    expect(first.body.actionId).toBe(firstLifeActionId('reborn', 'signup-1'));

    expect((await stack.api('DELETE', '/connections/reborn')).status).toBe(200);
    await connect('reborn');
    const second = await act('reborn', 'create-contact', input, 'signup-1');
    expect([second.status, second.body.status]).toEqual([200, 'succeeded']);
    expect(second.body.actionId).not.toBe(first.body.actionId);
    expect(second.body.output.id).not.toBe(first.body.output.id);
    expect(stack.sandbox.records('Contact').filter((c) => c.Email === 'twice@example.com')).toHaveLength(2);
    // The key now names the new life's action, and its repeat answers from it.
    const repeated = await act('reborn', 'create-contact', input, 'signup-1');
    expect([repeated.status, repeated.body.actionId, repeated.body.output]).toEqual([200, second.body.actionId, second.body.output]);
    expect((await stack.api('GET', `/connections/reborn/actions/${first.body.actionId}`)).status).toBe(404);

    // An action this life made before action ids carried the incarnation (stored by an earlier release, under the id
    // that release gave) is still the one its key names: a repeat after the upgrade answers it and writes nothing.
    const upgraded = { lastName: 'Before Upgrade' };
    const legacyId = firstLifeActionId('reborn', 'pre-upgrade');
    await stack.store.actions.createOrFind({ _id: legacyId, connectionId: 'reborn', name: 'create-contact', idempotencyKey: 'pre-upgrade', input: upgraded });
    await stack.store.actions.finish(legacyId, { status: 'succeeded', output: { id: '003000000000001AAA' } });
    const afterUpgrade = await act('reborn', 'create-contact', upgraded, 'pre-upgrade');
    expect([afterUpgrade.status, afterUpgrade.body.actionId, afterUpgrade.body.output]).toEqual([200, legacyId, { id: '003000000000001AAA' }]);
    expect(stack.sandbox.records('Contact').filter((c) => c.LastName === 'Before Upgrade')).toHaveLength(0);
  });

  it('stops an action of a deleted connection, failing its workflow with the reason, instead of retrying for ever', async () => {
    await connect('doomed');
    // Salesforce's daily limit: the action waits on a 3-second timer, and the connection is deleted meanwhile.
    stack.sandbox.faults.rateLimitStorm({ seconds: 120, kind: 'daily' });
    const answering = act('doomed', 'create-contact', { lastName: 'Orphan' }, 'orphan-1');
    const handle = actionHandle(firstLifeActionId('doomed', 'orphan-1'));
    await firstTimerMs(handle);
    expect((await stack.api('DELETE', '/connections/doomed')).status).toBe(200);
    stack.sandbox.faults.clear();

    await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', { timeoutMs: 40_000, what: "the deleted connection's action to stop" });
    const failure = await handle.result().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(/deleted/);
    // The caller waiting for the outcome learns the action is gone with its connection.
    expect((await answering).status).toBe(404);
    expect(stack.sandbox.records('Contact').filter((c) => c.LastName === 'Orphan')).toHaveLength(0);
    expect(stack.receiver.received.filter((w) => (w.event as { actionId?: string }).actionId === firstLifeActionId('doomed', 'orphan-1'))).toEqual([]);
  }, 60_000);

  it("waits out a rate limit that names no wait with the provider's backoff, and an action whose workflow ended unfinished says so", async () => {
    await connect('limited');
    // Salesforce's concurrent-request limit names no wait: the provider's backoff decides (full jitter below an hour).
    stack.sandbox.faults.rateLimitStorm({ seconds: 120, kind: 'concurrent' });
    const answering = act('limited', 'create-account', { name: 'Backed Off' }, 'backoff-1');
    const actionId = firstLifeActionId('limited', 'backoff-1');
    const handle = actionHandle(actionId);
    const waitMs = await firstTimerMs(handle);
    expect(waitMs).toBeGreaterThanOrEqual(1000);
    expect(waitMs).toBeLessThan(BACKOFF_BASE_MS);
    expect((await answering).status).toBe(202);

    // An operator terminates it mid-wait: nothing will ever finish the action, and a repeat of the key must say so.
    await handle.terminate('operator gave up');
    const repeated = await act('limited', 'create-account', { name: 'Backed Off' }, 'backoff-1');
    expect(repeated.status).toBe(422);
    expect(repeated.body).toMatchObject({ actionId, status: 'failed', error: { code: 'failed', message: expect.stringMatching(/workflow ended/) } });
  }, 60_000);

  it('heartbeats while the provider holds its request longer than the heartbeat timeout, so the attempt is not retried', async () => {
    await connect('slow');
    stack.sandbox.faults.holdWriteAnswers();
    const answering = act('slow', 'create-account', { name: 'Slow Inc.' }, 'slow-1');
    await eventually(() => stack.sandbox.faults.heldWriteAnswers() === 1, { what: 'the write held at the sandbox' });
    // Longer than the action activity's heartbeat timeout (15 s).
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    stack.sandbox.faults.clear();
    expect((await answering).status).toBe(202);
    const actionId = firstLifeActionId('slow', 'slow-1');
    await eventually(async () => (await stack.api('GET', `/connections/slow/actions/${actionId}`)).body.status === 'succeeded', { what: 'the slow action to succeed' });
    // The action's record says succeeded as its activity ends; its history holds the attempt once the workflow has.
    await actionHandle(actionId).result();
    const attempts = ((await actionHandle(actionId).fetchHistory()).events ?? [])
      .filter((event) => event.activityTaskStartedEventAttributes)
      .map((event) => event.activityTaskStartedEventAttributes?.attempt);
    expect(attempts[0]).toBe(1);
    expect(stack.sandbox.records('Account').filter((a) => a.Name === 'Slow Inc.')).toHaveLength(1);
  }, 90_000);
});
