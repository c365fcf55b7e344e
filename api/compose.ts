// The API's composition root: from a parsed config to a served app, its database, Temporal client and health scan.
// api/main.ts, the dev stack, the test stack, the bench and chaos all build the API here, so it is wired once.
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { urlPolicyOf, workflowSettingsOf } from '../config/shared-settings';
import type { WorkflowSettings } from '../contracts/connection-workflow-messages';
import { createLogger } from '../observability/logger';
import { ConnectionHealthMetrics, createProcessRegistry } from '../observability/metrics';
import { providerCatalog, type ProviderCatalog } from '../providers/catalog';
import { CredentialCipher } from '../security/credential-cipher';
import { ensureEventLogRetention, ensureIndexes, openDatabase, type Database } from '../store/database';
import { createStore, type Store } from '../store/store';
import { createApp, createInternalApp, type AppDependencies } from './app';
import type { ApiConfig } from './config';
import { ConnectionHealthScan } from './connection-health-scan';
import { ConnectionWorkflows } from './connection-workflows';
import { ConnectionDirectory } from './console/connection-directory';
import { EventLogRetention } from './console/event-log-retention';
import { ConsoleHousekeeping } from './console/housekeeping';
import { RunStatistics } from './console/run-statistics';

/** What tests and the bench change besides the config: shorter clocks and waits, their own catalog. */
export interface ApiOverrides extends Pick<AppDependencies, 'connectFlow' | 'proxy' | 'providerWebhooks' | 'actions' | 'deleteWaitMs' | 'healthThresholds'> {
  logger?: Logger;
  /** Instead of the real catalog (a test's own sync); the config's URL policy still applies to it. */
  catalog?: ProviderCatalog;
  /** Over the config's: values a config cannot hold (a test's continue-as-new after 40 events). */
  workflow?: Partial<WorkflowSettings>;
  /** False: the stuck-connections metric is recounted only when the caller scans (tests want it fresh on demand). */
  scanHealthOnTimer?: boolean;
  /** False: the event log's hourly sums and purge run only when the caller asks (`housekeeping`). */
  housekeepingOnTimer?: boolean;
  /** The console's build output served at /console; default console/dist. */
  consoleDir?: string;
}

export interface ComposedApi {
  app: Express;
  /** Only when TRIBUTARY_API_INTERNAL_PORT is set: /healthz, /readyz and /metrics for the internal network. */
  internalApp: Express | null;
  database: Database;
  store: Store;
  temporal: Client;
  workflows: ConnectionWorkflows;
  healthScan: ConnectionHealthScan;
  /** The connections the console's lists and overview read, shared with the health scan. */
  directory: ConnectionDirectory;
  /** The event log's hourly sums and retention purge (see api/console/housekeeping.ts). */
  housekeeping: ConsoleHousekeeping;
  registry: Registry;
  /** Stops the health scan and closes Temporal and the database; the caller closes its HTTP servers first. */
  close(): Promise<void>;
}

export async function composeApi(config: ApiConfig, overrides: ApiOverrides = {}): Promise<ComposedApi> {
  const logger = overrides.logger ?? createLogger('api');
  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB);
  let connection: Connection | null = null;
  try {
    await ensureIndexes(database.db);
    await ensureEventLogRetention(database.db, config.TRIBUTARY_LOG_RETENTION_DAYS);
    const store = createStore(database.db, new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS));
    // The changes feed is read by bucket; records stored by a version without buckets get theirs before serving.
    const backfilled = await store.records.backfillFeedBuckets();
    if (backfilled > 0) logger.info({ records: backfilled }, 'changes feed buckets backfilled');
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const workflows = new ConnectionWorkflows(
      temporal,
      config.TRIBUTARY_TASK_QUEUE,
      { ...workflowSettingsOf(config), ...overrides.workflow },
      config.TRIBUTARY_WORKFLOW_ID_PREFIX,
    );
    const registry = createProcessRegistry();
    // One directory of connections for the console's lists and the health scan, which stores what it finds there.
    const directory = new ConnectionDirectory(() => store.connections.scanAll());
    // Loaded now, not by the first request (a scan takes seconds at 10,000 connections on FerretDB).
    directory.refresh().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'connection directory not loaded yet'));
    const healthScan = new ConnectionHealthScan(
      temporal,
      config.TRIBUTARY_TASK_QUEUE,
      new ConnectionHealthMetrics(registry),
      logger,
      { intervalMs: config.TRIBUTARY_HEALTH_SCAN_SECONDS * 1000, concurrency: config.TRIBUTARY_HEALTH_SCAN_CONCURRENCY },
      { store, workflowIdOf: (connectionId) => workflows.workflowId(connectionId), directory },
    );
    if (overrides.scanHealthOnTimer !== false) healthScan.start();
    const housekeeping = new ConsoleHousekeeping(new RunStatistics(store), new EventLogRetention(store, config.TRIBUTARY_LOG_RETENTION_DAYS), logger);
    if (overrides.housekeepingOnTimer !== false) housekeeping.start();
    const probesOnInternalPort = config.TRIBUTARY_API_INTERNAL_PORT !== undefined;
    const app = createApp({
      db: database.db,
      store,
      catalog: (overrides.catalog ?? providerCatalog).withUrlPolicy(urlPolicyOf(config)),
      temporal,
      workflows,
      secretKeys: config.secretKeys,
      logger,
      publicUrl: config.TRIBUTARY_PUBLIC_URL,
      appName: config.TRIBUTARY_APP_NAME,
      probesOnInternalPort,
      registry,
      connectFlow: overrides.connectFlow,
      proxy: overrides.proxy,
      providerWebhooks: overrides.providerWebhooks,
      actions: overrides.actions,
      deleteWaitMs: overrides.deleteWaitMs,
      healthThresholds: overrides.healthThresholds,
      directory,
      temporalUiUrl: config.TRIBUTARY_TEMPORAL_UI_URL,
      consoleDir: overrides.consoleDir,
    });
    const internalApp = probesOnInternalPort ? createInternalApp({ db: database.db, temporal, logger, registry }) : null;
    const temporalConnection = connection;
    return {
      app,
      internalApp,
      database,
      store,
      temporal,
      workflows,
      healthScan,
      directory,
      housekeeping,
      registry,
      async close() {
        await Promise.all([healthScan.stop(), housekeeping.stop()]);
        await Promise.all([temporalConnection.close(), database.close()]);
      },
    };
  } catch (error) {
    // Nothing else holds these yet: a failed start must not keep the process (or jest) alive.
    await connection?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}
