// A refresh attempt never overlaps the next one: when the token endpoint hangs, the attempt gives up before its
// start-to-close timeout (so Temporal's retry starts only after it ended), and a cancelled attempt abandons its
// request at once. Either way it writes nothing afterwards: the retry finds the credentials as they were.
import { createCredentialActivities } from '../../activities/credential-activities';
import type { CredentialsState, RefreshCredentialsInput } from '../../contracts/activity-messages';
import { eventually } from '../support/eventually';
import { activityAttempt, activityDependencies } from '../support/activity-harness';
import { startTestStack, type TestStack } from '../support/test-stack';

/** The token endpoint answers after this long: longer than the attempts below may take. */
const TOKEN_LATENCY_MS = 12_000;
const START_TO_CLOSE_MS = 4000;

describe('refresh attempts', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No worker: the test runs the refresh activity itself, with the timeouts and cancellation Temporal would give it.
    stack = await startTestStack({ name: 'refresh-attempts', inProcessWorker: false, sandbox: { tokenLatencyMs: TOKEN_LATENCY_MS, rotateRefreshTokens: true } });
  });
  afterAll(() => stack?.close());

  const activities = () =>
    createCredentialActivities(activityDependencies(stack.store));
  const attempt = () =>
    activityAttempt({ startToCloseTimeoutMs: START_TO_CLOSE_MS, scheduleToCloseTimeoutMs: 0, heartbeatTimeoutMs: 1000 });

  /** Waits until the provider has finished answering every refresh it was sent, answered or abandoned. */
  const providerDone = (expected: number) =>
    eventually(() => stack.sandbox.stats().refreshes.length >= expected, { timeoutMs: 2 * TOKEN_LATENCY_MS, what: `${expected} refreshes handled by the sandbox` });

  async function connected(connectionId: string): Promise<RefreshCredentialsInput> {
    expect((await stack.connectSalesforce(connectionId)).status).toBe(201);
    const { generation } = await stack.store.connections.readCredentials(connectionId);
    return { connectionId, basedOnGeneration: generation };
  }

  it('when the token endpoint hangs past the attempt timeout, then the attempt fails before it and stores nothing later', async () => {
    const input = await connected('hanging');
    stack.sandbox.resetStats();
    const heartbeats: unknown[] = [];
    const env = attempt();
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    const outcome = await env.run(activities().refreshCredentials, input).then(
      (state) => ({ state: state as CredentialsState }),
      (error: unknown) => ({ error }),
    );
    expect(outcome).toMatchObject({ error: { type: 'ProviderUnavailable', message: expect.stringMatching(/no answer within/) } });
    expect(heartbeats.length).toBeGreaterThan(0);

    // The provider answered the abandoned request later; the attempt had ended and wrote nothing.
    await providerDone(1);
    const after = await stack.store.connections.readCredentials('hanging');
    expect(after.generation).toBe(input.basedOnGeneration);
  }, 60_000);

  it('when the attempt is cancelled mid-request, then the request is abandoned and nothing is stored', async () => {
    const input = await connected('cancelled');
    stack.sandbox.resetStats();
    const env = attempt();
    const running = env.run(activities().refreshCredentials, input).then(
      () => 'completed',
      () => 'failed',
    );
    await eventually(() => stack.sandbox.stats().requests['token.refresh_token'] === 1, { what: 'the refresh request at the provider' });
    env.cancel('TIMED_OUT');
    expect(await running).toBe('failed');
    // Judged once the provider is done with it: an attempt still waiting would have stored the answer by now.
    await providerDone(1);
    expect((await stack.store.connections.readCredentials('cancelled')).generation).toBe(input.basedOnGeneration);
  }, 60_000);
});
