// Tributary on the real services for the bench: its own database and task queue, the API in this process, the
// worker as its own process, sandbox Salesforce orgs registered as integrations, and a webhook receiver.
// Mirrors test/support/test-stack.ts, but with production workflow settings and a worker whose cost can be measured.
import { Client, Connection } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { parseApiConfig } from '../api/config';
import { createApp } from '../api/app';
import { ConnectionWorkflows } from '../api/connection-workflows';
import { connectionWorkflowId } from '../contracts/connection-workflow-messages';
import { pollsTaskQueue } from '../devstack/worker-process';
import { providerCatalog } from '../providers/catalog';
import type { SalesforceSandbox } from '../sandbox/salesforce/server';
import { CredentialCipher } from '../security/credential-cipher';
import { COLLECTIONS, ensureIndexes, openDatabase, type Database } from '../store/database';
import { createStore, type Store } from '../store/store';
import { Meter } from './meter';
import { findDatabaseServer, findTemporalServer } from './process-metrics';
import { startBenchWebhookReceiver, type BenchWebhookReceiver } from './webhook-receiver';
import { startWorkerProcess, type WorkerHandle } from './worker-handle';

export interface BenchStackOptions {
  temporalAddress: string;
  mongoUri: string;
  workflowBundlePath: string | undefined;
  logDir: string;
  /** The worker's sticky cache (TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS); undefined: the SDK's default. */
  workerCachedWorkflows?: number;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface BenchStack {
  database: Database;
  store: Store;
  temporal: Client;
  receiver: BenchWebhookReceiver;
  meter: Meter;
  worker(): WorkerHandle;
  /** The worker's environment: what a process needs to reach this stack as the worker does (the dry run CLI). */
  workerEnv: Record<string, string>;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** Registers a sandbox org as an integration named `key`. */
  registerSandbox(key: string, sandbox: SalesforceSandbox): Promise<void>;
  /** POST /connections with a fresh grant of the integration's sandbox; throws unless 201. */
  connect(connectionId: string, integration: string, syncs: Record<string, { frequency: string }>): Promise<void>;
  /** A fresh worker process: peak memory and warm caches of earlier phases do not carry over. */
  restartWorker(): Promise<void>;
  /** Ends the connections' workflows and empties every collection but integrations. */
  resetData(): Promise<void>;
  /**
   * Ends the workflows, stops the worker and drops the database. `interrupted`: the bench is being stopped by a
   * signal and its services go down next, so only the worker process is stopped: ending hundreds of workflows or
   * dropping a database on a busy server could outlast the patience of whoever sent the signal.
   */
  close(options?: { interrupted?: boolean }): Promise<void>;
}

const DATA_COLLECTIONS = [COLLECTIONS.connections, COLLECTIONS.records, COLLECTIONS.syncRuns, COLLECTIONS.feeds, COLLECTIONS.webhookDeliveries];

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const suffix = randomUUID().slice(0, 8);
  const dbName = `bench_${suffix}`;
  const taskQueue = `bench-${suffix}`;
  const secretKey = randomBytes(24).toString('hex');
  const webhookSecret = randomBytes(16).toString('hex');
  const encryptionKeys = `k1:${randomBytes(32).toString('base64')}`;

