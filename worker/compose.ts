// The worker's composition root: from a parsed config to running Temporal workers with their database, catalog and
// status server. worker/main.ts and the test stack's in-process worker build it here; processes started by the
// bench, chaos and tests run worker/main.ts with workerEnvironment(config).
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ActivitySettings } from '../activities/dependencies';
import { urlPolicyOf, workflowSettingsOf } from '../config/shared-settings';
import type { WorkflowSettings } from '../contracts/connection-workflow-messages';
import { createLogger } from '../observability/logger';
import { WorkerMetrics } from '../observability/metrics';
import { providerCatalog, type ProviderCatalog } from '../providers/catalog';
import { CredentialCipher } from '../security/credential-cipher';
import { ensureIndexes, openDatabase, type Database } from '../store/database';
import { createStore } from '../store/store';
import type { WorkerConfig } from './config';
import { createTributaryWorkers, type TributaryWorkers } from './create-worker';
import { withOperatorLimits } from './provider-limits';
import { startStatusServer, type StatusServer } from './status-server';

/** What tests change besides the config: values finer than a config holds, their own catalog and metrics. */
export interface WorkerOverrides {
  logger?: Logger;
  /** Instead of the real catalog (a test's own sync, or the next release's); the config's URL policy still applies. */
  catalog?: ProviderCatalog;
  /** A test reads what its in-process worker counted across restarts. */
  metrics?: WorkerMetrics;
  /** Over the config's: values a config cannot hold (a test's continue-as-new after 40 events). */
  workflow?: Partial<WorkflowSettings>;
  /** Over the config's, in milliseconds: a test's one-page slices (maxSliceMs 1). */
  activities?: Partial<Pick<ActivitySettings, 'maxSliceMs' | 'webhookTimeoutMs'>>;
}

export interface ComposedWorker {
  workers: TributaryWorkers;
  metrics: WorkerMetrics;
  /** Only when TRIBUTARY_WORKER_STATUS_PORT is set. */
  status: StatusServer | null;
  /**
   * Tells running activities the process is going down (a deploy's SIGTERM), so a sync slice checkpoints and hands
   * back early; the SDK runtime itself shuts the workers down on the signal.
   */
  beginStopping(reason: string): void;
  /** Runs the workers until they are shut down, then closes the status server, Temporal and the database. */
  run(): Promise<void>;
}

export async function composeWorker(config: WorkerConfig, overrides: WorkerOverrides = {}): Promise<ComposedWorker> {
  const logger = overrides.logger ?? createLogger('worker');
  let database: Database | null = null;
  let connection: NativeConnection | null = null;
  let status: StatusServer | null = null;
  const closeAll = async () => {
    await status?.close();
    await connection?.close();
    await database?.close();
  };
  try {
    database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB, { log: logger.child({ component: 'database' }) });
    const db = database.db;
    await ensureIndexes(db);
    const store = createStore(db, new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS));
    connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const temporal = connection;
    const metrics = overrides.metrics ?? new WorkerMetrics();
    const stopping = new AbortController();
    const workers = await createTributaryWorkers({
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
        catalog: withOperatorLimits((overrides.catalog ?? providerCatalog).withUrlPolicy(urlPolicyOf(config)), config),
        logger,
        metrics,
        settings: {
          webhookUrl: config.TRIBUTARY_WEBHOOK_URL ?? null,
          webhookSecret: config.TRIBUTARY_WEBHOOK_SECRET ?? null,
          webhookTimeoutMs: config.TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS * 1000,
          maxSliceMs: config.TRIBUTARY_MAX_SLICE_SECONDS * 1000,
          ...overrides.activities,
          workflow: { ...workflowSettingsOf(config), ...overrides.workflow },
        },
      },
    });
    // Started before the workers run, so probes see "up, not ready yet" rather than nothing during start-up.
    status =
      config.TRIBUTARY_WORKER_STATUS_PORT === undefined
        ? null
        : await startStatusServer({
            host: config.TRIBUTARY_WORKER_STATUS_HOST,
            port: config.TRIBUTARY_WORKER_STATUS_PORT,
            registry: metrics.registry,
            readiness: {
              worker: async () => {
                // RUNNING is the only state in which the workers poll their task queues.
                if (workers.state() !== 'RUNNING') throw new Error(`worker is ${workers.state()}`);
              },
              database: () => db.command({ ping: 1 }),
              temporal: () => temporal.workflowService.getSystemInfo({}),
            },
          });
    return {
      workers,
      metrics,
      status,
      beginStopping: (reason) => stopping.abort(reason),
      async run() {
        try {
          await workers.run(); // returns once shut down, in-flight tasks finished or handed back
        } finally {
          await closeAll();
        }
      },
    };
  } catch (error) {
    // Nothing runs yet: a failed start must not keep the process (or jest) alive.
    await closeAll().catch(() => undefined);
    throw error;
  }
}
