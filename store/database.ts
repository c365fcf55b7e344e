// Opens the MongoDB database and creates the indexes every repository relies on.
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { watchServerMonitors, type WatchdogLog } from './monitor-watchdog';

export const COLLECTIONS = {
  integrations: 'integrations',
  connections: 'connections',
  records: 'records',
  syncRuns: 'sync_runs',
  feeds: 'change_feeds',
  webhookDeliveries: 'webhook_deliveries',
  connectSessions: 'connect_sessions',
  oauthStates: 'oauth_states',
  connectionLocks: 'connection_locks',
  syncTriggers: 'sync_triggers',
  providerNotifications: 'provider_notifications',
  actions: 'actions',
  reportedDeletes: 'reported_deletes',
  retiredConnectionIds: 'retired_connection_ids',
  consoleSessions: 'console_sessions',
  eventLog: 'event_log',
  eventLogRollups: 'event_log_rollups',
  failingDeliveries: 'failing_webhook_deliveries',
  connectionWriteLeases: 'connection_write_leases',
} as const;

export interface Database {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * A connect or a hello that takes longer than this fails, and the server counts as down: the driver's 30 s default is
 * meant for far-away servers, and the watchdog's bound for a wedged hello (this plus 5 s) is how long a client wedged
 * by a restart stays cut off.
 */
const CONNECT_TIMEOUT_MS = 10_000;
/** The driver's default, stated because the watchdog's bound depends on it. */
const HEARTBEAT_FREQUENCY_MS = 10_000;

export async function openDatabase(uri: string, dbName: string, options: { log?: WatchdogLog } = {}): Promise<Database> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 10_000,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS,
    retryWrites: true,
  });
  // Watching from before the first connect: the first monitors can wedge too.
  const watchdog = watchServerMonitors(client, { connectTimeoutMS: CONNECT_TIMEOUT_MS, heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS, log: options.log });
  try {
    await client.connect();
  } catch (error) {
    watchdog.stop();
    throw error;
  }
  const db = client.db(dbName);
  return {
    client,
    db,
    close: () => {
      watchdog.stop();
      return client.close();
    },
  };
}

