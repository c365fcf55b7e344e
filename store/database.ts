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
  retiredConnectionIds: 'retired_connection_ids',
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

const INDEXES: { collection: string; key: Record<string, 1 | -1>; name: string; expireAfterSeconds?: number }[] = [
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
  { collection: COLLECTIONS.webhookDeliveries, key: { eventId: 1, attemptedAt: 1 }, name: 'deliveries_by_event' },
  // Connect sessions and OAuth states are worthless once expired: MongoDB deletes them (the code checks expiry itself).
  // FerretDB 1.24 has no TTL indexes; there the repositories delete expired ones whenever they write (see purgeExpired).
  { collection: COLLECTIONS.connectSessions, key: { expiresAt: 1 }, name: 'connect_sessions_ttl', expireAfterSeconds: 0 },
  { collection: COLLECTIONS.oauthStates, key: { expiresAt: 1 }, name: 'oauth_states_ttl', expireAfterSeconds: 0 },
];

/**
 * Idempotent; run by the worker and the API at start so either can come up first. One index per command:
 * FerretDB 1.24 drops the connection when a multi-index createIndexes names indexes that already exist.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const { collection, key, name, expireAfterSeconds } of INDEXES) {
    try {
      await db.collection(collection).createIndex(key, { name, ...(expireAfterSeconds === undefined ? {} : { expireAfterSeconds }) });
    } catch (error) {
      if (!(expireAfterSeconds !== undefined && isNotImplemented(error))) throw error;
    }
  }
}

/** FerretDB 1.24 answers `Index option "expireAfterSeconds" is not implemented yet` (NotImplemented, code 238). */
function isNotImplemented(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === 238 || /not implemented/i.test(error.message));
}
