// The worker process: runs connection workflows and their activities until SIGINT/SIGTERM.
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { providerCatalog } from '../providers/catalog';
import { createLogger } from '../observability/logger';
import { CredentialCipher } from '../security/credential-cipher';
import { ensureIndexes, openDatabase } from '../store/database';
import { createStore } from '../store/store';
import { parseWorkerConfig } from './config';
import { createTributaryWorker } from './create-worker';

async function main(): Promise<void> {
  const logger = createLogger('worker');
  const config = parseWorkerConfig();
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
  };
  Runtime.install({ logger: new DefaultLogger('INFO', (entry) => sdkLogger[levels[entry.level]](entry.meta ?? {}, entry.message)) });

  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB);
  await ensureIndexes(database.db);
  const store = createStore(database.db, new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createTributaryWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TRIBUTARY_TASK_QUEUE,
    workflowBundlePath: config.TRIBUTARY_WORKFLOW_BUNDLE,
    dependencies: {
      store,
      catalog: providerCatalog,
      logger,
      settings: {
        webhookUrl: config.TRIBUTARY_WEBHOOK_URL ?? null,
        webhookSecret: config.TRIBUTARY_WEBHOOK_SECRET ?? null,
        webhookTimeoutMs: config.TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS * 1000,
        maxSliceMs: config.TRIBUTARY_MAX_SLICE_SECONDS * 1000,
      },
    },
  });
  logger.info({ taskQueue: config.TRIBUTARY_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS }, 'worker started');
  try {
    await worker.run(); // returns after SIGINT/SIGTERM, once in-flight tasks are handed back
  } finally {
    await connection.close();
    await database.close();
    logger.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
