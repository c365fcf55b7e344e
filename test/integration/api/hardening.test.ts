// What a client sends cannot reach past the API: prototype model names, cursors of other feeds; several named keys;
// probes on an internal port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp, createInternalApp, type AppDependencies } from '../../../api/app';
import { parseApiConfig } from '../../../api/config';
import { providerCatalog } from '../../../providers/catalog';
import { startTestStack, type TestStack } from '../../support/test-stack';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('API hardening', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'api-hardening' });
    stack.sandbox.seed('Contact', 5);
    stack.sandbox.seed('Account', 5);
    expect((await stack.connectSalesforce('acme')).status).toBe(201);
    expect((await stack.connectSalesforce('globex')).status).toBe(201);
  });
  afterAll(() => stack?.close());

  // "constructor" is a well-formed model name the connection does not have: a 404 for the feed, a 409 for the sync
  // request (issue 25); the others break the model name pattern: a 400. None reaches the workflow or the store.
  test.each([
    ['constructor', 404, 409],
    ['toString', 400, 400],
    ['__proto__', 400, 400],
    ['hasOwnProperty', 400, 400],
    ['valueOf', 400, 400],
  ])('model name "%s" is refused for the feed (%i) and for a sync request (%i)', async (model, feedStatus, syncStatus) => {
    const feed = await stack.api('GET', `/records?connectionId=acme&model=${model}`);
    expect([feed.status, feed.body.error.fields[0].field]).toEqual([feedStatus, 'query.model']);
    const sync = await stack.api('POST', '/connections/acme/sync', { models: [model] });
    expect([sync.status, sync.body.error.fields[0].field]).toEqual([syncStatus, expect.stringMatching(/^body\.models/)]);
  });

  test('a cursor from another connection or model is a 409 naming query.cursor; its own feed accepts it', async () => {
    const own = await stack.api('GET', '/records?connectionId=acme&model=contacts&limit=1');
    expect(own.status).toBe(200);
    const cursor = own.body.nextCursor as string;
    for (const path of [`/records?connectionId=globex&model=contacts&cursor=${cursor}`, `/records?connectionId=acme&model=accounts&cursor=${cursor}`]) {
      const answer = await stack.api('GET', path);
      expect([path, answer.status, answer.body.error.fields]).toEqual([path, 409, [{ field: 'query.cursor', message: expect.stringMatching(/another changes feed/) }]]);
    }
    expect((await stack.api('GET', `/records?connectionId=acme&model=contacts&cursor=${cursor}`)).status).toBe(200);
  });

  test('a webhook\'s changes.cursor reads its own feed', async () => {
    const find = () =>
      stack.receiver.received
        .map((r) => r.event as { type: string; connectionId: string; model: string; changes: { cursor: string } })
        .find((e) => e.type === 'sync' && e.connectionId === 'acme' && e.model === 'contacts');
    await stack.receiver.waitFor(() => find() !== undefined, 60_000);
    const page = await stack.api('GET', `/records?connectionId=acme&model=contacts&cursor=${find()?.changes.cursor}`);
    expect(page.status).toBe(200);
    expect(page.body.records).toHaveLength(5);
  });

  test('several named secret keys all work, a wrong one does not, and request logs carry the name, never the key', async () => {
    const keys = { ci: 'c'.repeat(40), backoffice: 'b'.repeat(40) };
    const config = parseApiConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:1',
      TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
      TRIBUTARY_SECRET_KEYS: `ci:${keys.ci},backoffice:${keys.backoffice}`,
      TRIBUTARY_SECRET_KEY: 'd'.repeat(40),
    });
    expect(config.secretKeys.map((k) => k.name)).toEqual(['ci', 'backoffice', 'default']);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const app = createApp({
      db: stack.database.db,
      store: stack.store,
      catalog: providerCatalog,
      temporal: stack.temporal,
      workflows: {} as AppDependencies['workflows'],
      secretKeys: config.secretKeys,
      logger,
      publicUrl: 'http://127.0.0.1:1',
    });
    const server = await serve(app);
    try {
      const get = (key: string) => fetch(`${server.url}/integrations`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
      expect(await get(keys.ci)).toBe(200);
      expect(await get(keys.backoffice)).toBe(200);
      expect(await get('d'.repeat(40))).toBe(200);
      expect(await get('x'.repeat(40))).toBe(401);
      const logged = lines.map((line) => JSON.parse(line) as { msg: string; secretKeyName?: string | null; status?: number }).filter((l) => l.msg === 'request');
      expect(logged.map((l) => [l.status, l.secretKeyName])).toEqual([[200, 'ci'], [200, 'backoffice'], [200, 'default'], [401, null]]);
      for (const key of Object.values(keys)) expect(lines.join('\n')).not.toContain(key);
    } finally {
      await server.close();
    }
    expect(() => parseApiConfig({ MONGODB_URI: 'mongodb://x', TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`, TRIBUTARY_SECRET_KEYS: `a:${keys.ci},a:${keys.backoffice}` })).toThrow(
      /TRIBUTARY_SECRET_KEYS: key name "a" appears twice/,
    );
    expect(() => parseApiConfig({ MONGODB_URI: 'mongodb://x', TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` })).toThrow(/TRIBUTARY_SECRET_KEYS: is required/);
  });

  test('with an internal port, /readyz and /metrics leave the public port and are served on the internal one', async () => {
    const deps = {
      db: stack.database.db,
      store: stack.store,
      catalog: providerCatalog,
      temporal: stack.temporal,
      workflows: {} as AppDependencies['workflows'],
      secretKeys: [{ name: 't', key: 't'.repeat(40) }],
      logger: pino({ level: 'silent' }),
      publicUrl: 'http://127.0.0.1:1',
    };
    const publicPort = await serve(createApp({ ...deps, probesOnInternalPort: true }));
    const internalPort = await serve(createInternalApp(deps));
    try {
      for (const path of ['/readyz', '/metrics']) {
        // Not served: behind the key like any unknown path (401), never the probe's answer.
        expect([path, (await fetch(`${publicPort.url}${path}`)).status]).toEqual([path, 401]);
        expect([path, (await fetch(`${internalPort.url}${path}`)).status]).toEqual([path, 200]);
      }
      expect((await fetch(`${publicPort.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${internalPort.url}/metrics`)).text()).toContain('process_cpu');
    } finally {
      await publicPort.close();
      await internalPort.close();
    }
  });
});
