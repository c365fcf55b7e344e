// Tributary on the real services for the bench: its own database and task queue, the API in this process, the
// worker as its own process, sandbox Salesforce orgs registered as integrations, and a webhook receiver.
// Built by api/compose.ts like every API, with production workflow settings and a worker whose cost can be measured.
import type { Client } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { composeApi } from '../api/compose';
import { apiConfigOf } from '../api/config';
import { connectionWorkflowId } from '../contracts/connection-workflow-messages';
import { pollsTaskQueue } from '../devstack/worker-process';
import type { SalesforceSandbox } from '../sandbox/salesforce/server';
import { COLLECTIONS, ensureIndexes, type Database } from '../store/database';
import type { Store } from '../store/store';
import { workerConfigOf, workerEnvironment } from '../worker/config';
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

  // The API's and the worker's own defaults (heartbeat, slice timeout, retries), exactly as `npm run api` and
  // `npm run worker` would run.
  const shared = {
    TEMPORAL_ADDRESS: options.temporalAddress,
    MONGODB_URI: options.mongoUri,
    MONGODB_DB: dbName,
    TRIBUTARY_TASK_QUEUE: taskQueue,
    TRIBUTARY_ENCRYPTION_KEYS: [{ id: 'k1', key: randomBytes(32) }],
    // The sandbox providers listen on http://127.0.0.1.
    TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: true,
  };
  const receiver = await startBenchWebhookReceiver(webhookSecret);
  // Listen first (port 0), so the app can be told its own URL as its public URL.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const composed = await composeApi(
    apiConfigOf({ ...shared, TRIBUTARY_SECRET_KEYS: [{ name: 'bench', key: secretKey }], TRIBUTARY_PUBLIC_URL: apiUrl }),
    // The bench scans nothing: the stuck-connections metric is not what it measures.
    { logger, scanHealthOnTimer: false },
  );
  server.on('request', composed.app);
  const { database, store, temporal } = composed;

  const workerEnv = workerEnvironment(
    workerConfigOf({
      ...shared,
      TRIBUTARY_WEBHOOK_URL: receiver.url,
      TRIBUTARY_WEBHOOK_SECRET: webhookSecret,
      TRIBUTARY_WORKFLOW_BUNDLE: options.workflowBundlePath,
      TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: options.workerCachedWorkflows,
    }),
  );
  const workerLog = join(options.logDir, 'worker.log');
  const isPolling = pollsTaskQueue(temporal, taskQueue);
  let worker: WorkerHandle;
  try {
    worker = await startWorkerProcess(workerEnv, workerLog, isPolling);
  } catch (error) {
    // Nothing else holds these yet; without closing them a failed start would keep the process (or jest) alive.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.db.dropDatabase().catch(() => undefined);
    await composed.close();
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
      const created = await api('POST', '/integrations', sandbox.integration(key));
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
      await database.db.dropDatabase().catch(() => undefined);
      await composed.close();
      await receiver.close();
    },
  };
}
