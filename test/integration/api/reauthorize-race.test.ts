// A re-authorisation and a DELETE of the same connection never interleave: the re-authorisation takes the lock creates
// and deletes take. Held deterministically: with no worker, the delete holds the lock while it waits for the
// connection's workflow to stop (deleteWaitMs), and the customer's callback arrives in that window.
import { COLLECTIONS } from '../../../store/database';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const DELETE_WAIT_MS = 3000;

describe('a re-authorisation racing a delete', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'reauth-race', sandbox: { autoConsent: true }, inProcessWorker: false, deleteWaitMs: DELETE_WAIT_MS });
    const created = await stack.api('POST', '/integrations', {
      key: 'sf',
      provider: 'salesforce',
      clientId: 'sandbox-client-id',
      clientSecret: 'sandbox-client-secret',
      authorizationUrl: `${stack.sandbox.url}/services/oauth2/authorize`,
      tokenUrl: `${stack.sandbox.url}/services/oauth2/token`,
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => stack?.close());

  /** Connect screen → Connect → the sandbox's (auto-approved) consent: the callback URL and this browser's cookie. */
  async function signIn(connectionId: string): Promise<{ callbackUrl: string; cookie: string }> {
    const session = await stack.api('POST', '/connect-sessions', { integration: 'sf', connectionId });
    const connectUrl = new URL(session.body.connectUrl);
    const toProvider = await fetch(`${connectUrl.origin}${connectUrl.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(connectUrl.searchParams),
    });
    const back = await fetch(toProvider.headers.get('location') as string, { redirect: 'manual' });
    return { callbackUrl: back.headers.get('location') as string, cookie: (toProvider.headers.get('set-cookie') as string).split(';')[0] };
  }

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
