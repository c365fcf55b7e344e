// What a scheduled run that finds nothing new costs the database, command by command: with 10,000 idle connections
// syncing hourly this is most of the database's work, so the count is pinned here and cannot grow back unnoticed.
import { MongoClient } from 'mongodb';
import { createSyncRunActivities } from '../../../activities/sync-run-activities';
import { CredentialCipher } from '../../../security/credential-cipher';
import { createStore, type Store } from '../../../store/store';
import { updatesNeedLeases } from '../../../store/write-leases';
import { activityAttempt, activityDependencies } from '../../support/activity-harness';
import { startTestStack, type TestStack } from '../../support/test-stack';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

describe('a scheduled run that finds nothing new', () => {
  let stack: TestStack;
  let monitored: MongoClient;
  let commands: string[] = [];
  let leasesNeeded = false;

  beforeAll(async () => {
    // No worker: the test runs the run's three activities itself, as the connection workflow does for a scheduled run.
    stack = await startTestStack({ name: 'no-change-writes', inProcessWorker: false });
    stack.sandbox.seed('Contact', 30);
    monitored = new MongoClient(stack.workerEnv.MONGODB_URI ?? (process.env.MONGODB_URI as string), { monitorCommands: true });
    monitored.on('commandStarted', (event) => {
      const target = event.command[event.commandName];
      commands.push(`${typeof target === 'string' ? target : '-'}.${event.commandName}`);
    });
    await monitored.connect();
    leasesNeeded = await updatesNeedLeases(stack.database.db);
  });
  afterAll(async () => {
    await monitored?.close();
    await stack?.close();
  });

  const activities = (store: Store) => createSyncRunActivities(activityDependencies(store));
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) => activityAttempt().run(fn, ...args);

  async function scheduledRun(sync: ReturnType<typeof activities>, runId: string, connectionId = 'idle') {
    await run(sync.beginSyncRun, { runId, connectionId, model: 'contacts', mode: 'incremental' });
    const slice = await run(sync.syncModelSlice, { runId });
    const summary = await run(sync.finishSyncRun, { runId, nextRunAt: Date.now() + 3_600_000 });
    return { slice, summary };
  }

  /** A store as a worker process opens it: its own caches, on the monitored client. */
  function workerStore(): Store {
    const keys = stack.workerEnv.TRIBUTARY_ENCRYPTION_KEYS;
    const cipher = new CredentialCipher([{ id: 'k1', key: Buffer.from(keys.slice(3), 'base64') }]);
    return createStore(monitored.db(stack.database.db.databaseName), cipher);
  }

  /**
   * On FerretDB 1.x a connection update is made under a lease, taken by an insert and given back by a delete: without
   * it a run's write could put back what the API or the workflow wrote meanwhile (store/write-leases.ts).
   */
  const connectionUpdate = () => (leasesNeeded ? ['connection_write_leases.insert', 'connections.update', 'connection_write_leases.delete'] : ['connections.update']);
  const expectedWrites = () => [
    'sync_runs.insert', // beginSyncRun: the run, as GET …/runs shows it
    ...connectionUpdate(), // beginSyncRun: the connection's lastRunId (GET /connections/:id shows the run in flight)
    'sync_runs.update', // the slice's attempt (a crashed attempt is told from a finished one by it)
    'sync_runs.update', // the page's checkpoint, counts and log line
    'sync_runs.update', // the slice's normal end (with the attempt: an interrupted slice means a recount), carrying its events
    // Issue 22's event log (the console's run timeline and log search): the slice's events (mode, request, page), held
    // by its closing write, and the run's end, in one insertMany. One command more than issue 15's 7, by design.
    'event_log.insert',
    'sync_runs.findAndModify', // finishSyncRun: succeeded, outcome, finishedAt
    ...connectionUpdate(), // finishSyncRun: committed cursor, lastRunId, next run time in one write
  ];

  it('sends 8 write commands (12 on FerretDB 1.x, whose connection updates take a lease), each needed by what operators see', async () => {
    expect((await stack.connectSalesforce('idle', { contacts: { frequency: '1h' } })).status).toBe(201);
    const sync = activities(workerStore());
    await scheduledRun(sync, 'first');
    // The same process's second run: caches are warm, as for every scheduled run after a worker's first.
    await scheduledRun(sync, 'second');

    commands = [];
    const { slice, summary } = await scheduledRun(sync, 'idle-run');
    expect(slice).toMatchObject({ done: true });
    expect(summary).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    const writes = commands.filter((command) => WRITE_COMMANDS.has(command.split('.')[1]));
    expect(writes).toEqual(expectedWrites());
    // Nothing about the records or the change feed: no page changed anything.
    expect(writes.filter((command) => command.startsWith('records.') || command.startsWith('change_feeds.'))).toEqual([]);
    const stored = await stack.store.connections.get('idle');
    expect(stored.syncs.contacts).toMatchObject({ lastRunId: 'idle-run' });
    expect(stored.syncs.contacts.nextRunAt).toBeInstanceOf(Date);
    expect(await stack.store.runs.require('idle-run')).toMatchObject({ status: 'succeeded', pages: 1, providerRequests: 1, attempts: 1, slicesEnded: 1 });
    // That one write is the whole timeline, and the run keeps no events behind.
    const events = await stack.store.events.forRun('idle-run', 0, 100);
    expect(events.map((event) => event.kind)).toEqual(['mode', 'request', 'page', 'finished']);
    expect((await stack.store.runs.require('idle-run')).pendingEvents).toBeUndefined();
  });

  it('writes no record when its lookback re-reads a bulk load, even on a worker that never ran the connection', async () => {
    // A bulk load: 120 contacts sharing one SystemModstamp, the newest. A no-change run re-reads them all over the
    // lookback, a page well over the size that is looked up before writing in any case (50).
    stack.sandbox.seed('Contact', 120, { tieGroupSize: 120 });
    expect((await stack.connectSalesforce('bulk-loaded', { contacts: { frequency: '1h' } })).status).toBe(201);
    commands = [];
    await scheduledRun(activities(workerStore()), 'bulk-first', 'bulk-loaded');
    // The connection's first run (incremental, from no cursor) inserts its pages without looking anything up; at its
    // end, as a read of everything, one query for live records it did not see (an abandoned attempt's), finding none.
    expect(commands.filter((command) => command.startsWith('records.'))).toEqual(['records.insert', 'records.find']);

    // Another worker (or this one restarted) runs the next one: nothing remembered about the connection's pages.
    commands = [];
    const { slice, summary } = await scheduledRun(activities(workerStore()), 'bulk-idle', 'bulk-loaded');
    expect(slice).toMatchObject({ done: true });
    expect((await stack.store.runs.require('bulk-idle')).recordsRead).toBeGreaterThanOrEqual(120);
    expect(summary).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    const writes = commands.filter((command) => WRITE_COMMANDS.has(command.split('.')[1]));
    // An insert of the re-read records (refused, then retried one by one on FerretDB) and a feed reservation would
    // show here as records.insert and change_feeds.findAndModify.
    expect(writes).toEqual(expectedWrites());
  });
});
