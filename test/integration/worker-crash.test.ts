// SIGKILL the worker in the middle of a multi-page sync: it resumes from its checkpoint and stores exactly the truth.
import type { ChildProcess } from 'node:child_process';
import { signalGroup, stopProcess } from '../../devstack/processes';
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import { eventually } from '../support/eventually';
import { storedLiveRecords } from '../support/assertions';
import { startTestStack, type TestStack } from '../support/test-stack';
import { spawnWorker } from '../support/worker-process';

const CONTACTS = 30_000;
const PAGE = 2000;

describe('worker killed mid-sync', () => {
  let stack: TestStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = () =>
    spawnWorker(stack.workerEnv, 'crash-worker.log');

  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-crash', inProcessWorker: false });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await stack?.close();
  });

  it('finishes with exactly the sandbox truth, no duplicates, and does not start over', async () => {
    stack.sandbox.faults.slowResponses({ delayMs: 700 });
    stack.sandbox.resetStats();
    worker = startWorkerProcess();
    expect((await stack.connectSalesforce('crashy', { contacts: { frequency: '1h' } })).status).toBe(201);

    const pagesStored = async () => (await stack.store.runs.collection.findOne({ connectionId: 'crashy' }))?.pages ?? 0;
    const pagesBeforeKill = await eventually(async () => {
      const pages = await pagesStored();
      return pages >= 4 ? pages : null;
    }, { timeoutMs: 120_000, what: 'four stored pages' });
    signalGroup(worker, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
    const requestsBeforeRestart = stack.sandbox.stats().requests;
    expect(await pagesStored()).toBeLessThan(CONTACTS / PAGE); // it really was in the middle

    stack.sandbox.faults.clear();
    worker = startWorkerProcess();
    await stack.receiver.waitFor((r) => r.some((w) => w.event.type === 'sync'), 180_000);
    const event = stack.receiver.received.find((r) => r.event.type === 'sync')?.event as SyncWebhookEvent;
    expect(event).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });

    const stored = await storedLiveRecords(stack, 'crashy', 'contacts');
    expect(stored.size).toBe(CONTACTS);
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'crashy' })).toBe(CONTACTS);
    for (const record of stack.sandbox.records('Contact')) expect(stored.get(record.Id)?.LastName).toBe(record.LastName);

    // Resumed, not restarted: after the kill the sandbox served only the pages that were left (plus the one in flight).
    const requests = stack.sandbox.stats().requests;
    const pagesAfterRestart = (requests.queryAll ?? 0) + (requests.queryMore ?? 0) - ((requestsBeforeRestart.queryAll ?? 0) + (requestsBeforeRestart.queryMore ?? 0));
    expect(pagesAfterRestart).toBeLessThanOrEqual(CONTACTS / PAGE - pagesBeforeKill + 1);
    const run = await stack.store.runs.collection.findOne({ connectionId: 'crashy' });
    expect(run).toMatchObject({ status: 'succeeded', pages: expect.any(Number) });
    expect(run?.attempts).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
