// Rotating refresh tokens work once: the answer to a refresh holds the only live one. The refresh activity stores it
// before anything else can fail, keeps it through a database that briefly refuses the write, and when an answer was
// lost all the same (the process died holding it) says so plainly instead of retrying a dead token.
import { createCredentialActivities } from '../../activities/credential-activities';
import type { CredentialsState, RefreshCredentialsInput } from '../../contracts/activity-messages';
import type { Store } from '../../store/store';
import { activityAttempt, activityDependencies } from '../support/activity-harness';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('rotating refresh tokens', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No worker: the test runs the refresh activity itself, so it can fail the store at exact moments.
    stack = await startTestStack({ name: 'rotation', inProcessWorker: false, sandbox: { rotateRefreshTokens: true } });
  });
  afterAll(() => stack?.close());

  const refresher = (store: Store) =>
    createCredentialActivities(activityDependencies(store));
  const refresh = (store: Store, input: RefreshCredentialsInput): Promise<CredentialsState> =>
    // A minute per attempt, as the connection workflow schedules it (the mock's default is one second).
    activityAttempt({ startToCloseTimeoutMs: 60_000, scheduleToCloseTimeoutMs: 0 }).run(
      refresher(store).refreshCredentials,
      input,
    ) as Promise<CredentialsState>;

  it('keeps the rotated token through a database that refuses the first writes, and the next refresh uses it', async () => {
    expect((await stack.connectSalesforce('db-blip')).status).toBe(201);
    const before = await stack.store.connections.readCredentials('db-blip');
    let refusals = 2;
    const blippingStore: Store = {
      ...stack.store,
      connections: Object.assign(Object.create(Object.getPrototypeOf(stack.store.connections)), stack.store.connections, {
        storeRefreshedCredentials: async (...args: Parameters<Store['connections']['storeRefreshedCredentials']>) => {
          if (refusals-- > 0) throw new Error('connection to the database reset');
          return stack.store.connections.storeRefreshedCredentials(...args);
        },
      }),
    };
    stack.sandbox.resetStats();

    const refreshed = await refresh(blippingStore, { connectionId: 'db-blip', basedOnGeneration: before.generation });
    expect(refreshed.generation).toBe(before.generation + 1);
    expect(refusals).toBe(-1); // both refusals happened, then the write landed
    const after = await stack.store.connections.readCredentials('db-blip');
    expect(after.credentials.refreshToken).not.toBe(before.credentials.refreshToken);
    expect(stack.sandbox.stats().refreshes.map((r) => r.ok)).toEqual([true]); // one refresh at the provider, not one per write attempt

    // The old token is dead at the provider; the stored one is the live one.
    const again = await refresh(stack.store, { connectionId: 'db-blip', basedOnGeneration: refreshed.generation });
    expect(again.generation).toBe(refreshed.generation + 1);
    expect(stack.sandbox.stats().refreshes.map((r) => r.ok)).toEqual([true, true]);
    expect((await stack.store.connections.get('db-blip')).credentialState).toMatchObject({ lastError: null, refreshStartedAt: null });
  });

  it('names a lost answer as the cause when the provider refuses a refresh token an unfinished refresh already spent', async () => {
    expect((await stack.connectSalesforce('lost-answer')).status).toBe(201);
    const { generation, credentials } = await stack.store.connections.readCredentials('lost-answer');
    // An earlier attempt marked its start, the provider answered with a new token, and the process died holding it.
    await stack.store.connections.markRefreshStarted('lost-answer', generation);
    const spent = await fetch(`${stack.sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.refreshToken,
        client_id: 'sandbox-client-id',
        client_secret: 'sandbox-client-secret',
      }),
    });
    expect(spent.status).toBe(200);

    const refusal = refresh(stack.store, { connectionId: 'lost-answer', basedOnGeneration: generation });
    await expect(refusal).rejects.toMatchObject({ type: 'InvalidGrant', nonRetryable: true, message: expect.stringMatching(/customer must reconnect/) });
    expect((await stack.store.connections.get('lost-answer')).credentialState.lastError).toMatch(/rotated the refresh token/);
  });

  it('does not blame a lost answer when the earlier attempt was refused by the provider', async () => {
    expect((await stack.connectSalesforce('refused-then-revoked')).status).toBe(201);
    const { generation, credentials } = await stack.store.connections.readCredentials('refused-then-revoked');
    stack.sandbox.faults.tokenEndpointErrors({ count: 1, status: 503 });
    await expect(refresh(stack.store, { connectionId: 'refused-then-revoked', basedOnGeneration: generation })).rejects.toMatchObject({
      type: 'ProviderUnavailable',
    });
    stack.sandbox.revokeGrant(credentials.refreshToken);
    const refusal = refresh(stack.store, { connectionId: 'refused-then-revoked', basedOnGeneration: generation });
    await expect(refusal).rejects.toMatchObject({ type: 'InvalidGrant', message: expect.not.stringMatching(/reconnect/) });
  });
});
