// startTemporal runs a real Temporal dev server: state in a db file survives a restart, and our search attributes exist.
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../contracts/search-attributes';
import { ensureTemporalBinary } from '../../../devstack/binaries';
import { freePort, spawnLogged, stopProcess, waitUntil } from '../../../devstack/processes';
import { resolveTemporal, startTemporal, type TemporalServer } from '../../../devstack/temporal-server';

const logDir = join(__dirname, '..', '..', '..', '.data', 'test', 'logs');

describe('startTemporal', () => {
  let dir: string;
  const running: TemporalServer[] = [];

  const start = async (options: Parameters<typeof startTemporal>[0]) => {
    const server = await startTemporal({ headless: true, logFile: join(logDir, 'devstack-temporal.log'), ...options });
    running.push(server);
    return server;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-temporal-test-'));
  });
  afterEach(async () => {
    await Promise.allSettled(running.splice(0).map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a workflow execution across a restart on the same db file', async () => {
    const dbFile = join(dir, 'temporal.db');
    const workflowId = `devstack-persistence-${Date.now()}`;

    const first = await start({ dbFile });
    await withClient(first.address, 'default', (client) =>
      // No worker polls this task queue: the execution just waits, which is all a restart needs to keep.
      client.workflow.start('devstackProbeWorkflow', { taskQueue: `devstack-probe-${Date.now()}`, workflowId, args: [] }),
    );
    await first.stop();

    const second = await start({ dbFile });
    const description = await withClient(second.address, 'default', (client) => client.workflow.getHandle(workflowId).describe());
    expect(description).toMatchObject({ workflowId, type: 'devstackProbeWorkflow', status: { name: 'RUNNING' } });
  });

  it('registers the search attributes in the default namespace and in the one it is asked to create', async () => {
    const server = await start({ namespace: 'tributary-devstack' });
    for (const namespace of ['default', 'tributary-devstack']) {
      expect(await customSearchAttributes(server.address, namespace)).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTE_NAMES));
    }
  });

  it('adds missing search attributes to a db file that was created without them', async () => {
    const dbFile = join(dir, 'bare.db');
    const port = await freePort();
    const bare = spawnLogged(
      await ensureTemporalBinary(),
      ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFile, '--log-level', 'warn'],
      { logFile: join(logDir, 'devstack-temporal.log') },
    );
    try {
      await waitUntil(
        async () => {
          await customSearchAttributes(`127.0.0.1:${port}`, 'default');
          return true;
        },
        { timeoutMs: 30_000, what: 'Temporal without search attributes', child: bare },
      );
      expect(await customSearchAttributes(`127.0.0.1:${port}`, 'default')).not.toContain(SEARCH_ATTRIBUTE_NAMES[0]);
    } finally {
      await stopProcess(bare);
    }

    const server = await start({ dbFile });
    expect(await customSearchAttributes(server.address, 'default')).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTE_NAMES));
  });

  it('serves the Temporal UI unless headless', async () => {
    const server = await start({ headless: false });
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(server.uiUrl as string);
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});

describe('resolveTemporal', () => {
  it('uses TEMPORAL_ADDRESS when it is set and starts nothing', async () => {
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    try {
      const server = await resolveTemporal({ headless: true });
      expect(server.address).toBe('127.0.0.1:1');
      await server.stop();
    } finally {
      process.env.TEMPORAL_ADDRESS = saved;
    }
  });
});

async function withClient<T>(address: string, namespace: string, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await use(new Client({ connection, namespace }));
  } finally {
    await connection.close();
  }
}

async function customSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    return Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes);
  } finally {
    await connection.close();
  }
}
