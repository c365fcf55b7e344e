// Section 9: the console's first pages at scale: the connections page (problems first, and a search) and the overview,
// timed in the API (server time) over a database seeded with many connections and runs.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import pino from 'pino';
import { composeApi, type ComposedApi } from '../api/compose';
import { apiConfigOf } from '../api/config';
import { RunStatistics } from '../api/console/run-statistics';
import { CredentialCipher } from '../security/credential-cipher';
import type { ConnectionDocument } from '../store/connections';
import { COLLECTIONS, ensureIndexes, openDatabase } from '../store/database';
import { hourOf, logEvent, minuteOf } from '../store/event-log';
import { createStore, type Store } from '../store/store';
import { summarizeRun, type SyncRunDocument } from '../store/sync-runs';
import type { Row, SectionResult } from './rows';
import { summarize } from './stats';

export interface ConsoleBenchOptions {
  mongoUri: string;
  databaseKind: string;
  temporalAddress: string;
  connections: number;
  runs: number;
  repeats: number;
  log: (message: string) => void;
}

const HOUR = 3_600_000;
const BATCH = 1_000;
/** What the roll-up has not summed yet, read live by the overview: about two minutes of run ends at this scale. */
const LIVE_RUN_ENDS = 600;

/** The dev stack's own shapes, written in bulk (the API's and worker's writes would take hours to make this much). */
async function seed(store: Store, db: import('mongodb').Db, { connections, runs }: { connections: number; runs: number }, log: (message: string) => void): Promise<void> {
  const cipher = new CredentialCipher([{ id: 'k1', key: randomBytes(32) }]);
  const now = Date.now();
  const perConnection = Math.max(1, Math.floor(runs / connections));
  const statusOf = (i: number): ConnectionDocument['status'] => (i % 100 === 1 ? 'auth_error' : i % 200 === 2 ? 'degraded' : i % 100 === 3 ? 'rate_limited' : 'active');
  for (let start = 0; start < connections; start += BATCH) {
    const docs: ConnectionDocument[] = [];
    for (let i = start; i < Math.min(connections, start + BATCH); i++) {
      const id = `customer-${String(i).padStart(6, '0')}`;
      // Runs alternate between the models: each model's last is the last k of its parity.
      const lastK = (model: string) => (perConnection - 1) - (((perConnection - 1) % 2 === 1) === (model === 'accounts') ? 0 : 1);
      const lastRun = (model: string) => `${id}:${model}:${lastK(model)}`;
      docs.push({
        _id: id,
        integration: `salesforce-${i % 4}`,
        provider: 'salesforce',
        providerAccountId: `00D${String(i).padStart(12, '0')}AAA`,
        status: statusOf(i),
        statusReason: statusOf(i) === 'active' ? null : 'seeded for the bench',
        statusUntil: null,
        credentials: cipher.seal({ accessToken: 'a'.repeat(100), refreshToken: 'r'.repeat(100), instanceUrl: 'https://example.my.salesforce.com' }, `connection:${id}`),
        credentialState: { generation: 3, expiresAt: new Date(now + HOUR), refreshedAt: new Date(now), refreshCount: 2, lastError: null, refreshStartedAt: null },
        syncs: Object.fromEntries(
          ['contacts', 'accounts'].map((model) => [
            model,
            {
              frequency: '1h',
              frequencyMs: HOUR,
              cursor: { at: new Date(now).toISOString(), id: '003000000000000AAA' },
              nextRunAt: new Date(now + HOUR),
              lastRunId: lastRun(model),
              lastRunStatus: i % 50 === 7 && model === 'contacts' ? 'failed' : 'succeeded',
              lastFinishedRun: summarizeRun(runDocument(id, i, model, lastK(model), perConnection, now)),
              runningSince: i % 60 === 0 ? new Date(now - 30_000) : null,
            },
          ]),
        ),
        paused: i % 50 === 4,
        metadata: { customer: `Customer ${i}`, plan: i % 3 ? 'pro' : 'enterprise', region: ['eu', 'us', 'apac'][i % 3] },
        ...(i % 500 === 5 ? { health: { state: 'stuck', cause: 'activity_failing', reason: 'seeded', since: new Date(now), checkedAt: new Date(now) } } : {}),
        createdAt: new Date(now - 30 * 24 * HOUR),
        updatedAt: new Date(now),
      } as ConnectionDocument);
    }
    await db.collection<ConnectionDocument>(COLLECTIONS.connections).insertMany(docs);
  }
  log(`console: ${connections} connections seeded`);
  let written = 0;
  let batch: SyncRunDocument[] = [];
  for (let i = 0; i < connections && written < runs; i++) {
    const id = `customer-${String(i).padStart(6, '0')}`;
    for (let k = 0; k < perConnection && written < runs; k++, written++) {
      batch.push(runDocument(id, i, k % 2 ? 'accounts' : 'contacts', k, perConnection, now));
      if (batch.length === BATCH) {
        await store.runs.collection.insertMany(batch);
        batch = [];
      }
    }
  }
  if (batch.length > 0) await store.runs.collection.insertMany(batch);
  log(`console: ${written} runs seeded`);
  // The hourly sums the roll-up keeps, the last minutes it has not summed yet, and webhooks failing now.
  for (let h = 0; h < 24; h++) {
    await store.eventRollups.add(hourOf(new Date(now - h * HOUR)), { succeeded: Math.round(runs / 24), failed: 3, added: 400, updated: 900, deleted: 5 });
  }
  await store.eventRollups.advance('rolled-through', null, minuteOf(new Date(now - 2 * 60_000)));
  const ends = Array.from({ length: LIVE_RUN_ENDS }, (_, i) =>
    logEvent({ source: 'run', kind: 'finished', level: 'info', message: 'succeeded', connectionId: `customer-${String(i).padStart(6, '0')}`, runId: `live-${i}`, at: new Date(now - (i % 110) * 1000), data: { status: 'succeeded', added: 1, updated: 0, deleted: 0 } }),
  );
  await store.events.insert(ends);
  for (let i = 0; i < 50; i++) {
    await store.webhookDeliveries.markOutcome({ eventId: `failing-${i}`, type: 'sync', connectionId: `customer-${String(i).padStart(6, '0')}`, attempt: 3, status: 503, error: 'receiver answered HTTP 503', attemptedAt: new Date(now - i * 60_000) }, true);
  }
}

