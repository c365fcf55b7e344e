// Retiring an encryption key: put a new key first, reseal, remove the old key; everything still decrypts and syncs.
// What no configured key opens any more (a leftover OAuth state, a record sealed under a lost key) is refused plainly.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import { resealAll } from '../../maintenance/reseal';
import { CredentialCipher, type EncryptionKey } from '../../security/credential-cipher';
import { COLLECTIONS } from '../../store/database';
import { createStore } from '../../store/store';
import { composeWorker, type ComposedWorker } from '../../worker/compose';
import { signInThroughConnectLink } from '../support/connect-link';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('key retirement with reseal', () => {
  let stack: TestStack;
  let worker: ComposedWorker | null = null;
  let workerRun: Promise<void> | null = null;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'reseal', sandbox: { autoConsent: true } });
    stack.sandbox.seed('Contact', 20);
  });
  afterAll(async () => {
    worker?.workers.shutdown();
    await workerRun;
    await stack?.close();
  });

  const syncEvents = () => stack.receiver.received.map((r) => r.event as SyncWebhookEvent).filter((e) => e.type === 'sync' && e.connectionId === 'rotated');

  it('an OAuth state left from before the key was retired ends on the "start again" error page, not a 500', async () => {
    expect((await stack.connectSalesforce('registers', { contacts: { frequency: '1d' } })).status).toBe(201);
    const { callbackUrl, cookie } = await signInThroughConnectLink(stack, { integration: 'salesforce-sandbox', connectionId: 'late-customer' });
    // Meanwhile the key that sealed the state's PKCE verifier was retired: no configured key has its id.
    await stack.database.db.collection(COLLECTIONS.oauthStates).updateMany({ connectionId: 'late-customer' }, { $set: { 'codeVerifier.keyId': 'k0-retired' } });

    const answer = await fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^text\/html/)]);
    expect(await answer.text()).toMatch(/This sign-in can no longer be finished .* Start connecting again from the app\./);
    expect((await stack.api('GET', '/connections/late-customer')).status).toBe(404);
    // Spent like any other: the same callback again is an unknown state (a 404 page, as every unknown state is since issue 25).
    expect((await fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' })).status).toBe(404);
    expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'late-customer' })).toBe(0);
  });

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

    // A connection sealed under a key that is gone already (lost, or retired without a reseal): no key opens it.
    const connections = stack.database.db.collection(COLLECTIONS.connections);
    const { _id: _rotatedId, ...rotatedDoc } = (await connections.findOne({ _id: 'rotated' as never })) as Record<string, unknown>;
    await connections.insertOne({ ...rotatedDoc, _id: 'lost' as never, credentials: { ...(rotatedDoc.credentials as object), keyId: 'k0-lost' } });

    // Rotate: the new key first, the old one still there to open what it sealed. The lost one does not stop the rest.
    const rotated = createStore(stack.database.db, new CredentialCipher([newKey, oldKey]));
    const unopenable = { integrations: [], connections: ['lost'] };
    expect(await resealAll(rotated)).toEqual({ integrations: 1, connections: 2, unopenable });
    expect(await resealAll(rotated)).toEqual({ integrations: 0, connections: 0, unopenable }); // repeatable: nothing left to do

    // `npm run reseal` says which records it could not open (ids only) and exits non-zero.
    const keys = `k2:${newKey.key.toString('base64')},${stack.workerEnv.TRIBUTARY_ENCRYPTION_KEYS}`;
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'maintenance/reseal.ts'], {
      cwd: join(__dirname, '../..'),
      env: { ...process.env, MONGODB_URI: stack.workerEnv.MONGODB_URI, MONGODB_DB: stack.workerEnv.MONGODB_DB, TRIBUTARY_ENCRYPTION_KEYS: keys, LOG_LEVEL: 'info' },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (failure: { code: number; stdout: string }) => failure,
    );
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/"connections":\["lost"\].*could not be opened/);
    const { credentials } = await rotated.connections.readCredentials('rotated');
    for (const secret of [credentials.refreshToken, credentials.accessToken as string, 'sandbox-client-secret', webhookSecrets?.current as string]) expect(cli.stdout).not.toContain(secret);
    await connections.deleteOne({ _id: 'lost' as never });

    // Retire the old key.
    const onlyNew = createStore(stack.database.db, new CredentialCipher([newKey]));
    expect((await onlyNew.integrations.getClientCredentials('salesforce-sandbox')).clientSecret).toBe('sandbox-client-secret');
    expect(await onlyNew.integrations.webhookSecrets('salesforce-sandbox')).toEqual(webhookSecrets);
    expect((await onlyNew.connections.readCredentials('rotated')).credentials.refreshToken).toEqual(expect.any(String));
    // The old key really cannot open them any more: the reseal did re-encrypt.
    const onlyOld = createStore(stack.database.db, new CredentialCipher([oldKey]));
    await expect(onlyOld.connections.readCredentials('rotated')).rejects.toThrow(/No encryption key with id "k2"/);

    // A worker that knows only the new key syncs the connection.
    worker = await composeWorker({ ...stack.workerConfig, TRIBUTARY_ENCRYPTION_KEYS: [newKey] }, { logger: pino({ level: 'silent' }) });
    workerRun = worker.run();
    stack.sandbox.seed('Contact', 5);
    expect((await stack.api('POST', '/connections/rotated/sync', { models: ['contacts'] })).status).toBe(202);
    await stack.receiver.waitFor(() => syncEvents().length === 2, 60_000);
    expect(syncEvents()[1]).toMatchObject({ added: 5 });
  });
});
