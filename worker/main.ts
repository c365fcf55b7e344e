// The worker process: parses its config, composes the workers (worker/compose.ts) and runs them until SIGINT/SIGTERM.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createLogger } from '../observability/logger';
import { composeWorker } from './compose';
import { parseWorkerConfig, type WorkerConfig } from './config';

async function main(): Promise<void> {
  const logger = createLogger('worker');
  const config = parseWorkerConfig();
  installRuntime(config, logger);
  const worker = await composeWorker(config, { logger });
  // The runtime shuts the workers down on these signals; activities also need to know, to hand back early.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.beginStopping(signal));
  logger.info({ taskQueue: config.TRIBUTARY_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS, status: worker.status?.url ?? null }, 'worker started');
  await worker.run(); // both workers; returns after SIGINT/SIGTERM, once in-flight tasks are finished or handed back
  logger.info('worker stopped');
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
