// Console sessions: a key is exchanged for an HttpOnly cookie and never kept; changes made with the cookie need the
// session's CSRF token and the console's origin; sign-out and a key removed from the configuration end sessions.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../../api/app';
import { ConnectionWorkflows } from '../../../api/connection-workflows';
import { providerCatalog } from '../../../providers/catalog';
import type { NamedSecretKey } from '../../../security/secret-key';
import { startTestStack, type TestStack } from '../../support/test-stack';

const SUPPORT_KEY = randomBytes(24).toString('hex');
const OPS_KEY = randomBytes(24).toString('hex');

describe('console sessions', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      name: 'console-session',
      inProcessWorker: false,
      extraSecretKeys: [
        { name: 'support', key: SUPPORT_KEY, scope: 'read' },
        { name: 'ops', key: OPS_KEY, scope: 'admin' },
      ],
    });
    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
  });
  afterAll(() => stack?.close());

  const send = (method: string, path: string, { cookie, body, headers = {} }: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function signIn(key: string, apiUrl = stack.apiUrl) {
    const response = await fetch(`${apiUrl}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { response, setCookie, cookie: setCookie.split(';')[0], body: (await response.json()) as { csrfToken: string; keyName: string; scope: string; expiresAt: string } };
  }

  const paused = async () => (await stack.api('GET', '/connections/acme')).body.paused as boolean;

  it('refuses a wrong key with 401 and no cookie', async () => {
    const { response, setCookie, body } = await signIn('x'.repeat(48));
    expect(response.status).toBe(401);
    expect(setCookie).toBe('');
    expect(body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await stack.store.consoleSessions.collection.countDocuments({})).toBe(0);
  });

  it('answers a right key with an HttpOnly, SameSite=Strict cookie that lasts 8 hours, never Secure on http', async () => {
    const before = Date.now();
    const { response, setCookie, cookie, body } = await signIn(OPS_KEY);
    expect(response.status).toBe(201);
    expect(setCookie).toMatch(/^tributary_console=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
    expect(body).toEqual({ keyName: 'ops', scope: 'admin', expiresAt: expect.any(String), csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Date.parse(body.expiresAt) - before).toBeGreaterThan(8 * 3_600_000 - 60_000);
    expect(response.headers.get('cache-control')).toBe('no-store');

    const session = await send('GET', '/console/session', { cookie });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual(body);
    // The cookie authenticates the API like a key, with the key's scope.
    expect((await send('GET', '/connections/acme', { cookie })).status).toBe(200);
  });

  it('sets Secure when the public URL is https', async () => {
    const server: Server = createServer(
      createApp({
        db: stack.database.db,
        store: stack.store,
        catalog: providerCatalog,
        temporal: stack.temporal,
        workflows: new ConnectionWorkflows(stack.temporal, stack.taskQueue, { heartbeatTimeoutMs: 1, sliceTimeoutMs: 1, refreshRetryForMs: 1, webhookRetryForMs: 1, continueAsNewAfterEvents: 1, degradedNoticeAfterMs: 1 }),
        secretKeys: [{ name: 'ops', key: OPS_KEY }],
        logger: pino({ level: 'silent' }),
        publicUrl: 'https://tributary.example',
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { response, setCookie } = await signIn(OPS_KEY, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      expect(response.status).toBe(201);
      expect(setCookie).toMatch(/; Secure$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a change made with the cookie without the CSRF token, with a wrong one, or from another origin, and changes nothing', async () => {
    const { cookie, body } = await signIn(OPS_KEY);
    const change = (headers: Record<string, string>) => send('PATCH', '/connections/acme', { cookie, body: { paused: true }, headers });
    const refusals = [
      await change({ 'sec-fetch-site': 'same-origin' }),
      await change({ 'x-csrf-token': 'A'.repeat(43), 'sec-fetch-site': 'same-origin' }),
      await change({ 'x-csrf-token': body.csrfToken, 'sec-fetch-site': 'cross-site' }),
      await change({ 'x-csrf-token': body.csrfToken, 'sec-fetch-site': 'same-site' }),
      await change({ 'x-csrf-token': body.csrfToken, origin: 'http://localhost:1' }),
      await change({ 'x-csrf-token': body.csrfToken }),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    }
    expect(await paused()).toBe(false);

    // With the token, from the console itself (by Sec-Fetch-Site, or by Origin where a browser sends none).
    expect((await change({ 'x-csrf-token': body.csrfToken, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(await paused()).toBe(true);
    const resumed = await send('PATCH', '/connections/acme', { cookie, body: { paused: false }, headers: { 'x-csrf-token': body.csrfToken, origin: stack.apiUrl } });
    expect(resumed.status).toBe(200);
    expect(await paused()).toBe(false);
  });

  it('leaves bearer keys as they were: no CSRF token, no origin', async () => {
    expect((await stack.api('PATCH', '/connections/acme', { metadata: { plan: 'gold' } })).status).toBe(200);
  });

  it("gives a read key's session the read scope: it looks, and is refused a change even with the token", async () => {
    const { cookie, body } = await signIn(SUPPORT_KEY);
    expect(body).toMatchObject({ keyName: 'support', scope: 'read' });
    expect((await send('GET', '/stats/overview', { cookie })).status).toBe(200);
    const refused = await send('POST', '/connections/acme/sync', { cookie, body: {}, headers: { 'x-csrf-token': body.csrfToken, 'sec-fetch-site': 'same-origin' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'forbidden', requiredScope: 'admin' } });
  });

  it('refuses a sign-in another site makes the browser send', async () => {
    const response = await fetch(`${stack.apiUrl}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ key: OPS_KEY }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const { cookie, body } = await signIn(OPS_KEY);
    expect((await send('DELETE', '/console/session', { cookie })).status).toBe(403); // no CSRF token
    const out = await send('DELETE', '/console/session', { cookie, headers: { 'x-csrf-token': body.csrfToken, 'sec-fetch-site': 'same-origin' } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^tributary_console=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0$/);
    expect((await send('GET', '/console/session', { cookie })).status).toBe(401);
    expect((await send('GET', '/connections', { cookie })).status).toBe(401);
  });

  it('ends the sessions of a key removed from the configuration, and of one whose scope changed', async () => {
    const { cookie: opsCookie } = await signIn(OPS_KEY);
    const { cookie: supportCookie } = await signIn(SUPPORT_KEY);
    const restartedWith = async (secretKeys: NamedSecretKey[], check: (apiUrl: string) => Promise<void>) => {
      const server = createServer(
        createApp({
          db: stack.database.db,
          store: stack.store,
          catalog: providerCatalog,
          temporal: stack.temporal,
          workflows: new ConnectionWorkflows(stack.temporal, stack.taskQueue, { heartbeatTimeoutMs: 1, sliceTimeoutMs: 1, refreshRetryForMs: 1, webhookRetryForMs: 1, continueAsNewAfterEvents: 1, degradedNoticeAfterMs: 1 }),
          secretKeys,
          logger: pino({ level: 'silent' }),
          publicUrl: stack.apiUrl,
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        await check(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    };
    // "ops" removed; "support" kept but made admin: neither session stands.
    await restartedWith([{ name: 'support', key: SUPPORT_KEY, scope: 'admin' }], async (apiUrl) => {
      const ops = await fetch(`${apiUrl}/connections`, { headers: { cookie: opsCookie } });
      expect(ops.status).toBe(401);
      expect(ops.headers.get('set-cookie')).toMatch(/^tributary_console=; /);
      expect((await fetch(`${apiUrl}/console/session`, { headers: { cookie: supportCookie } })).status).toBe(401);
    });
    // Refused sessions are deleted, not just ignored: the old configuration does not bring them back.
    expect((await send('GET', '/connections', { cookie: opsCookie })).status).toBe(401);
    expect((await send('GET', '/connections', { cookie: supportCookie })).status).toBe(401);
  });

  it('keeps neither the key nor the cookie in the database, and purges expired sessions', async () => {
    const { cookie } = await signIn(OPS_KEY);
    await stack.store.consoleSessions.collection.insertOne({ _id: 'expired', keyName: 'ops', scope: 'admin', createdAt: new Date(0), expiresAt: new Date(1000) });
    await signIn(SUPPORT_KEY); // every sign-in purges what has expired (FerretDB ignores the TTL index)
    const stored = JSON.stringify(await stack.store.consoleSessions.collection.find({}).toArray());
    expect(await stack.store.consoleSessions.collection.findOne({ _id: 'expired' })).toBeNull();
    const cookieValue = cookie.split('=')[1];
    for (const secret of [OPS_KEY, SUPPORT_KEY, cookieValue, stack.secretKey]) expect(stored.includes(secret)).toBe(false);
    expect(stored).toMatch(/"keyName":"ops"/);
  });
});
