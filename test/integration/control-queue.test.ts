// Control work is never starved by sync slices: with every sync slot held by a slice waiting on a slow provider, a
// connection whose token is due still refreshes on time, because refreshes run on the control queue's own slots.
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/test-stack';

const SESSION_MS = 4000;
/** Longer than the whole test: the one sync slot stays taken until the stack closes. */
const SLOT_HELD_MS = 180_000;

describe('control work beside busy sync slots', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'control-queue', maxConcurrentSyncSlices: 1, sandbox: { sessionLifetimeMs: SESSION_MS } });
    stack.sandbox.seed('Contact', 50);
  });
  afterAll(() => stack?.close());

  /** Connects without an access token: the connection's first act is a refresh, which also schedules the next ones. */
  async function connectWithoutAccessToken(connectionId: string): Promise<void> {
    // The stack registers the sandbox integration with its first connection; that one is not needed.
    await stack.connectSalesforce('registers-integration', { contacts: { frequency: '1h' } });
    await stack.api('DELETE', '/connections/registers-integration');
    const grant = stack.sandbox.issueGrant();
    const created = await stack.api('POST', '/connections', {
      connectionId,
      integration: 'salesforce-sandbox',
      credentials: { refreshToken: grant.refreshToken, instanceUrl: grant.instanceUrl },
      syncs: { contacts: { frequency: '1h' } },
    });
    expect(created.status).toBe(201);
  }

  const generationOf = async (connectionId: string) => (await stack.store.connections.readCredentials(connectionId)).generation;
  const firstPagesAsked = () => {
    const { query = 0, queryAll = 0 } = stack.sandbox.stats().requests;
    return query + queryAll;
  };

  it('when every sync slot is held by a slow slice, then a connection whose token is due still refreshes on time', async () => {
    await connectWithoutAccessToken('due');
    await eventually(async () => (await stack.api('GET', '/connections/due')).body.syncs.contacts.lastRun?.status === 'succeeded', {
      what: "the 'due' connection's first sync",
    });

    // Another connection's first page now takes minutes: its slice holds the only sync slot, heartbeating.
    const asked = firstPagesAsked();
    stack.sandbox.faults.slowFirstPage({ delayMs: SLOT_HELD_MS, count: 1 });
    await stack.connectSalesforce('busy', { contacts: { frequency: '1h' } });
    await eventually(() => firstPagesAsked() > asked, { what: "the 'busy' slice's first page in flight" });

    // Sessions last 4 s and are refreshed a second before they end: a few refreshes are due within 20 s.
    const generation = await generationOf('due');
    const refreshesBefore = stack.sandbox.stats().refreshes.filter((r) => r.ok).length;
    await eventually(async () => (await generationOf('due')) >= generation + 2, {
      timeoutMs: 20_000,
      what: `two refreshes of 'due' (from generation ${generation}) while the only sync slot is held`,
    });
    expect(stack.sandbox.stats().refreshes.filter((r) => r.ok).length).toBeGreaterThanOrEqual(refreshesBefore + 2);
    expect((await stack.api('GET', '/connections/due')).body.status).toBe('active');
    // The slot really was held throughout: the slow first page has not been answered.
    expect((await stack.api('GET', '/connections/busy')).body.syncs.contacts.lastRun?.status).toBe('running');
  }, 120_000);
});
