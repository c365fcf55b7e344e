// The API serves the console's built files at /console, without a key, under a strict CSP, the app's page for every
// path of the app, and a clear 503 page until the console is built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../../api/app';
import { CONSOLE_CSP } from '../../../api/console/console-static';
import { ConnectionWorkflows } from '../../../api/connection-workflows';
import { providerCatalog } from '../../../providers/catalog';
import { startTestStack, type TestStack } from '../../support/test-stack';

const INDEX = '<!doctype html><html lang="en"><head><script type="module" src="/console/assets/app.js"></script></head><body><div id="app"></div></body></html>';

describe('the console as static files', () => {
  let stack: TestStack;
  let built: string;
  let servers: Server[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ name: 'console-static', inProcessWorker: false });
    built = mkdtempSync(join(tmpdir(), 'tributary-console-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'app.js'), 'export const hello = 1;\n');
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    servers = [];
    rmSync(built, { recursive: true, force: true });
    await stack?.close();
  });

  async function serving(consoleDir: string): Promise<string> {
    const server = createServer(
      createApp({
        db: stack.database.db,
        store: stack.store,
        catalog: providerCatalog,
        temporal: stack.temporal,
        workflows: new ConnectionWorkflows(stack.temporal, stack.taskQueue, { heartbeatTimeoutMs: 1, sliceTimeoutMs: 1, refreshRetryForMs: 1, webhookRetryForMs: 1, continueAsNewAfterEvents: 1, degradedNoticeAfterMs: 1 }),
        secretKeys: [{ name: 'ops', key: 'k'.repeat(40) }],
        logger: pino({ level: 'silent' }),
        publicUrl: 'http://127.0.0.1:1',
        consoleDir,
      }),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const expectConsoleHeaders = (response: Response) => {
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  };

  it('serves the app page for /console and every path under it, and its files, without a key', async () => {
    const api = await serving(built);
    for (const path of ['/console', '/console/', '/console/connections/acme', '/console/connections/acme/runs/r1', '/console/logs?q=x']) {
      const response = await fetch(`${api}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expectConsoleHeaders(response);
      expect(await response.text()).toBe(INDEX);
    }
    const script = await fetch(`${api}/console/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expectConsoleHeaders(script);
    expect((await fetch(`${api}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${api}/console/assets/../../package.json`)).status).not.toBe(200);
    // The API itself is not opened by the page's path: it still needs a key.
    expect((await fetch(`${api}/connections`)).status).toBe(401);
  });

  it('says to build the console, with a 503 page, when it is not built', async () => {
    const api = await serving(join(built, 'not-there'));
    const response = await fetch(`${api}/console/connections`);
    expect(response.status).toBe(503);
    expectConsoleHeaders(response);
    expect(await response.text()).toMatch(/The console is not built[\s\S]*npm ci/);
  });

  it('keeps the sign-in route an API route, not the app page', async () => {
    const api = await serving(built);
    const response = await fetch(`${api}/console/session`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/json/);
  });
});
