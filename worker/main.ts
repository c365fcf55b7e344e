// The worker process: runs connection workflows and their activities until SIGINT/SIGTERM, with an optional status server.
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { workflowSettingsOf } from '../config/shared-settings';
import { providerCatalog } from '../providers/catalog';
import { createLogger } from '../observability/logger';
import { WorkerMetrics } from '../observability/metrics';
import { CredentialCipher } from '../security/credential-cipher';
import { ensureIndexes, openDatabase } from '../store/database';
import { createStore } from '../store/store';
import { urlPolicyOf } from '../config/shared-settings';
import { parseWorkerConfig, type WorkerConfig } from './config';
import { createTributaryWorkers } from './create-worker';
import { withOperatorLimits } from './provider-limits';
import { startStatusServer } from './status-server';

async function main(): Promise<void> {
  const logger = createLogger('worker');
  const config = parseWorkerConfig();
  installRuntime(config, logger);

  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB, { log: logger.child({ component: 'database' }) });
  await ensureIndexes(database.db);
  const store = createStore(database.db, new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const metrics = new WorkerMetrics();
  // The runtime shuts the worker down on these signals; activities also need to know, to hand back early.
  const stopping = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort(signal));
  const worker = await createTributaryWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TRIBUTARY_TASK_QUEUE,
    workflowBundlePath: config.TRIBUTARY_WORKFLOW_BUNDLE,
    maxConcurrentSyncSlices: config.TRIBUTARY_MAX_CONCURRENT_SYNC_SLICES,
    maxConcurrentControlActivities: config.TRIBUTARY_MAX_CONCURRENT_CONTROL_ACTIVITIES,
    maxCachedWorkflows: config.TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS,
    shutdownGraceTimeMs: config.TRIBUTARY_WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    dependencies: {
      stopping: stopping.signal,
      store,
      catalog: withOperatorLimits(providerCatalog.withUrlPolicy(urlPolicyOf(config)), config),
      logger,
      metrics,
      settings: {
        webhookUrl: config.TRIBUTARY_WEBHOOK_URL ?? null,
        webhookSecret: config.TRIBUTARY_WEBHOOK_SECRET ?? null,
        webhookTimeoutMs: config.TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS * 1000,
        maxSliceMs: config.TRIBUTARY_MAX_SLICE_SECONDS * 1000,
        workflow: workflowSettingsOf(config),
      },
    },
  });
  // Started before the worker runs, so probes see "up, not ready yet" rather than nothing during start-up.
  const status =
    config.TRIBUTARY_WORKER_STATUS_PORT === undefined
      ? null
      : await startStatusServer({
          host: config.TRIBUTARY_WORKER_STATUS_HOST,
          port: config.TRIBUTARY_WORKER_STATUS_PORT,
          registry: metrics.registry,
          readiness: {
            worker: async () => {
              // RUNNING is the only state in which the workers poll their task queues.
              if (worker.state() !== 'RUNNING') throw new Error(`worker is ${worker.state()}`);
            },
            database: () => database.db.command({ ping: 1 }),
            temporal: () => connection.workflowService.getSystemInfo({}),
          },
        });
  logger.info({ taskQueue: config.TRIBUTARY_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS, status: status?.url ?? null }, 'worker started');
  try {
    await worker.run(); // both workers; returns after SIGINT/SIGTERM, once in-flight tasks are finished or handed back
  } finally {
    await status?.close();
    await connection.close();
    await database.close();
    logger.info('worker stopped');
  }
}

/** The SDK logs through our logger and, when asked, serves its own Prometheus metrics: it cannot share our registry. */
function installRuntime(config: WorkerConfig, logger: Logger): void {
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
  };
  const sdkMetricsPort = config.TRIBUTARY_WORKER_SDK_METRICS_PORT;
  const host = config.TRIBUTARY_WORKER_STATUS_HOST.includes(':') ? `[${config.TRIBUTARY_WORKER_STATUS_HOST}]` : config.TRIBUTARY_WORKER_STATUS_HOST;
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => sdkLogger[levels[entry.level]](entry.meta ?? {}, entry.message)),
    ...(sdkMetricsPort === undefined ? {} : { telemetryOptions: { metrics: { prometheus: { bindAddress: `${host}:${sdkMetricsPort}` } } } }),
  });
  if (sdkMetricsPort !== undefined) logger.info({ url: `http://${host}:${sdkMetricsPort}/metrics` }, 'temporal sdk metrics listening');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
