// SIGKILL the worker process while an action's write is at Salesforce and its answer not yet back: after a new worker
// takes over, the same Idempotency-Key finds the record the dead attempt made instead of creating a second one.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnLogged, signalGroup, stopProcess } from '../../devstack/processes';
import { eventually } from '../support/eventually';
import { waitForRunAfter } from '../support/assertions';
import { startTestStack, type ApiResponse, type TestStack } from '../support/test-stack';

const root = join(__dirname, '..', '..');
// The action's activity has a 2-minute start-to-close timeout and no heartbeat: Temporal retries a killed attempt only
// after it, so each call waits long enough to answer with the outcome rather than 202.
const ANSWER_WITHIN_MS = 200_000;

describe('action with a worker killed mid-write', () => {
  let stack: TestStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = () =>
    spawnLogged(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'worker', 'main.ts')], {
      env: { ...process.env, ...stack.workerEnv, LOG_LEVEL: 'info' },
      logFile: join(root, '.data', 'test', 'logs', 'action-crash-worker.log'),
    });

  beforeAll(async () => {
    stack = await startTestStack({ name: 'action-crash', inProcessWorker: false, actions: { answerWithinMs: ANSWER_WITHIN_MS } });
    stack.sandbox.seed('Contact', 3);
    worker = startWorkerProcess();
    expect((await stack.connectSalesforce('sf', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'sf', 'contacts', null, 120_000);
  }, 180_000);
  afterAll(async () => {
    stack?.sandbox.faults.clear();
    if (worker) await stopProcess(worker);
    await stack?.close();
  });

  it('creates the contact exactly once, and both calls with the key answer the same output', async () => {
    const input = { lastName: 'Crashproof', email: 'crashproof@example.com' };
    const act = (): Promise<ApiResponse> => stack.api('POST', '/connections/sf/actions/create-contact', input, { 'idempotency-key': 'crash-key-1' });
    const made = () => stack.sandbox.records('Contact').filter((c) => c.Email === input.email);

    // The write is carried out at Salesforce and its answer held: the worker is killed exactly between the two.
    stack.sandbox.faults.holdWriteAnswers();
    const first = act();
    await eventually(async () => stack.sandbox.faults.heldWriteAnswers() === 1, { timeoutMs: 60_000, what: 'the create held at the sandbox' });
    expect(made()).toHaveLength(1);
    signalGroup(worker!, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
    // Released to the dead socket; from now on a second create (the bug this test is for) would go through and count.
    stack.sandbox.faults.clear();

    worker = startWorkerProcess();
    const [firstAnswer, secondAnswer] = await Promise.all([first, act()]);
    expect([firstAnswer.status, secondAnswer.status]).toEqual([200, 200]);
    expect(firstAnswer.body).toMatchObject({ status: 'succeeded', output: { id: made()[0].Id } });
    expect(secondAnswer.body.actionId).toBe(firstAnswer.body.actionId);
    expect(secondAnswer.body.output).toEqual(firstAnswer.body.output);
    expect(made()).toHaveLength(1);

    // And later repeats still answer from the stored outcome, writing nothing.
    const third = await act();
    expect(third.body.output).toEqual(firstAnswer.body.output);
    expect(made()).toHaveLength(1);
  }, 300_000);
});
