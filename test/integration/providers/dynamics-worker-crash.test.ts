// SIGKILL a worker process while a Dynamics first sync waits on its next page: a new worker resumes from the stored
// checkpoint (the page's @odata.nextLink), reads only what was left, and stores exactly the environment's truth, once.
import type { ChildProcess } from 'node:child_process';
import { signalGroup, stopProcess } from '../../../devstack/processes';
import type { SyncWebhookEvent } from '../../../contracts/webhook-events';
import { storedLiveRecords } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startDynamicsStack, type DynamicsStack } from '../../support/dynamics-stack';
import { spawnWorker } from '../../support/worker-process';

/** The worker process runs the real catalog: 1,000 rows a page, so six pages. */
const CONTACTS = 6000;
const PAGE = 1000;
/** Reads the sandbox lets through before it holds the next one: the first query and two next links. */
const READS_BEFORE_HOLD = 3;

describe('worker killed mid-sync of a Dynamics environment', () => {
  let stack: DynamicsStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = () =>
    spawnWorker(stack.workerEnv, 'dynamics-crash-worker.log');
  const pagesRead = () => {
    const requests = stack.dynamics.stats().requests;
    return { list: requests.list ?? 0, nextPage: requests.nextPage ?? 0 };
  };

  beforeAll(async () => {
    stack = await startDynamicsStack({ name: 'dynamics-crash', inProcessWorker: false });
    stack.dynamics.environment('contoso').seed('contacts', CONTACTS, { tieGroupSize: 9 });
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await stack?.close();
  });

  it('finishes with exactly the truth, each row once, without reading from the start again', async () => {
    stack.dynamics.faults.holdReads({ afterCalls: READS_BEFORE_HOLD });
    stack.dynamics.resetStats();
    worker = startWorkerProcess();
    expect((await stack.connectDynamics('crashy', { syncs: { contacts: { frequency: '1h' } } })).status).toBe(201);

    // The third page is stored and the fourth asked for (and held): the worker dies in the middle of the read.
    const pagesStored = async () => (await stack.store.runs.collection.findOne({ connectionId: 'crashy' }))?.pages ?? 0;
    await eventually(async () => ((await pagesStored()) >= READS_BEFORE_HOLD && stack.dynamics.faults.heldReads() === 1 ? true : null), {
      timeoutMs: 120_000,
      what: `${READS_BEFORE_HOLD} stored pages and the next read held`,
    });
    signalGroup(worker, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
    const beforeRestart = pagesRead();
    expect(await pagesStored()).toBe(READS_BEFORE_HOLD);

    stack.dynamics.faults.clear();
    worker = startWorkerProcess();
    await stack.receiver.waitFor((received) => received.some((w) => w.event.type === 'sync'), 180_000);
    const event = stack.receiver.received.find((w) => w.event.type === 'sync')?.event as SyncWebhookEvent;
    expect(event).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });

    const stored = await storedLiveRecords(stack, 'crashy', 'contacts');
    expect(stored.size).toBe(CONTACTS);
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'crashy' })).toBe(CONTACTS);
    for (const row of stack.dynamics.environment('contoso').records('contacts')) {
      expect(stored.get(String(row.contactid))).toMatchObject({ lastname: row.lastname, modifiedon: row.modifiedon });
    }

    // Resumed from the stored next link: no new first query, and only the pages that were left (the held one again).
    const after = pagesRead();
    expect(after.list - beforeRestart.list).toBe(0);
    expect(after.nextPage - beforeRestart.nextPage).toBeLessThanOrEqual(CONTACTS / PAGE - READS_BEFORE_HOLD);
    const run = await stack.store.runs.collection.findOne({ connectionId: 'crashy' });
    expect(run).toMatchObject({ status: 'succeeded', pages: CONTACTS / PAGE });
    expect(run?.attempts).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
