// A worker process syncing while its database restarts or stalls: readiness says the database is unreachable
// meanwhile, the worker's next activity succeeds within 30 s of the database's return, and nothing is lost.
import { join } from 'node:path';
import { findOnPath } from '../../../devstack/binaries';
import { findPostgresBinDir, startMongoServer, type MongoServer, type StalledPart } from '../../../devstack/mongo-server';
import { freePort } from '../../../devstack/processes';
import { pollsTaskQueue, startWorkerProcess, type WorkerProcess } from '../../../devstack/worker-process';
import type { SyncRunDocument } from '../../../store/sync-runs';
import { waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { expectStoredExactlyOnce } from './fault-support';

const LOG_DIR = join(__dirname, '..', '..', '..', '.data', 'test', 'logs');
/** Five pages of 2,000. */
const CONTACTS = 10_000;
/** Pages answered before the sync is held: the fault goes in as the third page is let through and being stored. */
const PAGES_BEFORE_FAULT = 2;
/** How long the database stays stopped or frozen. */
const FAULT_MS = 8000;
/** The bound: from the database's return to the worker's next activity that gets through. */
const BACK_WITHIN_MS = 30_000;

// Stalling PostgreSQL needs FerretDB on PostgreSQL: what the database server starts here unless mongod is installed
// or SQLite is forced.
const onPostgres = findPostgresBinDir() !== null && !findOnPath('mongod') && process.env.TRIBUTARY_FERRETDB_BACKEND !== 'sqlite';
const itOnPostgres = onPostgres ? it : it.skip;

interface Readiness {
  status: number;
  database: boolean | undefined;
}

async function readiness(url: string): Promise<Readiness> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { database?: boolean };
  return { status: response.status, database: body.database };
}

