// Sessions that die every second during long, parallel syncs: the workflow refreshes, one refresh at a time, nothing is
// lost. With rotation on, each refresh token works once and every refresh ends the open sessions and query cursors: two
// overlapping refreshes, or one whose new token was not stored, would kill the connection.
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import { storedLiveRecords } from '../support/assertions';
import { startTestStack, type TestStack } from '../support/test-stack';

describe.each([
  ['without rotation', false],
  ['with rotating refresh tokens', true],
])('credential refresh during syncs, %s', (_name, rotateRefreshTokens) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-refresh', sandbox: { sessionLifetimeMs: 1500, tokenLatencyMs: 200, rotateRefreshTokens } });
    stack.sandbox.seed('Account', 3000);
    stack.sandbox.seed('Contact', 6000);
  });
  afterAll(() => stack?.close());

  it('completes both syncs with no 401 in their results and never two refreshes in flight for the connection', async () => {
    // Slow pages make each sync outlive several sessions.
    stack.sandbox.faults.slowResponses({ delayMs: 400 });
    stack.sandbox.resetStats();
    const created = await stack.connectSalesforce('expiring', { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } });
    expect(created.status).toBe(201);
    const initial = await stack.store.connections.readCredentials('expiring');

    const events = () => stack.receiver.received.map((r) => r.event as SyncWebhookEvent);
    await stack.receiver.waitFor(() => events().filter((e) => e.type === 'sync').length === 2, 180_000);
    expect(events().find((e) => e.model === 'contacts')).toMatchObject({ added: 6000, updated: 0, deleted: 0 });
    expect(events().find((e) => e.model === 'accounts')).toMatchObject({ added: 3000 });

    const status = await stack.api('GET', '/connections/expiring');
    for (const model of ['contacts', 'accounts']) {
      expect(status.body.syncs[model].lastRun).toMatchObject({ status: 'succeeded', error: null });
    }
    expect((await storedLiveRecords(stack, 'expiring', 'contacts')).size).toBe(6000);

    const stats = stack.sandbox.stats();
    const refreshes = stats.refreshes.filter((r) => r.ok);
    expect(refreshes.length).toBeGreaterThanOrEqual(2); // the sessions really did expire mid-sync
    expect(stats.maxConcurrentRefreshesPerGrant).toBe(1);
    // The workflow keeps refreshing proactively while idle, so bracket the stored count between two readings of
    // the sandbox: every refresh the provider granted was stored, and nothing else was counted as one.
    const { refreshCount } = (await stack.api('GET', '/connections/expiring')).body.credentials;
    expect(refreshCount).toBeGreaterThanOrEqual(refreshes.length);
    expect(refreshCount).toBeLessThanOrEqual(stack.sandbox.stats().refreshes.filter((r) => r.ok).length);
    // No refresh was refused: with rotation, every refresh used the token the previous one issued.
    expect(stats.refreshes.filter((r) => !r.ok)).toEqual([]);
    expect(status.body.status).toBe('active');
    const { credentials } = await stack.store.connections.readCredentials('expiring');
    if (rotateRefreshTokens) expect(credentials.refreshToken).not.toBe(initial.credentials.refreshToken);
    else expect(credentials.refreshToken).toBe(initial.credentials.refreshToken); // an answer without one keeps it
  }, 240_000);
});
