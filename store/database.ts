// Opens the MongoDB database and creates the indexes every repository relies on.
import { MongoClient, type Db } from 'mongodb';

export const COLLECTIONS = {
  integrations: 'integrations',
  connections: 'connections',
  records: 'records',
  syncRuns: 'sync_runs',
  feeds: 'change_feeds',
  webhookDeliveries: 'webhook_deliveries',
} as const;

export interface Database {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function openDatabase(uri: string, dbName: string): Promise<Database> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, retryWrites: true });
  await client.connect();
  const db = client.db(dbName);
  return { client, db, close: () => client.close() };
}

/** Idempotent; run by the worker and the API at start so either can come up first. */
export async function ensureIndexes(db: Db): Promise<void> {
  await db.collection(COLLECTIONS.records).createIndexes([
    // The changes feed reads a connection's model in change order.
    { key: { connectionId: 1, model: 1, changeSeq: 1 }, name: 'feed_order' },
    // Counting a run's outcome and finding records a full resync did not see.
    { key: { lastChangeRunId: 1, lastAction: 1 }, name: 'run_outcome' },
    { key: { connectionId: 1, model: 1, seenByRun: 1 }, name: 'full_resync_seen' },
  ]);
  await db.collection(COLLECTIONS.syncRuns).createIndexes([
    { key: { connectionId: 1, model: 1, startedAt: -1 }, name: 'runs_by_connection' },
  ]);
  await db.collection(COLLECTIONS.connections).createIndexes([
    { key: { integration: 1, status: 1 }, name: 'connections_by_integration' },
  ]);
  await db.collection(COLLECTIONS.webhookDeliveries).createIndexes([
    { key: { eventId: 1, attemptedAt: 1 }, name: 'deliveries_by_event' },
  ]);
}
