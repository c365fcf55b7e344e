// SIGKILL the worker process while an action's write is done at the provider and its answer not yet back: after a new
// worker takes over, the same Idempotency-Key finds the record the dead attempt made instead of creating a second one.
// Salesforce and HubSpot at once, under one kill.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnLogged, signalGroup, stopProcess } from '../../devstack/processes';
import { eventually } from '../support/eventually';
import { waitForRunAfter } from '../support/assertions';
import { startHubSpotStack, type HubSpotStack } from '../support/hubspot-stack';
import type { ApiResponse } from '../support/test-stack';

const root = join(__dirname, '..', '..');
// The action's activity has a 2-minute start-to-close timeout and no heartbeat: Temporal retries a killed attempt only
// after it, so each call waits long enough to answer with the outcome rather than 202.
const ANSWER_WITHIN_MS = 200_000;

describe('action with a worker killed mid-write', () => {
  let stack: HubSpotStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = () =>
    spawnLogged(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'worker', 'main.ts')], {
      env: { ...process.env, ...stack.workerEnv, LOG_LEVEL: 'info' },
      logFile: join(root, '.data', 'test', 'logs', 'action-crash-worker.log'),
    });

  beforeAll(async () => {
    stack = await startHubSpotStack({ name: 'action-crash', inProcessWorker: false, actions: { answerWithinMs: ANSWER_WITHIN_MS } });
    stack.sandbox.seed('Contact', 3);
    stack.hubspot.seed('contacts', 3);
    worker = startWorkerProcess();
    expect((await stack.connectSalesforce('sf', { contacts: { frequency: '1h' } })).status).toBe(201);
    expect((await stack.connectHubSpot('hs', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'sf', 'contacts', null, 120_000);
    await waitForRunAfter(stack, 'hs', 'contacts', null, 120_000);
  }, 180_000);
  afterAll(async () => {
    stack?.sandbox.faults.clear();
    stack?.hubspot.faults.clear();
    if (worker) await stopProcess(worker);
    await stack?.close();
  });

  it('creates each contact exactly once, and both calls with the key answer the same output', async () => {
    const email = 'crashproof@example.com';
    const act = (connectionId: string, input: Record<string, string>): Promise<ApiResponse> =>
      stack.api('POST', `/connections/${connectionId}/actions/create-contact`, input, { 'idempotency-key': 'crash-key-1' });
    const actAtSalesforce = () => act('sf', { lastName: 'Crashproof', email });
    const actAtHubSpot = () => act('hs', { lastName: 'Crashproof', email });
    const madeAtSalesforce = () => stack.sandbox.records('Contact').filter((c) => c.Email === email);
    const madeAtHubSpot = () => stack.hubspot.records('contacts').filter((c) => c.properties.email === email);

    // Each write is carried out at the provider and its answer held: the worker is killed exactly between the two.
    stack.sandbox.faults.holdWriteAnswers();
    stack.hubspot.faults.holdWriteAnswers();
    const firstAtSalesforce = actAtSalesforce();
    const firstAtHubSpot = actAtHubSpot();
    await eventually(async () => stack.sandbox.faults.heldWriteAnswers() === 1 && stack.hubspot.faults.heldWriteAnswers() === 1, {
      timeoutMs: 60_000,
      what: 'both creates held at the sandboxes',
    });
    expect([madeAtSalesforce().length, madeAtHubSpot().length]).toEqual([1, 1]);
    signalGroup(worker!, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
    // Released to the dead sockets; from now on a second create (what this test guards against) would go through.
    stack.sandbox.faults.clear();
    stack.hubspot.faults.clear();

    worker = startWorkerProcess();
    const [sfFirst, sfAgain, hsFirst, hsAgain] = await Promise.all([firstAtSalesforce, actAtSalesforce(), firstAtHubSpot, actAtHubSpot()]);
    const seen = JSON.stringify({ sfFirst: sfFirst.body, sfAgain: sfAgain.body, hsFirst: hsFirst.body, hsAgain: hsAgain.body });
    expect(`${[sfFirst.status, sfAgain.status, hsFirst.status, hsAgain.status].join(',')} ${seen}`).toMatch(/^200,200,200,200 /);
    expect(sfFirst.body).toMatchObject({ status: 'succeeded', output: { id: madeAtSalesforce()[0].Id } });
    expect(hsFirst.body).toMatchObject({ status: 'succeeded', output: { id: madeAtHubSpot()[0].id } });
    expect([sfAgain.body.actionId, sfAgain.body.output]).toEqual([sfFirst.body.actionId, sfFirst.body.output]);
    expect([hsAgain.body.actionId, hsAgain.body.output]).toEqual([hsFirst.body.actionId, hsFirst.body.output]);
    expect([madeAtSalesforce().length, madeAtHubSpot().length]).toEqual([1, 1]);

    // Later repeats answer from the stored outcome, writing nothing.
    expect((await actAtSalesforce()).body.output).toEqual(sfFirst.body.output);
    expect((await actAtHubSpot()).body.output).toEqual(hsFirst.body.output);
    expect([madeAtSalesforce().length, madeAtHubSpot().length]).toEqual([1, 1]);
  }, 300_000);
});