/** Run `k` of a connection's `perConnection`, an hour apart, the last one just finished. */
function runDocument(id: string, i: number, model: string, k: number, perConnection: number, now: number): SyncRunDocument {
  const startedAt = new Date(now - (perConnection - k) * HOUR + (i % 3_600) * 1000);
  return {
    _id: `${id}:${model}:${k}`,
    connectionId: id,
    integration: `salesforce-${i % 4}`,
    provider: 'salesforce',
    model,
    mode: 'incremental',
    status: 'succeeded',
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 900),
    startCursor: null,
    checkpoint: null,
    feedSeqAtStart: 0,
    feedSeqAtEnd: 0,
    pages: 1,
    recordsRead: 3,
    invalidRecords: 0,
    invalidSamples: [],
    providerRequests: 1,
    rateLimitWaits: 0,
    attempts: 1,
    slicesEnded: 1,
    changes: { added: 1, updated: 2, deleted: 0 },
    recountNeeded: false,
    outcome: { added: 1, updated: 2, deleted: 0 },
    error: null,
    missingFields: [],
    fullReason: null,
    log: [{ at: startedAt, kind: 'page', message: 'read 3 records in 1 requests: 1 added, 2 updated, 0 deleted' }],
  };
}

export async function benchConsole(options: ConsoleBenchOptions): Promise<SectionResult> {
  const { log } = options;
  const dbName = `bench_console_${randomBytes(4).toString('hex')}`;
  const encryptionKeys = [{ id: 'k1', key: randomBytes(32) }];
  const database = await openDatabase(options.mongoUri, dbName);
  const servers: import('node:http').Server[] = [];
  let composed: ComposedApi | null = null;
  try {
    await ensureIndexes(database.db);
    const seededAt = performance.now();
    await seed(createStore(database.db, new CredentialCipher(encryptionKeys)), database.db, options, log);
    const seedSeconds = (performance.now() - seededAt) / 1000;

    // The API from its composition root, as `npm run api` starts it (its timers off: the bench sums the hours itself),
    // timed from the request's arrival to its answer's last byte (server time).
    const secretKey = randomBytes(24).toString('hex');
    composed = await composeApi(
      apiConfigOf({
        TEMPORAL_ADDRESS: options.temporalAddress,
        MONGODB_URI: options.mongoUri,
        MONGODB_DB: dbName,
        TRIBUTARY_TASK_QUEUE: `bench-console-${randomBytes(4).toString('hex')}`,
        TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys,
        TRIBUTARY_SECRET_KEYS: [{ name: 'bench', key: secretKey }],
        TRIBUTARY_PUBLIC_URL: 'http://127.0.0.1:3000',
      }),
      { logger: pino({ level: 'silent' }), scanHealthOnTimer: false, housekeepingOnTimer: false },
    );
    const { store } = composed;
    const served: number[] = [];
    const timed = express();
    timed.use((_req, res, next) => {
      const startedAt = performance.now();
      res.on('finish', () => served.push(performance.now() - startedAt));
      next();
    });
    timed.use(composed.app);
    const server = createServer(timed);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const serverTime = async (path: string): Promise<{ ms: number; body: Record<string, unknown> }> => {
      const before = served.length;
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${secretKey}` } });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
      while (served.length === before) await new Promise((resolve) => setImmediate(resolve));
      return { ms: served[before], body };
    };

    // The first request waits for the connection directory's load (one scan of the connections, begun when the API
    // started): timed apart, it happens once per API process (later refreshes run behind the answers).
    const load = await serverTime('/connections?limit=1');
    // What the API's housekeeping does every 30 s: sum the settled minutes, so the overview reads live only the last one
    // or two, as it does in a running deployment (seeding took long enough for several to settle).
    await new RunStatistics(store).rollUp();
    const measures = {
      first: [] as number[],
      search: [] as number[],
      overview: [] as number[],
    };
    let checked = false;
    for (let i = 0; i < options.repeats; i++) {
      const first = await serverTime('/connections?limit=50');
      const search = await serverTime(`/connections?q=${encodeURIComponent(`customer ${String(1234 % options.connections)}`)}&limit=50`);
      const overview = await serverTime('/stats/overview?hours=24');
      measures.first.push(first.ms);
      measures.search.push(search.ms);
      measures.overview.push(overview.ms);
      if (!checked) {
        // A fast answer that says the wrong thing would not count.
        const rows = first.body.connections as { connectionId: string; health: { state: string }; syncs: Record<string, { lastRun: unknown }> }[];
        if (rows.some((row) => Object.values(row.syncs).some((sync) => sync.lastRun === null))) throw new Error('a row of the first page lacks its last run');
        const totals = overview.body.connections as { total: number };
        if (rows.length !== 50 || rows[0].health.state !== 'stuck') throw new Error(`the first page is not problems first: ${rows.slice(0, 2).map((row) => row.connectionId).join(', ')}`);
        if (totals.total !== options.connections) throw new Error(`the overview counted ${totals.total} connections of ${options.connections}`);
        if ((search.body.connections as unknown[]).length === 0) throw new Error('the search found nothing');
        checked = true;
      }
    }
    const size = `${options.connections} conns, ${options.runs} runs`;
    const limitedBy = `API + ${options.databaseKind}`;
    const row = (measure: string, values: number[]): Row => ({ section: 9, measure, size, values, decimals: 0, limitedBy });
    log(`console: directory load ${load.ms.toFixed(0)} ms; first page ${summarize(measures.first)?.median.toFixed(0)} ms, search ${summarize(measures.search)?.median.toFixed(0)} ms, overview ${summarize(measures.overview)?.median.toFixed(0)} ms`);
    return {
      rows: [
        row(`connections page, problems first, 50 rows (ms, server time, ${options.databaseKind})`, measures.first),
        row(`connections search by metadata value (ms, server time, ${options.databaseKind})`, measures.search),
        row(`overview, 24 hours (ms, server time, ${options.databaseKind})`, measures.overview),
        row(`connection directory load, once per API process (ms, ${options.databaseKind})`, [load.ms]),
      ],
      notes: [
        `Console (9): ${options.connections} connections (1% auth_error, 0.5% degraded, 1% rate_limited, 2% paused, 0.2% stuck) and ` +
          `${options.runs} runs written in bulk in the dev stack's shapes (${seedSeconds.toFixed(0)} s), 24 summed hours, ${LIVE_RUN_ENDS} run ends not summed yet, ` +
          '50 failing webhooks. Server time is from the request reaching the API to its last byte. The list and the overview read the ' +
          "API's connection directory (loaded once by one scan, then refreshed behind the answers) and each row fresh by id with its models' last runs; " +
          'the overview reads the summed hours, the minutes not summed yet and the failing webhooks.',
      ],
    };
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await database.db.dropDatabase().catch(() => undefined);
    await database.close();
    await composed?.close();
  }
}
