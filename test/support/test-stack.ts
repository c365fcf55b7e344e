// Brings up Tributary for one test file on the real services from global setup: its own database, task queue,
// sandbox Salesforce, webhook receiver, in-process API and (optionally) an in-process worker.
import type { Client } from '@temporalio/client';
import { DefaultLogger, IllegalStateError, Runtime } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import type { AppDependencies } from '../../api/app';
import { composeApi } from '../../api/compose';
import { apiConfigOf, type ApiConfig } from '../../api/config';
import type { ConnectionHealthScan } from '../../api/connection-health-scan';
import { workflowSettingsConfig } from '../../config/shared-settings';
import { WorkerMetrics } from '../../observability/metrics';
import type { WorkflowSettings } from '../../contracts/connection-workflow-messages';
import type { ProviderCatalog } from '../../providers/catalog';
import { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from '../../sandbox/salesforce/server';
import type { NamedSecretKey } from '../../security/secret-key';
import type { Database } from '../../store/database';
import type { Store } from '../../store/store';
import { composeWorker, type ComposedWorker } from '../../worker/compose';
import { workerConfigOf, workerEnvironment, type WorkerConfig } from '../../worker/config';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface TestStackOptions {
  name: string;
  sandbox?: SalesforceSandboxOptions;
  /** `false` when the test runs the worker as a separate process (to kill it). */
  inProcessWorker?: boolean;
  maxSliceMs?: number;
  /** Sync slices the in-process worker runs at once (its sync slots); default: the SDK's. */
  maxConcurrentSyncSlices?: number;
  /** A Temporal of the test's own (for example one with its UI on); default: the shared one from global setup. */
  temporalAddress?: string;
  /** A database server of the caller's own (the chaos suite stops and restarts it); default: the shared one. */
  mongoUri?: string;
  workflow?: Partial<WorkflowSettings>;
  /** Default: one of the stack's own, so parallel test files sharing a Temporal never adopt each other's workflows. */
  workflowIdPrefix?: string;
  /** Connect token and OAuth state lifetimes, and the clock they are judged by. */
  connectFlow?: AppDependencies['connectFlow'];
  /** How long DELETE waits for a connection's workflow to stop; a stack without a worker shortens it. */
  deleteWaitMs?: number;
  /** The app's name on the connect screen; default the API's own default. */
  appName?: string;
  /** The API's and in-process worker's provider catalog (e.g. one with a test's own sync); default: the real one. */
  catalog?: ProviderCatalog;
  /** The API's `/proxy` limits and waits. */
  proxy?: AppDependencies['proxy'];
  providerWebhooks?: AppDependencies['providerWebhooks'];
  /** How long `POST …/actions/:name` waits for the outcome before answering 202. */
  actions?: AppDependencies['actions'];
  /** Keys the API accepts besides the stack's own admin key (`secretKey`), e.g. a read-only one. */
  extraSecretKeys?: NamedSecretKey[];
}

// Response bodies are JSON that tests assert on with expect(); typing them loosely keeps assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResponseJson = any;

export interface ApiResponse<T = ResponseJson> {
  status: number;
  body: T;
}

export interface TestStack {
  sandbox: SalesforceSandbox;
  store: Store;
  database: Database;
  temporal: Client;
  receiver: WebhookReceiver;
  /** What the in-process worker counted, across restarts. */
  workerMetrics: WorkerMetrics;
  taskQueue: string;
  /** The API's stuck-connections count; never on a timer here: a test scans when it wants the metric fresh. */
  healthScan: ConnectionHealthScan;
  /** The id of a connection's workflow in this stack. */
  workflowId(connectionId: string): string;
  apiUrl: string;
  secretKey: string;
  /** The in-process API's config; its replicas (chaos) start from it. */
  apiConfig: ApiConfig;
  /** The in-process worker's config; a worker process gets `workerEnvironment` of it (or of a variation). */
  workerConfig: WorkerConfig;
  /** Environment for a worker process equivalent to the in-process one: workerEnvironment(workerConfig). */
  workerEnv: Record<string, string>;
  api<T = ResponseJson>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** The body of `POST /integrations` that registers the stack's Salesforce sandbox as `key` (default `salesforce-sandbox`). */
  salesforceIntegration(key?: string): ReturnType<SalesforceSandbox['integration']>;
  /** Registers the sandbox as a Salesforce integration (once) and connects a fresh grant. */
  connectSalesforce(connectionId: string, syncs?: Record<string, { frequency: string }>): Promise<ApiResponse>;
  /** Starts the in-process worker; `catalog` replaces the stack's for it, as a new release of the worker would. */
  startWorker(options?: { catalog?: ProviderCatalog }): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

let sdkLog: WriteStream | null = null;

/**
 * Installs the SDK runtime for an in-process worker, with the SDK's warnings (activity failures a test provokes on
 * purpose, retries) in a file beside the servers' logs, so test output shows only what the tests assert. Installed
 * when a worker starts, never before: the runtime forwards its core's logs through a native callback that keeps Node
 * running until its last worker is gone (it then shuts itself down, and the next worker installs it again), so a
 * process that starts no worker here (chaos, a test of the API alone) must not install it, or it never exits.
 */
function installSdkRuntime(stackName: string): void {
  if (!sdkLog) {
    // Chaos and the bench start stacks outside jest, whose global setup is what makes this folder otherwise.
    const logDir = join(__dirname, '..', '..', '.data', 'test', 'logs');
    mkdirSync(logDir, { recursive: true });
    sdkLog = createWriteStream(join(logDir, 'worker-sdk.log'), { flags: 'a' });
  }
  const log = sdkLog;
  try {
    Runtime.install({
      // The SDK core's own warnings (a task completed after its workflow ended, …) too, instead of raw to stderr.
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
      logger: new DefaultLogger('WARN', (entry) => {
        // The control worker's "No workflows registered" is expected on every start, not news.
        if (entry.message.startsWith('No workflows registered')) return;
        const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
        log.write(`${at} ${entry.level} [${stackName}] ${entry.message} ${entry.meta ? inspect(entry.meta, { breakLength: Infinity, depth: 4 }) : ''}\n`);
      }),
    });
  } catch (error) {
    // Installed already: another stack's worker in this process still runs.
    if (!(error instanceof IllegalStateError)) throw error;
  }
}

export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const temporalAddress = options.temporalAddress ?? requiredEnv('TEMPORAL_ADDRESS');
  const mongoUri = options.mongoUri ?? requiredEnv('MONGODB_URI');
  const suffix = randomUUID().slice(0, 8);
  const dbName = `t_${options.name.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${suffix}`;
  const taskQueue = `test-${options.name}-${suffix}`;
  const secretKey = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(16).toString('hex');
  const maxSliceMs = options.maxSliceMs ?? 60_000;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const workerMetrics = new WorkerMetrics();
  const workflowSettings: WorkflowSettings = {
    heartbeatTimeoutMs: 10_000,
    sliceTimeoutMs: maxSliceMs + 120_000,
    refreshRetryForMs: 30_000,
    webhookRetryForMs: 3_600_000,
    continueAsNewAfterEvents: 10_000,
    degradedNoticeAfterMs: 900_000,
    ...options.workflow,
  };
  // What the API and the worker share. A value below the production floor (continue-as-new after 40 events) reaches
  // the in-process parts as an override only; a worker process keeps the default.
  const workflowConfig = workflowSettingsConfig(workflowSettings);
  const { TRIBUTARY_CONTINUE_AS_NEW_AFTER_EVENTS: continueAsNewAfter, ...representable } = workflowConfig;
  const shared = {
    TEMPORAL_ADDRESS: temporalAddress,
    MONGODB_URI: mongoUri,
    MONGODB_DB: dbName,
    TRIBUTARY_TASK_QUEUE: taskQueue,
    TRIBUTARY_ENCRYPTION_KEYS: [{ id: 'k1', key: randomBytes(32) }],
    // The sandbox providers listen on http://127.0.0.1: the development allowance for loopback, as dev stacks set it.
    TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: true,
    ...representable,
    ...(continueAsNewAfter >= 100 ? { TRIBUTARY_CONTINUE_AS_NEW_AFTER_EVENTS: continueAsNewAfter } : {}),
  };

  const sandbox = await startSalesforceSandbox({ tokenLatencyMs: 50, ...options.sandbox });
  const receiver = await startWebhookReceiver(webhookSecret);
  // Listen first (port 0), so the app can be told its own URL as the public URL browsers and the sandbox redirect to.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiConfig = apiConfigOf({
    ...shared,
    TRIBUTARY_SECRET_KEYS: [{ name: 'test', key: secretKey }, ...(options.extraSecretKeys ?? [])],
    TRIBUTARY_PUBLIC_URL: apiUrl,
    // Default: one of the stack's own, so parallel test files sharing a Temporal never adopt each other's workflows.
    TRIBUTARY_WORKFLOW_ID_PREFIX: options.workflowIdPrefix ?? `${suffix}/`,
    ...(options.appName === undefined ? {} : { TRIBUTARY_APP_NAME: options.appName }),
  });
  const workerConfig = workerConfigOf({
    ...shared,
    TRIBUTARY_WEBHOOK_URL: receiver.url,
    TRIBUTARY_WEBHOOK_SECRET: webhookSecret,
    TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS: 5,
    TRIBUTARY_MAX_SLICE_SECONDS: Math.max(1, Math.round(maxSliceMs / 1000)),
    TRIBUTARY_MAX_CONCURRENT_SYNC_SLICES: options.maxConcurrentSyncSlices,
    TRIBUTARY_WORKFLOW_BUNDLE: process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE,
  });
  const api = await composeApi(apiConfig, {
    logger,
    catalog: options.catalog,
    workflow: workflowSettings,
    // Never on a timer here: a test scans when it wants the metric fresh.
    scanHealthOnTimer: false,
    // Nor the event log's sums and purge: a test runs them when it wants them.
    housekeepingOnTimer: false,
    connectFlow: options.connectFlow,
    proxy: options.proxy,
    providerWebhooks: options.providerWebhooks,
    actions: options.actions,
    deleteWaitMs: options.deleteWaitMs,
  });
  server.on('request', api.app);
  const { store, database, temporal, workflows, healthScan } = api;
  const workerEnv = workerEnvironment(workerConfig);

  let worker: ComposedWorker | null = null;
  let workerRun: Promise<void> | null = null;
  let integrationCreated = false;

  const stack: TestStack = {
    sandbox,
    store,
    database,
    temporal,
    receiver,
    workerMetrics,
    taskQueue,
    healthScan,
    workflowId: (connectionId) => workflows.workflowId(connectionId),
    apiUrl,
    secretKey,
    apiConfig,
    workerConfig,
    workerEnv,
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    salesforceIntegration: (key = 'salesforce-sandbox') => sandbox.integration(key),
    async connectSalesforce(connectionId, syncs) {
      if (!integrationCreated) {
        const created = await stack.api('POST', '/integrations', stack.salesforceIntegration());
        if (created.status !== 201) throw new Error(`integration: ${JSON.stringify(created.body)}`);
        integrationCreated = true;
      }
      const grant = sandbox.issueGrant();
      return stack.api('POST', '/connections', {
        connectionId,
        integration: 'salesforce-sandbox',
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl },
        ...(syncs ? { syncs } : {}),
      });
    },
    async startWorker(replacement) {
      installSdkRuntime(options.name);
      worker = await composeWorker(workerConfig, {
        logger,
        catalog: replacement?.catalog ?? options.catalog,
        metrics: workerMetrics,
        workflow: workflowSettings,
        activities: { maxSliceMs },
      });
      workerRun = worker.run();
    },
    async stopWorker() {
      if (worker) {
        worker.workers.shutdown();
        await workerRun;
        worker = null;
      }
    },
    async close() {
      await terminateWorkflows(temporal, taskQueue);
      await stack.stopWorker();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.db.dropDatabase().catch(() => undefined);
      await api.close();
      await receiver.close();
      await sandbox.close();
    },
  };
  if (options.inProcessWorker !== false) await stack.startWorker();
  return stack;
}

/** Connection workflows never end by themselves; end this file's ones so the shared server stays quiet. */
async function terminateWorkflows(temporal: Client, taskQueue: string): Promise<void> {
  for await (const execution of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await temporal.workflow.getHandle(execution.workflowId).terminate('test finished').catch(() => undefined);
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: integration tests run under jest's global setup (npm test)`);
  return value;
}
