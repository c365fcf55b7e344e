// The API process: validates config, connects to MongoDB and Temporal, serves HTTP until SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { providerCatalog } from '../providers/catalog';
import { createLogger } from '../observability/logger';
import { CredentialCipher } from '../security/credential-cipher';
import { ensureIndexes, openDatabase } from '../store/database';
import { createStore } from '../store/store';
import { createApp } from './app';
import { parseApiConfig } from './config';
import { ConnectionWorkflows } from './connection-workflows';

async function main(): Promise<void> {
  const logger = createLogger('api');
  const config = parseApiConfig();
  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB);
  await ensureIndexes(database.db);
  const store = createStore(database.db, new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS));
  // The changes feed is read by bucket; records stored by a version without buckets get theirs before serving.
  const backfilled = await store.records.backfillFeedBuckets();
  if (backfilled > 0) logger.info({ records: backfilled }, 'changes feed buckets backfilled');
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const workflows = new ConnectionWorkflows(temporal, config.TRIBUTARY_TASK_QUEUE, {
    heartbeatTimeoutMs: config.TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    sliceTimeoutMs: config.TRIBUTARY_SYNC_SLICE_TIMEOUT_SECONDS * 1000,
    refreshRetryForMs: config.TRIBUTARY_REFRESH_RETRY_SECONDS * 1000,
    webhookRetryForMs: config.TRIBUTARY_WEBHOOK_RETRY_HOURS * 3_600_000,
    continueAsNewAfterEvents: 10_000,
  }, config.TRIBUTARY_WORKFLOW_ID_PREFIX);
  const app = createApp({ db: database.db, store, catalog: providerCatalog, temporal, workflows, secretKey: config.TRIBUTARY_SECRET_KEY, logger, publicUrl: config.TRIBUTARY_PUBLIC_URL, appName: config.TRIBUTARY_APP_NAME });
  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'api listening');
  });

  const stop = () => {
    logger.info('api stopping');
    server.close(() => {
      void Promise.all([connection.close(), database.close()]).finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
