// SIGKILL the worker process while an action's write is done at the provider and its answer not yet back: after a new
// worker takes over (in seconds: the action activity heartbeats), the same Idempotency-Key finds the record the dead
// attempt made instead of creating a second one, at HubSpot even while its search index has not caught up with that
// record. Every built-in action of both providers at once, under one kill.
import type { ChildProcess } from 'node:child_process';
import { signalGroup, stopProcess } from '../../devstack/processes';
import { eventually } from '../support/eventually';
import { waitForRunAfter } from '../support/assertions';
import { startHubSpotStack, type HubSpotStack } from '../support/hubspot-stack';
import type { ApiResponse } from '../support/test-stack';
import { spawnWorker } from '../support/worker-process';

// The action's activity heartbeats with a 15-second heartbeat timeout: Temporal retries a killed attempt once its beats
// stop, not after the 2-minute start-to-close timeout. Every call must have its outcome within this (not 202): about
// four times what the retry takes, which holds on a loaded 2-core machine; before the heartbeat it took over 2 minutes.
const ANSWER_WITHIN_MS = 60_000;
/** HubSpot's search trails writes; here longer than the retry takes, so the retry's search cannot see the contact. */
const SEARCH_INDEX_LAG_MS = 5 * 60_000;

describe('action with a worker killed mid-write', () => {
  let stack: HubSpotStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = () =>
    spawnWorker(stack.workerEnv, 'action-crash-worker.log', 'info');

  beforeAll(async () => {
    stack = await startHubSpotStack({
      name: 'action-crash',
      inProcessWorker: false,
      actions: { answerWithinMs: ANSWER_WITHIN_MS },
      hubspot: { searchIndexLagMs: SEARCH_INDEX_LAG_MS },
    });
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

  it('every built-in action writes once, and both calls with the key answer the same output', async () => {
    const email = 'crashproof@example.com';
    const sfContact = stack.sandbox.records('Contact')[0].Id as string;
    const hsContact = stack.hubspot.records('contacts')[0].id;
    const calls = {
      'salesforce create-contact': ['sf', 'create-contact', { lastName: 'Crashproof', email }],
      'salesforce update-contact': ['sf', 'update-contact', { id: sfContact, title: 'Survived a SIGKILL' }],
      'salesforce create-account': ['sf', 'create-account', { name: 'Crashproof Inc.' }],
      'hubspot create-contact': ['hs', 'create-contact', { lastName: 'Crashproof', email }],
      'hubspot update-contact': ['hs', 'update-contact', { id: hsContact, jobTitle: 'Survived a SIGKILL' }],
    } as const;
    const act = ([connectionId, action, input]: (typeof calls)[keyof typeof calls]): Promise<ApiResponse> =>
      stack.api('POST', `/connections/${connectionId}/actions/${action}`, input, { 'idempotency-key': `crash-${action}` });
    const written = () => ({
      salesforceContacts: stack.sandbox.records('Contact').filter((c) => c.Email === email).length,
      salesforceAccounts: stack.sandbox.records('Account').filter((a) => a.Name === 'Crashproof Inc.').length,
      salesforceTitle: stack.sandbox.records('Contact').find((c) => c.Id === sfContact)?.Title,
      hubspotContacts: stack.hubspot.records('contacts').filter((c) => c.properties.email === email).length,
      hubspotJobTitle: stack.hubspot.records('contacts').find((c) => c.id === hsContact)?.properties.jobtitle,
    });
    const once = {
      salesforceContacts: 1,
      salesforceAccounts: 1,
      salesforceTitle: 'Survived a SIGKILL',
      hubspotContacts: 1,
      hubspotJobTitle: 'Survived a SIGKILL',
    };

    // Each write is carried out at the provider and its answer held: the worker is killed exactly between the two.
    stack.sandbox.faults.holdWriteAnswers();
    stack.hubspot.faults.holdWriteAnswers();
    const first = Object.values(calls).map(act);
    await eventually(async () => stack.sandbox.faults.heldWriteAnswers() === 3 && stack.hubspot.faults.heldWriteAnswers() === 2, {
      timeoutMs: 60_000,
      what: 'all five writes held at the sandboxes',
    });
    expect(written()).toEqual(once);
    signalGroup(worker!, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
    // Released to the dead sockets; from now on a second create (what this test guards against) would go through.
    stack.sandbox.faults.clear();
    stack.hubspot.faults.clear();

    worker = startWorkerProcess();
    const again = Object.values(calls).map(act);
    const answers = await Promise.all([...first, ...again]);
    const names = Object.keys(calls);
    const byName = (index: number) => `${names[index % names.length]} (${index < names.length ? 'first call' : 'repeat'})`;
    expect(answers.map((answer, index) => `${byName(index)}: ${answer.status} ${answer.body.status}`)).toEqual(
      answers.map((_, index) => `${byName(index)}: 200 succeeded`),
    );
    names.forEach((name, index) => {
      expect([name, answers[index + names.length].body.actionId, answers[index + names.length].body.output]).toEqual([
        name,
        answers[index].body.actionId,
        answers[index].body.output,
      ]);
    });
    expect(answers[0].body.output).toEqual({ id: stack.sandbox.records('Contact').find((c) => c.Email === email)?.Id });
    expect(answers[3].body.output).toEqual({ id: stack.hubspot.records('contacts').find((c) => c.properties.email === email)?.id });
    expect(written()).toEqual(once);
    // At HubSpot the retry's search could not see the contact yet: it wrote again, HubSpot refused the duplicate naming
    // the contact, and the action read that contact's createdate and took it as its own.
    expect(stack.hubspot.stats().requests.create).toBe(2);

    // Later repeats answer from the stored outcome, writing nothing.
    const later = await Promise.all(Object.values(calls).map(act));
    expect(later.map((answer) => answer.body.output)).toEqual(answers.slice(0, names.length).map((answer) => answer.body.output));
    expect(written()).toEqual(once);
  }, 300_000);
});