describe('a worker whose database restarts or stalls mid-sync', () => {
  // A database server of this file's own: the shared one of the other test files is never stopped or frozen.
  let mongo: MongoServer;
  let stack: TestStack;
  let worker: WorkerProcess;
  let workerStatusUrl: string;

  beforeAll(async () => {
    mongo = await startMongoServer({ logFile: join(LOG_DIR, 'database-outage-mongo.log') });
    stack = await startTestStack({ name: 'db-outage', mongoUri: mongo.uri, inProcessWorker: false });
    stack.sandbox.seed('Contact', CONTACTS);
    const statusPort = await freePort();
    worker = await startWorkerProcess({
      env: { ...stack.workerEnv, TRIBUTARY_WORKER_STATUS_PORT: String(statusPort), LOG_LEVEL: 'info' },
      logFile: join(LOG_DIR, 'database-outage-worker.log'),
      isPolling: pollsTaskQueue(stack.temporal, stack.taskQueue),
    });
    workerStatusUrl = `http://127.0.0.1:${statusPort}`;
  }, 180_000);
  afterAll(async () => {
    await mongo?.stall?.end();
    await worker?.stop();
    await stack?.close();
    await mongo?.stop();
  });

  /**
   * Connects a connection, lets its first sync store two pages, then breaks the database for FAULT_MS and mends it. Checks
   * readiness meanwhile, the first page the worker stores after the database is back, and the finished run.
   */
  async function syncThroughFault(connectionId: string, fault: { begin(): Promise<void>; end(): Promise<void> }): Promise<void> {
    stack.sandbox.faults.holdQueries({ afterCalls: PAGES_BEFORE_FAULT });
    expect((await stack.connectSalesforce(connectionId, { contacts: { frequency: '1h' } })).status).toBe(201);
    await eventually(() => stack.sandbox.faults.heldQueries() === 1, { what: `${connectionId}'s first sync to ask for page ${PAGES_BEFORE_FAULT + 1}` });
    const underWay = await stack.store.runs.collection.findOne({ connectionId, model: 'contacts', status: 'running' });
    if (!underWay) throw new Error(`${connectionId} has no running contacts run`);

    // The held page goes through and the next is held: the database goes away while the worker stores the page, and
    // the run cannot end before the database is back, however long the server takes to stop (a run once ended while
    // FerretDB was stopping).
    stack.sandbox.faults.clear();
    stack.sandbox.faults.holdQueries({ afterCalls: 0 });
    await fault.begin();
    const faultAt = Date.now();
    // Readiness must say so while the database is away: the worker's probe and the API's.
    const seen = await eventually(
      async () => {
        const [ofWorker, ofApi] = await Promise.all([readiness(workerStatusUrl), readiness(stack.apiUrl)]);
        return ofWorker.status === 503 && ofWorker.database === false && ofApi.status === 503 && ofApi.database === false ? { ofWorker, ofApi } : null;
      },
      { timeoutMs: FAULT_MS, intervalMs: 500, what: 'the worker and the API to report the database unreachable' },
    );
    expect(seen.ofWorker).toEqual({ status: 503, database: false });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, FAULT_MS - (Date.now() - faultAt))));
    await fault.end();
    const backAt = new Date();
    stack.sandbox.faults.clear();

    // The worker's next activity that gets through stores a page (or ends the run): its own clock says when.
    const after = await eventually(
      async () => {
        const run = await stack.store.runs.collection.findOne({ _id: underWay._id });
        return run && firstWriteSince(run, backAt) !== null ? run : null;
      },
      { timeoutMs: BACK_WITHIN_MS + 30_000, intervalMs: 500, what: `a page of ${underWay._id} stored after the database came back` },
    );
    const firstWriteMs = (firstWriteSince(after, backAt) as Date).getTime() - backAt.getTime();
    expect({ firstWriteWithinBound: firstWriteMs <= BACK_WITHIN_MS, firstWriteMs }).toEqual({ firstWriteWithinBound: true, firstWriteMs });
    await eventually(
      async () => {
        const [ofWorker, ofApi] = await Promise.all([readiness(workerStatusUrl), readiness(stack.apiUrl)]);
        return ofWorker.status === 200 && ofApi.status === 200;
      },
      { timeoutMs: BACK_WITHIN_MS, intervalMs: 500, what: 'the worker and the API to be ready again' },
    );

    const finished = await waitForRunAfter(stack, connectionId, 'contacts', null, 180_000);
    expect(finished).toMatchObject({ runId: underWay._id, status: 'succeeded', added: CONTACTS });
    await expectStoredExactlyOnce(stack, connectionId, 'contacts', 'Contact');
  }

  const stall = (parts: StalledPart[]) => ({
    begin: () => (mongo.stall as NonNullable<MongoServer['stall']>).begin(parts),
    end: () => (mongo.stall as NonNullable<MongoServer['stall']>).end(),
  });

  it('restarted on the same port and data', async () => {
    await syncThroughFault('restarted', {
      begin: () => (mongo.outage as NonNullable<MongoServer['outage']>).begin(),
      end: () => (mongo.outage as NonNullable<MongoServer['outage']>).end(),
    });
  }, 360_000);

  it('stalled: the wire-protocol server frozen (SIGSTOP) and thawed', async () => {
    await syncThroughFault('server-stalled', stall(['server']));
  }, 360_000);

  itOnPostgres('stalled: FerretDB and its PostgreSQL frozen (SIGSTOP) and thawed', async () => {
    await syncThroughFault('all-stalled', stall(['server', 'backend']));
  }, 360_000);

  itOnPostgres('stalled behind FerretDB: its PostgreSQL frozen while FerretDB answers', async () => {
    await syncThroughFault('backend-stalled', stall(['backend']));
  }, 360_000);
});

/** When the worker first wrote the run after `since`: a page recorded, or the run's end. */
function firstWriteSince(run: SyncRunDocument, since: Date): Date | null {
  const page = (run.log ?? []).find((entry) => entry.kind === 'page' && entry.at >= since);
  if (page) return page.at;
  return run.finishedAt && run.finishedAt >= since ? run.finishedAt : null;
}
