// SIGKILL the worker in the middle of a Zoho first sync: a new worker resumes from the stored checkpoint (its page
// token), reads only the pages that were left, and stores exactly the truth, each record once.
import type { ChildProcess } from 'node:child_process';
import { signalGroup, stopProcess } from '../../../devstack/processes';
import type { SyncWebhookEvent } from '../../../contracts/webhook-events';
import { storedLiveRecords } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startZohoStack, type ZohoStack } from '../../support/zoho-stack';
import { spawnWorker } from '../../support/worker-process';

const CONTACTS = 6000;
const PAGE = 200;

describe('worker killed mid-sync of a Zoho org', () => {
  let stack: ZohoStack;
  let worker: ChildProcess | null = null;

  const startWorkerProcess = () =>
    spawnWorker(stack.workerEnv, 'zoho-crash-worker.log');
  const pagesRead = () => {
    const requests = stack.zoho.stats().requestsByDataCentre.eu ?? {};
    return (requests.list ?? 0) + (requests.nextPage ?? 0);
  };

  beforeAll(async () => {
    stack = await startZohoStack({ name: 'zoho-crash', inProcessWorker: false });
    stack.zoho.org('nordlicht').seed('Contacts', CONTACTS, { tieGroupSize: 7 });
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await stack?.close();
  });

  it('finishes with exactly the sandbox truth, no duplicates, and does not start over', async () => {
    stack.zoho.faults.slowResponses({ delayMs: 700 });
    stack.zoho.resetStats();
    worker = startWorkerProcess();
    expect((await stack.connectZoho('crashy', { org: 'nordlicht', syncs: { contacts: { frequency: '1h' } } })).status).toBe(201);

    const pagesStored = async () => (await stack.store.runs.collection.findOne({ connectionId: 'crashy' }))?.pages ?? 0;
    const pagesBeforeKill = await eventually(async () => {
      const pages = await pagesStored();
      return pages >= 4 ? pages : null;
    }, { timeoutMs: 120_000, what: 'four stored pages' });
    signalGroup(worker, 'SIGKILL');
    await new Promise((resolve) => worker?.once('exit', resolve));
    const readBeforeRestart = pagesRead();
    expect(await pagesStored()).toBeLessThan(CONTACTS / PAGE); // it really was in the middle

    stack.zoho.faults.clear();
    worker = startWorkerProcess();
    await stack.receiver.waitFor((received) => received.some((w) => w.event.type === 'sync'), 180_000);
    const event = stack.receiver.received.find((w) => w.event.type === 'sync')?.event as SyncWebhookEvent;
    expect(event).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });

    const stored = await storedLiveRecords(stack, 'crashy', 'contacts');
    expect(stored.size).toBe(CONTACTS);
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'crashy' })).toBe(CONTACTS);
    for (const record of stack.zoho.org('nordlicht').records('Contacts')) expect(stored.get(String(record.id))?.Last_Name).toBe(record.Last_Name);

    // Resumed by its page token, not restarted: after the kill only the pages that were left (and the one in flight).
    expect(pagesRead() - readBeforeRestart).toBeLessThanOrEqual(CONTACTS / PAGE - pagesBeforeKill + 1);
    expect(stack.zoho.stats().requestsByDataCentre.eu.list).toBe(1);
    const run = await stack.store.runs.collection.findOne({ connectionId: 'crashy' });
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run?.attempts).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
