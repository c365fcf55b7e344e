// Pipedrive with its worker process SIGKILLed: mid-sync, the run resumes from its last stored second and stores exactly
// the truth; mid-write, with the person made at Pipedrive and the answer lost, the retry finds it instead of writing again.
import type { ChildProcess } from 'node:child_process';
import { signalGroup, stopProcess } from '../../../devstack/processes';
import type { PipedriveItem } from '../../../sandbox/pipedrive/server';
import { storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startPipedriveStack, type PipedriveStack } from '../../support/pipedrive-stack';
import { spawnWorker } from '../../support/worker-process';

const PERSONS = 6000;
/** The v2 list's largest page, which the provider asks for. */
const PAGE = 500;
// The action activity heartbeats: a killed attempt is retried once its beats stop (15 s), not after its 2-minute
// timeout. Four times what that takes, which holds on a loaded 2-core machine.
const ANSWER_WITHIN_MS = 60_000;

type ContactPoint = { value: string; primary: boolean };
const emailsOf = (person: PipedriveItem): ContactPoint[] => (person.emails as ContactPoint[] | null) ?? [];

describe('Pipedrive with its worker killed', () => {
  let stack: PipedriveStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = (log: string) =>
    spawnWorker(stack.workerEnv, log);
  const killWorker = async () => {
    signalGroup(worker!, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
  };
  const listCalls = () => {
    const { requests } = stack.pipedrive.stats();
    return (requests['persons.list'] ?? 0) + (requests['persons.list.next'] ?? 0);
  };

  beforeAll(async () => {
    stack = await startPipedriveStack({ name: 'pipedrive-crash', inProcessWorker: false, actions: { answerWithinMs: ANSWER_WITHIN_MS } });
    // Groups of 30 persons share an update second, so the kill's checkpoint second is one many persons share.
    stack.pipedrive.seed('persons', PERSONS, { tieGroupSize: 30 });
  });
  afterAll(async () => {
    stack?.pipedrive.faults.clear();
    if (worker) await stopProcess(worker);
    await stack?.close();
  });

  it('mid-sync: resumes from the checkpoint, not from the start, and stores every person exactly once', async () => {
    stack.pipedrive.faults.slowResponses({ delayMs: 700 });
    stack.pipedrive.resetStats();
    worker = startWorkerProcess('pipedrive-crash-worker-1.log');
    expect((await stack.connectPipedrive('crashy', { persons: { frequency: '1h' } })).status).toBe(201);

    const pagesStored = async () => (await stack.store.runs.collection.findOne({ connectionId: 'crashy', model: 'persons' }))?.pages ?? 0;
    const pagesBeforeKill = await eventually(async () => {
      const pages = await pagesStored();
      return pages >= 4 ? pages : null;
    }, { timeoutMs: 120_000, what: 'four stored pages' });
    await killWorker();
    expect(await pagesStored()).toBeLessThan(PERSONS / PAGE); // it really was in the middle
    const callsBeforeRestart = listCalls();

    stack.pipedrive.faults.clear();
    worker = startWorkerProcess('pipedrive-crash-worker-2.log');
    const run = await waitForRunAfter(stack, 'crashy', 'persons', null, 180_000);
    expect(run).toMatchObject({ status: 'succeeded', added: PERSONS, updated: 0, deleted: 0 });
    expect((await stack.store.runs.collection.findOne({ _id: run.runId }))?.attempts).toBeGreaterThanOrEqual(2);

    const stored = await storedLiveRecords(stack, 'crashy', 'persons');
    expect(stored.size).toBe(PERSONS);
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'crashy', model: 'persons' })).toBe(PERSONS);
    for (const person of stack.pipedrive.records('persons')) expect([person.id, stored.get(String(person.id))?.name]).toEqual([person.id, person.name]);

    // Resumed, not restarted: after the kill only the pages left were read, plus the one in flight and the one the
    // re-read of the checkpoint's second can add (a tie group straddling the page boundary).
    expect(listCalls() - callsBeforeRestart).toBeLessThanOrEqual(PERSONS / PAGE - pagesBeforeKill + 2);
  }, 300_000);

  it('mid-write: each action writes once, and the call with the same key after the kill answers the same output', async () => {
    const email = 'crashproof@example.com';
    const [target] = stack.pipedrive.records('persons');
    const calls = {
      'create-contact': { firstName: 'Crash', lastName: 'Proof', email },
      'update-contact': { id: String(target.id), email: 'survived@example.com', phone: '+372 5555 0001' },
    } as const;
    const act = (name: keyof typeof calls) => stack.api('POST', `/connections/crashy/actions/${name}`, calls[name], { 'idempotency-key': `crash-${name}` });
    const written = () => ({
      persons: stack.pipedrive.records('persons').filter((person) => emailsOf(person).some((point) => point.value === email)).length,
      updatedEmails: emailsOf(stack.pipedrive.records('persons').find((person) => person.id === target.id)!).map((point) => [point.value, point.primary]),
    });
    const once = {
      persons: 1,
      // The new email is the primary one; the person's earlier email stays behind it.
      updatedEmails: [['survived@example.com', true], ...emailsOf(target).map((point) => [point.value, false])],
    };

    // The writes are carried out at Pipedrive and their answers held: the worker dies exactly between the two.
    stack.pipedrive.resetStats();
    stack.pipedrive.faults.holdWriteAnswers();
    const first = [act('create-contact'), act('update-contact')];
    await eventually(async () => stack.pipedrive.faults.heldWriteAnswers() === 2, { timeoutMs: 60_000, what: 'both writes held at the sandbox' });
    expect(written()).toEqual(once);
    await killWorker();
    // Released to dead sockets; from now on a second create (what this test guards against) would go through.
    stack.pipedrive.faults.clear();

    worker = startWorkerProcess('pipedrive-crash-worker-3.log');
    const again = [act('create-contact'), act('update-contact')];
    const answers = await Promise.all([...first, ...again]);
    expect(answers.map((answer) => [answer.status, answer.body.status])).toEqual(answers.map(() => [200, 'succeeded']));
    expect(answers[2].body).toMatchObject({ actionId: answers[0].body.actionId, output: answers[0].body.output });
    expect(answers[3].body).toMatchObject({ actionId: answers[1].body.actionId, output: { id: String(target.id) } });
    const created = stack.pipedrive.records('persons').find((person) => emailsOf(person).some((point) => point.value === email));
    expect(answers[0].body.output).toEqual({ id: String(created?.id) });
    expect(written()).toEqual(once);
    // The retry looked for the lost attempt's person in the list of persons added since its mark and found it.
    expect(stack.pipedrive.stats().requests['persons.create']).toBe(1);
  }, 300_000);
});
