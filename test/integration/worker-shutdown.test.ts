// SIGTERM the worker (a deploy) in the middle of a sync slice: the page it was reading is stored and checkpointed
// before it exits, and the next worker resumes the run from that checkpoint.
import { join } from 'node:path';
import { signalGroup } from '../../devstack/processes';
import { pollsTaskQueue, startWorkerProcess, type WorkerProcess } from '../../devstack/worker-process';
import { storedLiveRecords } from '../support/assertions';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/test-stack';
import { workerEnvironment } from '../../worker/config';

const root = join(__dirname, '..', '..');
const CONTACTS = 10_000;
const PAGE = 2000; // Salesforce's default batch: five pages
const PAGE_DELAY_MS = 1500;

describe('worker shut down mid-slice', () => {
  let stack: TestStack;
  let worker: WorkerProcess | null = null;

  const startWorker = async (name: string) =>
    startWorkerProcess({
      // One slice would read the whole run: only the shutdown can end it early.
      env: { ...workerEnvironment({ ...stack.workerConfig, TRIBUTARY_MAX_SLICE_SECONDS: 600, TRIBUTARY_WORKER_SHUTDOWN_GRACE_SECONDS: 20 }), LOG_LEVEL: 'warn' },
      logFile: join(root, '.data', 'test', 'logs', `shutdown-${name}.log`),
      isPolling: pollsTaskQueue(stack.temporal, stack.taskQueue),
    });
  const run = async () => stack.store.runs.collection.findOne({ connectionId: 'deployed' });
  const dataRequests = () => {
    const requests = stack.sandbox.stats().requests;
    return (requests.queryAll ?? 0) + (requests.query ?? 0) + (requests.queryMore ?? 0);
  };

  beforeAll(async () => {
    stack = await startTestStack({ name: 'worker-shutdown', inProcessWorker: false });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  });

  it('stores the page in flight when SIGTERM comes, exits by itself, and the next worker resumes from that page', async () => {
    stack.sandbox.faults.slowResponses({ delayMs: PAGE_DELAY_MS });
    worker = await startWorker('first');
    expect((await stack.connectSalesforce('deployed', { contacts: { frequency: '1h' } })).status).toBe(201);

    // The slice has stored a page and asked for the next (each answer takes 1.5 s): the deploy comes now, while that
    // request is in flight. Waiting only for the stored page could land between storing it and asking again.
    await eventually(async () => ((await run())?.pages ?? 0) >= 1, { timeoutMs: 60_000, what: 'a stored page' });
    const requestsAtFirstPage = dataRequests();
    await eventually(async () => dataRequests() > requestsAtFirstPage, { timeoutMs: 30_000, what: 'the request for the next page' });
    const pagesAtSigterm = (await run())?.pages ?? 0;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      worker?.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    signalGroup(worker.child, 'SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null }); // it finished on its own, nobody had to kill it
    worker = null;

    const handedBack = await run();
    // The page that was being read when SIGTERM came is stored and checkpointed, not thrown away.
    expect(handedBack?.pages).toBeGreaterThan(pagesAtSigterm);
    expect(handedBack?.pages).toBeLessThan(CONTACTS / PAGE); // it really stopped in the middle
    // The slice ended normally (every attempt ended), so nothing needs recounting.
    expect(handedBack).toMatchObject({ status: 'running', recountNeeded: false });
    expect(handedBack?.slicesEnded).toBe(handedBack?.attempts);

    stack.sandbox.faults.clear();
    const requestsBeforeRestart = dataRequests();
    worker = await startWorker('second');
    const finished = await eventually(async () => {
      const current = await run();
      return current?.status === 'succeeded' ? current : null;
    }, { timeoutMs: 120_000, what: 'the run to finish on the next worker' });
    // Resumed from the checkpoint: the next worker read only the pages that were left.
    expect(dataRequests() - requestsBeforeRestart).toBe(CONTACTS / PAGE - (handedBack?.pages ?? 0));
    expect(finished).toMatchObject({ pages: CONTACTS / PAGE, recountNeeded: false, outcome: { added: CONTACTS, updated: 0, deleted: 0 } });
    expect((await storedLiveRecords(stack, 'deployed', 'contacts')).size).toBe(CONTACTS);
  });
});