  // The API's own defaults (heartbeat, slice timeout, retries), exactly as `npm run api` would start workflows.
  const apiConfig = parseApiConfig({ MONGODB_URI: options.mongoUri, TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys, TRIBUTARY_SECRET_KEY: secretKey });
  const receiver = await startBenchWebhookReceiver(webhookSecret);
  const database = await openDatabase(options.mongoUri, dbName);
  await ensureIndexes(database.db);
  const store = createStore(database.db, new CredentialCipher(apiConfig.TRIBUTARY_ENCRYPTION_KEYS));
  const clientConnection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection: clientConnection });
  const workflows = new ConnectionWorkflows(temporal, taskQueue, {
    heartbeatTimeoutMs: apiConfig.TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    sliceTimeoutMs: apiConfig.TRIBUTARY_SYNC_SLICE_TIMEOUT_SECONDS * 1000,
    refreshRetryForMs: apiConfig.TRIBUTARY_REFRESH_RETRY_SECONDS * 1000,
    webhookRetryForMs: apiConfig.TRIBUTARY_WEBHOOK_RETRY_HOURS * 3_600_000,
    continueAsNewAfterEvents: 10_000,
  });
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  // Listen first (port 0), so the app can be told its own URL as its public URL.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', createApp({ db: database.db, store, catalog: providerCatalog.withUrlPolicy({ allowLoopback: true }), temporal, workflows, secretKeys: [{ name: 'bench', key: secretKey }], logger, publicUrl: apiUrl }));

  const workerEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: options.temporalAddress,
    MONGODB_URI: options.mongoUri,
    MONGODB_DB: dbName,
    TRIBUTARY_TASK_QUEUE: taskQueue,
    TRIBUTARY_ENCRYPTION_KEYS: encryptionKeys,
    TRIBUTARY_WEBHOOK_URL: receiver.url,
    TRIBUTARY_WEBHOOK_SECRET: webhookSecret,
    // The sandbox providers listen on http://127.0.0.1.
    TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: 'true',
    ...(options.workflowBundlePath ? { TRIBUTARY_WORKFLOW_BUNDLE: options.workflowBundlePath } : {}),
    ...(options.workerCachedWorkflows === undefined ? {} : { TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: String(options.workerCachedWorkflows) }),
  };
  const workerLog = join(options.logDir, 'worker.log');
  const isPolling = pollsTaskQueue(temporal, taskQueue);
  let worker: WorkerHandle;
  try {
    worker = await startWorkerProcess(workerEnv, workerLog, isPolling);
  } catch (error) {
    // Nothing else holds these yet; without closing them a failed start would keep the process (or jest) alive.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await clientConnection.close();
    await database.db.dropDatabase().catch(() => undefined);
    await database.close();
    await receiver.close();
    throw error;
  }

  const temporalPid = findTemporalServer(options.temporalAddress);
  const databasePids = findDatabaseServer(options.mongoUri);
  const meter = new Meter(() => [
    { name: 'worker', roots: [worker.pid], descendants: false },
    { name: 'temporal', roots: temporalPid ? [temporalPid] : [], descendants: true },
    { name: 'database', roots: databasePids, descendants: true },
    { name: 'bench', roots: [process.pid], descendants: false },
  ]);

  const sandboxes = new Map<string, SalesforceSandbox>();
  const connected = new Set<string>();

  async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function endWorkflows(ids: Iterable<string>): Promise<void> {
    // In batches of 100, so ending ten thousand connections never has ten thousand requests in flight at once.
    const all = [...ids];
    for (let start = 0; start < all.length; start += 100) {
      await Promise.all(
        all
          .slice(start, start + 100)
          .map((id) => temporal.workflow.getHandle(connectionWorkflowId(id)).terminate('bench phase finished').catch(() => undefined)),
      );
    }
  }

  return {
    database,
    store,
    temporal,
    receiver,
    meter,
    worker: () => worker,
    workerEnv,
    api,
    async registerSandbox(key, sandbox) {
      const created = await api('POST', '/integrations', {
        key,
        provider: 'salesforce',
        clientId: 'sandbox-client-id',
        clientSecret: 'sandbox-client-secret',
        authorizationUrl: `${sandbox.url}/services/oauth2/authorize`,
        tokenUrl: `${sandbox.url}/services/oauth2/token`,
      });
      if (created.status !== 201) throw new Error(`POST /integrations ${key}: ${created.status} ${JSON.stringify(created.body)}`);
      sandboxes.set(key, sandbox);
    },
    async connect(connectionId, integration, syncs) {
      const sandbox = sandboxes.get(integration);
      if (!sandbox) throw new Error(`integration ${integration} is not registered`);
      const grant = sandbox.issueGrant();
      connected.add(connectionId);
      const created = await api('POST', '/connections', {
        connectionId,
        integration,
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl },
        syncs,
      });
      if (created.status !== 201) throw new Error(`POST /connections ${connectionId}: ${created.status} ${JSON.stringify(created.body)}`);
    },
    async restartWorker() {
      await worker.stop();
      worker = await startWorkerProcess(workerEnv, workerLog, isPolling);
    },
    async resetData() {
      await endWorkflows(connected);
      connected.clear();
      for (const name of DATA_COLLECTIONS) await database.db.collection(name).drop().catch(() => undefined);
      await ensureIndexes(database.db);
      receiver.arrived.length = 0;
    },
    async close({ interrupted = false } = {}) {
      if (interrupted) {
        await worker.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return;
      }
      await endWorkflows(connected);
      await worker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await clientConnection.close();
      await database.db.dropDatabase().catch(() => undefined);
      await database.close();
      await receiver.close();
    },
  };
}
