// A re-authorisation and a DELETE of the same connection never interleave: the re-authorisation takes the lock creates
// and deletes take. Held deterministically: with no worker, the delete holds the lock while it waits for the
// connection's workflow to stop (deleteWaitMs), and the customer's callback arrives in that window.
import { COLLECTIONS } from '../../../store/database';
import { signInThroughConnectLink } from '../../support/connect-link';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const DELETE_WAIT_MS = 3000;

describe('a re-authorisation racing a delete', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'reauth-race', sandbox: { autoConsent: true }, inProcessWorker: false, deleteWaitMs: DELETE_WAIT_MS });
    const created = await stack.api('POST', '/integrations', stack.salesforceIntegration('sf'));
    expect(created.status).toBe(201);
  });
  afterAll(() => stack?.close());

  /** Connect screen → Connect → the sandbox's (auto-approved) consent: the callback URL and this browser's cookie. */
  const signIn = (connectionId: string) => signInThroughConnectLink(stack, { integration: 'sf', connectionId });

  it('a callback that arrives while the delete holds the lock waits for it, then says the connection was deleted; no workflow is left', async () => {
    const first = await signIn('contested');
    expect((await fetch(first.callbackUrl, { headers: { cookie: first.cookie } })).status).toBe(200);
    const reconnect = await signIn('contested');

    let deleteEndedAt = 0;
    const deleting = stack.api('DELETE', '/connections/contested').then((answer) => {
      deleteEndedAt = Date.now();
      return answer;
    });
    // The delete holds the lock (and waits for a workflow no worker runs).
    await eventually(async () => (await stack.database.db.collection(COLLECTIONS.connectionLocks).countDocuments({ _id: 'contested' as never })) === 1, {
      what: 'the delete to hold the lock',
    });
    const callback = await fetch(reconnect.callbackUrl, { headers: { cookie: reconnect.cookie } });
    const answeredAt = Date.now();
    const page = await callback.text();

    expect((await deleting).status).toBe(200);
    expect(callback.status).toBe(409);
    expect(page).toMatch(/This connection was deleted while you were signing in, so nothing was stored/);
    expect(answeredAt).toBeGreaterThanOrEqual(deleteEndedAt);
    expect((await stack.api('GET', '/connections/contested')).status).toBe(404);
    const running = await stack.temporal.workflow.getHandle(stack.workflowId('contested')).describe();
    expect(running.status.name).not.toBe('RUNNING');
  });
});
