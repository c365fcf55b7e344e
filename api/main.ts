// The API process: validates config, connects to MongoDB and Temporal, serves HTTP until SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { workflowSettingsOf } from '../config/shared-settings';
import { providerCatalog } from '../providers/catalog';
import { createLogger } from '../observability/logger';
import { ConnectionHealthMetrics, createProcessRegistry } from '../observability/metrics';
import { CredentialCipher } from '../security/credential-cipher';
import { ensureIndexes, openDatabase } from '../store/database';
import { createStore } from '../store/store';
import { urlPolicyOf } from '../config/shared-settings';
import { createApp, createInternalApp } from './app';
import { parseApiConfig } from './config';
import { ConnectionHealthScan } from './connection-health-scan';
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
  const workflows = new ConnectionWorkflows(temporal, config.TRIBUTARY_TASK_QUEUE, workflowSettingsOf(config), config.TRIBUTARY_WORKFLOW_ID_PREFIX);
  const registry = createProcessRegistry();
  const healthScan = new ConnectionHealthScan(temporal, config.TRIBUTARY_TASK_QUEUE, new ConnectionHealthMetrics(registry), logger, {
    intervalMs: config.TRIBUTARY_HEALTH_SCAN_SECONDS * 1000,
    concurrency: config.TRIBUTARY_HEALTH_SCAN_CONCURRENCY,
  });
  healthScan.start();
  const internalPort = config.TRIBUTARY_API_INTERNAL_PORT;
  const app = createApp({
    db: database.db,
    store,
    catalog: providerCatalog.withUrlPolicy(urlPolicyOf(config)),
    temporal,
    workflows,
    secretKeys: config.secretKeys,
    logger,
    publicUrl: config.TRIBUTARY_PUBLIC_URL,
    appName: config.TRIBUTARY_APP_NAME,
    probesOnInternalPort: internalPort !== undefined,
    registry,
  });
  logger.info({ secretKeys: config.secretKeys.map((k) => k.name) }, 'api secret keys loaded');
  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'api listening');
  });
  const internal = internalPort === undefined ? null : createInternalApp({ db: database.db, temporal, logger, registry }).listen(internalPort, config.TRIBUTARY_API_INTERNAL_HOST);
  internal?.on('listening', () => {
    const { port } = internal.address() as AddressInfo;
    logger.info({ url: `http://${config.TRIBUTARY_API_INTERNAL_HOST}:${port}` }, 'api internal port (readyz, metrics) listening');
  });

  const stop = () => {
    logger.info('api stopping');
    internal?.close();
    server.close(() => {
      void healthScan
        .stop()
        .then(() => Promise.all([connection.close(), database.close()]))
        .finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
