// Liveness, readiness and scraping on both processes: the API's routes, and the worker process's status server and
// Temporal SDK exporter as `worker/main.ts` starts them.
import { eventually } from '../../support/eventually';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { createApp } from '../../../api/app';
import { ConnectionWorkflows } from '../../../api/connection-workflows';
import type { SyncWebhookEvent } from '../../../contracts/webhook-events';
import { freePort, spawnLogged, stopProcess, waitUntil } from '../../../devstack/processes';
import { createProcessRegistry } from '../../../observability/metrics';
import { providerCatalog } from '../../../providers/catalog';
import { CredentialCipher } from '../../../security/credential-cipher';
import { createStore } from '../../../store/store';
import { startStatusServer } from '../../../worker/status-server';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { sampleSum } from './prometheus-text';
import { workerEnvironment } from '../../../worker/config';
import { apiEnvironment } from '../../../api/config';

const root = join(__dirname, '..', '..', '..');
const CONTACTS = 120;

describe('probes and scraping', () => {
  let stack: TestStack;
  let worker: ChildProcess | null = null;
  let api: ChildProcess | null = null;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'probes', inProcessWorker: false });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    if (api) await stopProcess(api);
    await stack?.close();
  });

  it('the api says it is up, ready with both dependencies named, and serves Prometheus text', async () => {
    const health = await fetch(`${stack.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, database: true, temporal: true });
    const metrics = await fetch(`${stack.apiUrl}/metrics`);
    expect(metrics.status).toBe(200); // no secret key: scrapers and probes carry none
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sampleSum(await metrics.text(), 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('when the api cannot reach its database, then /readyz answers 503 naming it, within the probe deadline', async () => {
    // Nothing listens there, and the driver would keep selecting a server for 30 s: the deadline must cut it short.
    const client = new MongoClient(`mongodb://127.0.0.1:${await freePort()}`);
    const db = client.db('unreachable');
    const cipher = new CredentialCipher([{ id: 'k1', key: randomBytes(32) }]);
    const app = createApp({
      db,
      store: createStore(db, cipher),
      catalog: providerCatalog.withUrlPolicy({ allowLoopback: true }),
      temporal: stack.temporal,
      workflows: new ConnectionWorkflows(stack.temporal, stack.taskQueue, {
        heartbeatTimeoutMs: 10_000, sliceTimeoutMs: 60_000, refreshRetryForMs: 30_000, webhookRetryForMs: 60_000, continueAsNewAfterEvents: 10_000,
      }),
      secretKeys: [{ name: 'probe', key: randomBytes(24).toString('hex') }],
      logger: pino({ level: 'silent' }),
      publicUrl: 'http://127.0.0.1', // no browser comes here: only the probes are asked
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const startedAt = Date.now();
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ok: false, database: false, temporal: true });
      expect(Date.now() - startedAt).toBeLessThan(5000);
      expect((await fetch(`${url}/healthz`)).status).toBe(200); // up, just not ready: no restart wanted
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await client.close();
    }
  });

  it('when a worker check fails or hangs, then its /readyz answers 503 naming each one', async () => {
    const status = await startStatusServer({
      host: '127.0.0.1',
      port: 0,
      registry: createProcessRegistry(),
      readiness: {
        worker: async () => undefined,
        database: () => new Promise(() => undefined),
        temporal: async () => {
          throw new Error('unavailable');
        },
      },
    });
    try {
      const ready = await fetch(`${status.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ok: false, worker: true, database: false, temporal: false });
      expect((await fetch(`${status.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${status.url}/nothing`)).status).toBe(404);
    } finally {
      await status.close();
    }
  });

  it('when the API process runs from the stack\'s config with an internal port, then the public port serves the API without the probes and the internal one serves them', async () => {
    const [port, internalPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    // api/main.ts composes exactly what the stack's in-process API is, from the environment apiEnvironment writes.
    api = spawnLogged(process.execPath, ['--import', 'tsx', join(root, 'api', 'main.ts')], {
      cwd: root,
      env: { ...process.env, ...apiEnvironment({ ...stack.apiConfig, PORT: port, TRIBUTARY_PUBLIC_URL: url, TRIBUTARY_API_INTERNAL_PORT: internalPort }), LOG_LEVEL: 'warn' },
      logFile: join(root, '.data', 'test', 'logs', 'probes-api.log'),
    });
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    await waitUntil(async () => (await fetch(`${internalUrl}/readyz`)).status === 200, { timeoutMs: 90_000, what: 'api internal /readyz', child: api });
    expect((await fetch(`${internalUrl}/metrics`)).status).toBe(200);
    const withKey = { headers: { authorization: `Bearer ${stack.secretKey}` } };
    expect((await fetch(`${url}/readyz`, withKey)).status).toBe(404);
    // The same database and key as the stack's own API (and no connection: the next test counts the only sync).
    const created = await stack.api('POST', '/integrations', { key: 'seen-by-both', provider: 'hubspot', clientId: 'id', clientSecret: 'not-a-real-secret' });
    expect(created.status).toBe(201);
    const read = await fetch(`${url}/integrations/seen-by-both`, withKey);
    expect([read.status, ((await read.json()) as { key: string }).key]).toEqual([200, 'seen-by-both']);
  });

  it('when the worker process runs with a status port, then it is ready, counts its syncs there, and the SDK exports its own metrics', async () => {
    const statusPort = await freePort();
    const sdkMetricsPort = await freePort();
    worker = spawnLogged(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'worker', 'main.ts')], {
      env: {
        ...process.env,
        ...workerEnvironment({ ...stack.workerConfig, TRIBUTARY_WORKER_STATUS_PORT: statusPort, TRIBUTARY_WORKER_SDK_METRICS_PORT: sdkMetricsPort }),
        LOG_LEVEL: 'warn',
      },
      logFile: join(root, '.data', 'test', 'logs', 'probes-worker.log'),
    });
    const statusUrl = `http://127.0.0.1:${statusPort}`;
    await waitUntil(async () => (await fetch(`${statusUrl}/readyz`)).status === 200, { timeoutMs: 90_000, what: 'worker /readyz', child: worker });
    expect(await (await fetch(`${statusUrl}/readyz`)).json()).toEqual({ ok: true, worker: true, database: true, temporal: true });
    expect((await fetch(`${statusUrl}/healthz`)).status).toBe(200);

    expect((await stack.connectSalesforce('probed', { contacts: { frequency: '1h' } })).status).toBe(201);
    await stack.receiver.waitFor((r) => r.some((w) => w.event.type === 'sync'), 60_000);
    const event = stack.receiver.received.find((r) => r.event.type === 'sync')?.event as SyncWebhookEvent;
    expect(event).toMatchObject({ added: CONTACTS });

    // The receiver answers before the delivery activity counts it: wait for the count rather than race it.
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${statusUrl}/metrics`)).text();
      return sampleSum(text, 'tributary_webhook_deliveries_total', { event_type: 'sync', outcome: 'delivered' }) >= 1 ? text : null;
    }, { timeoutMs: 30_000, what: 'the delivered webhook in the worker metrics' });
    expect(sampleSum(metrics, 'tributary_records_synced_total', { provider: 'salesforce', model: 'contacts', action: 'added' })).toBe(CONTACTS);
    // The describe call that lists the org's fields, then the one page.
    expect(sampleSum(metrics, 'tributary_provider_requests_total', { provider: 'salesforce', status_class: '2xx' })).toBe(2);
    expect(sampleSum(metrics, 'tributary_webhook_deliveries_total', { event_type: 'sync', outcome: 'delivered' })).toBe(1);
    expect(sampleSum(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const sdk = await (await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`)).text();
    expect(sdk).toMatch(/^temporal_\w+/m);
    expect(sdk).toContain(`task_queue="${stack.taskQueue}"`);
  });
});
