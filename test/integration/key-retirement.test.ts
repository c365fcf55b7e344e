// Retiring an encryption key: put a new key first, reseal, remove the old key; everything still decrypts and syncs.
import { NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import { resealAll } from '../../maintenance/reseal';
import { WorkerMetrics } from '../../observability/metrics';
import { providerCatalog } from '../../providers/catalog';
import { CredentialCipher, type EncryptionKey } from '../../security/credential-cipher';
import { createStore } from '../../store/store';
import { createTributaryWorkers, type TributaryWorkers } from '../../worker/create-worker';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('key retirement with reseal', () => {
  let stack: TestStack;
  let worker: TributaryWorkers | null = null;
  let workerRun: Promise<void> | null = null;
  let workerConnection: NativeConnection | null = null;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'reseal' });
    stack.sandbox.seed('Contact', 20);
  });
  afterAll(async () => {
    worker?.shutdown();
    await workerRun;
    await workerConnection?.close();
    await stack?.close();
  });

  const syncEvents = () => stack.receiver.received.map((r) => r.event as SyncWebhookEvent).filter((e) => e.type === 'sync' && e.connectionId === 'rotated');

  it('after rotate, reseal and removing the old key, credentials and client secrets decrypt and the connection syncs', async () => {
    expect((await stack.connectSalesforce('rotated', { contacts: { frequency: '1d' } })).status).toBe(201);
    await stack.receiver.waitFor(() => syncEvents().length === 1, 60_000);
    await stack.stopWorker();

    const [id, encoded] = stack.workerEnv.TRIBUTARY_ENCRYPTION_KEYS.split(':');
    const oldKey: EncryptionKey = { id, key: Buffer.from(encoded, 'base64') };
    const newKey: EncryptionKey = { id: 'k2', key: randomBytes(32) };

    // A rotated webhook URL: its secret and the previous one (in its grace period) are sealed too.
    const firstSecret = (await stack.store.integrations.webhookSecrets('salesforce-sandbox'))?.current;
    expect((await stack.api('PATCH', '/integrations/salesforce-sandbox', { rotateWebhookUrl: true })).status).toBe(200);
    const webhookSecrets = await stack.store.integrations.webhookSecrets('salesforce-sandbox');
    expect(webhookSecrets?.previous?.secret).toBe(firstSecret);

    // Rotate: the new key first, the old one still there to open what it sealed.
    const rotated = createStore(stack.database.db, new CredentialCipher([newKey, oldKey]));
    expect(await resealAll(rotated)).toEqual({ integrations: 1, connections: 1 });
    expect(await resealAll(rotated)).toEqual({ integrations: 0, connections: 0 }); // repeatable: nothing left to do

    // Retire the old key.
    const onlyNew = createStore(stack.database.db, new CredentialCipher([newKey]));
    expect((await onlyNew.integrations.getClientCredentials('salesforce-sandbox')).clientSecret).toBe('sandbox-client-secret');
    expect(await onlyNew.integrations.webhookSecrets('salesforce-sandbox')).toEqual(webhookSecrets);
    expect((await onlyNew.connections.readCredentials('rotated')).credentials.refreshToken).toEqual(expect.any(String));
    // The old key really cannot open them any more: the reseal did re-encrypt.
    const onlyOld = createStore(stack.database.db, new CredentialCipher([oldKey]));
    await expect(onlyOld.connections.readCredentials('rotated')).rejects.toThrow(/No encryption key with id "k2"/);

    // A worker that knows only the new key syncs the connection.
    workerConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    worker = await createTributaryWorkers({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: stack.taskQueue,
      workflowBundlePath: process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE,
      dependencies: {
        store: onlyNew,
        catalog: providerCatalog.withUrlPolicy({ allowLoopback: true }),
        logger: pino({ level: 'silent' }),
        metrics: new WorkerMetrics(),
        settings: { webhookUrl: stack.receiver.url, webhookSecret: stack.workerEnv.TRIBUTARY_WEBHOOK_SECRET, webhookTimeoutMs: 5000, maxSliceMs: 60_000 },
      },
    });
    workerRun = worker.run();
    stack.sandbox.seed('Contact', 5);
    expect((await stack.api('POST', '/connections/rotated/sync', { models: ['contacts'] })).status).toBe(202);
    await stack.receiver.waitFor(() => syncEvents().length === 2, 60_000);
    expect(syncEvents()[1]).toMatchObject({ added: 5 });
  });
});