const INDEXES: { collection: string; key: Record<string, 1 | -1>; name: string; expireAfterSeconds?: number; mongoDbOnly?: true }[] = [
  // The changes feed reads a connection's model in change order.
  { collection: COLLECTIONS.records, key: { connectionId: 1, model: 1, feedBucket: 1, changeSeq: 1 }, name: 'feed_by_bucket' },
  // Counting a run's outcome and finding records a full resync did not see.
  { collection: COLLECTIONS.records, key: { lastChangeRunId: 1, lastAction: 1 }, name: 'run_outcome' },
  { collection: COLLECTIONS.records, key: { connectionId: 1, model: 1, seenByRun: 1 }, name: 'full_resync_seen' },
  { collection: COLLECTIONS.syncRuns, key: { connectionId: 1, model: 1, startedAt: -1 }, name: 'runs_by_connection' },
  { collection: COLLECTIONS.connections, key: { integration: 1, status: 1 }, name: 'connections_by_integration' },
  // A provider's change notification names its account; this finds the connection.
  { collection: COLLECTIONS.connections, key: { integration: 1, providerAccountId: 1 }, name: 'connections_by_provider_account' },
  // Salesforce retries an Outbound Message for 24 hours: after that its notification ids can go.
  { collection: COLLECTIONS.providerNotifications, key: { receivedAt: 1 }, name: 'provider_notifications_ttl', expireAfterSeconds: 2 * 86_400 },
  // A run's pass over the deletes webhooks reported for its feed.
  { collection: COLLECTIONS.reportedDeletes, key: { connectionId: 1, model: 1, reportedAt: 1 }, name: 'reported_deletes_by_feed' },
  { collection: COLLECTIONS.webhookDeliveries, key: { eventId: 1, attemptedAt: 1 }, name: 'deliveries_by_event' },
  // Connect sessions and OAuth states are worthless once expired: MongoDB deletes them (the code checks expiry itself).
  // FerretDB 1.24 has no TTL indexes; there the repositories delete expired ones whenever they write (see purgeExpired).
  { collection: COLLECTIONS.connectSessions, key: { expiresAt: 1 }, name: 'connect_sessions_ttl', expireAfterSeconds: 0 },
  { collection: COLLECTIONS.oauthStates, key: { expiresAt: 1 }, name: 'oauth_states_ttl', expireAfterSeconds: 0 },
  { collection: COLLECTIONS.consoleSessions, key: { expiresAt: 1 }, name: 'console_sessions_ttl', expireAfterSeconds: 0 },
  // The event log is read by run (a timeline), by hour bucket (searches, newest first; the purge) with or without a
  // connection, by record id (a record's history), and by minute (the overview's statistics). Its retention TTL index
  // is the API's (ensureEventLogRetention): only it knows TRIBUTARY_LOG_RETENTION_DAYS.
  { collection: COLLECTIONS.eventLog, key: { runId: 1, seq: 1 }, name: 'event_log_by_run' },
  { collection: COLLECTIONS.eventLog, key: { hour: 1, seq: -1 }, name: 'event_log_by_hour' },
  { collection: COLLECTIONS.eventLog, key: { connectionId: 1, hour: 1, seq: -1 }, name: 'event_log_by_connection' },
  // Multikey on MongoDB. FerretDB 1.24 would index each whole list as one B-tree key, which a page of 2,000 ids
  // overflows (PostgreSQL refuses the insert): there the dev stack's GIN indexes serve these lookups instead.
  { collection: COLLECTIONS.eventLog, key: { connectionId: 1, addedIds: 1 }, name: 'event_log_added_ids', mongoDbOnly: true },
  { collection: COLLECTIONS.eventLog, key: { connectionId: 1, updatedIds: 1 }, name: 'event_log_updated_ids', mongoDbOnly: true },
  { collection: COLLECTIONS.eventLog, key: { connectionId: 1, deletedIds: 1 }, name: 'event_log_deleted_ids', mongoDbOnly: true },
  { collection: COLLECTIONS.eventLog, key: { minute: 1 }, name: 'event_log_by_minute' },
  // A connection's actions, newest first (the console's actions list).
  { collection: COLLECTIONS.actions, key: { connectionId: 1, createdAt: -1 }, name: 'actions_by_connection' },
];

/**
 * The event log's retention on MongoDB, by a TTL index on `at` (changed in place when the setting changes). FerretDB
 * has no TTL indexes: there the API's purge (api/console/event-log-retention.ts) is what removes old events.
 */
export async function ensureEventLogRetention(db: Db, retentionDays: number): Promise<void> {
  const name = 'event_log_ttl';
  const expireAfterSeconds = Math.round(retentionDays * 86_400);
  try {
    await db.collection(COLLECTIONS.eventLog).createIndex({ at: 1 }, { name, expireAfterSeconds });
  } catch (error) {
    if (isNotImplemented(error)) return;
    // The index exists with another retention (IndexOptionsConflict, or IndexKeySpecsConflict on older servers).
    if (error instanceof MongoServerError && (error.code === 85 || error.code === 86)) {
      await db.command({ collMod: COLLECTIONS.eventLog, index: { name, expireAfterSeconds } });
      return;
    }
    throw error;
  }
}

/**
 * Idempotent; run by the worker and the API at start so either can come up first. One index per command:
 * FerretDB 1.24 drops the connection when a multi-index createIndexes names indexes that already exist.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  const ferretDb = await isFerretDb(db);
  for (const { collection, key, name, expireAfterSeconds, mongoDbOnly } of INDEXES) {
    if (mongoDbOnly && ferretDb) continue;
    try {
      await db.collection(collection).createIndex(key, { name, ...(expireAfterSeconds === undefined ? {} : { expireAfterSeconds }) });
    } catch (error) {
      if (!(expireAfterSeconds !== undefined && isNotImplemented(error))) throw error;
    }
  }
}

/** FerretDB says so in its buildInfo answer. */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || (typeof info.ferretdb === 'object' && info.ferretdb !== null);
}

/** FerretDB 1.24 answers `Index option "expireAfterSeconds" is not implemented yet` (NotImplemented, code 238). */
function isNotImplemented(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === 238 || /not implemented/i.test(error.message));
}
