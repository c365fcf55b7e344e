// resolveMongo gives a MongoDB wire-protocol server: MONGODB_URI when set, else one it starts (mongod, or FerretDB on
// PostgreSQL or SQLite).
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { findOnPath } from '../../../devstack/binaries';
import { findPostgresBinDir, resolveMongo, type MongoServer } from '../../../devstack/mongo-server';

const logFile = join(__dirname, '..', '..', '..', '.data', 'test', 'logs', 'devstack-mongo.log');
const BACKEND_ENV = 'TRIBUTARY_FERRETDB_BACKEND';
const hasPostgres = findPostgresBinDir() !== null;
const itWithPostgres = hasPostgres ? it : it.skip;
const TEST_TIMEOUT = 30_000;

describe('resolveMongo', () => {
  // Global setup put the shared server in MONGODB_URI; these tests need resolveMongo to start its own.
  const sharedUri = process.env.MONGODB_URI;
  const sharedBackend = process.env[BACKEND_ENV];
  let dir: string;
  const running: MongoServer[] = [];

  beforeEach(() => {
    delete process.env.MONGODB_URI;
    delete process.env[BACKEND_ENV];
    dir = mkdtempSync(join(tmpdir(), 'tributary-mongo-test-'));
    // When we are root, PostgreSQL runs as another user that must pass through this folder to reach its cluster.
    chmodSync(dir, 0o711);
  });
  afterEach(async () => {
    process.env.MONGODB_URI = sharedUri;
    if (sharedBackend === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = sharedBackend;
    await Promise.allSettled(running.splice(0).map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (options: Parameters<typeof resolveMongo>[0] = {}) => {
    const server = await resolveMongo({ logFile, ...options });
    running.push(server);
    return server;
  };
  const startOnPostgres = (options: Parameters<typeof resolveMongo>[0] = {}) => {
    process.env[BACKEND_ENV] = 'postgresql';
    return start(options);
  };

  it(
    'without MONGODB_URI, starts a local server that accepts a write and a read',
    async () => {
      const server = await start();
      expect(server.kind).toBe(findOnPath('mongod') ? 'mongod' : hasPostgres ? 'ferretdb-postgresql' : 'ferretdb-sqlite');
      expect(server.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      await withCollection(server.uri, async (probe) => {
        await probe.insertOne({ _id: 'written', value: 42 });
        expect(await probe.findOne({ _id: 'written' })).toEqual({ _id: 'written', value: 42 });
      });
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps data in its dataDir across a restart',
    async () => {
      const dataDir = join(dir, 'data');
      const first = await start({ dataDir });
      await withCollection(first.uri, (probe) => probe.insertOne({ _id: 'kept', value: 1 }));
      await first.stop();

      const second = await start({ dataDir });
      expect(second.kind).toBe(first.kind);
      await withCollection(second.uri, async (probe) => expect(await probe.findOne({ _id: 'kept' })).toEqual({ _id: 'kept', value: 1 }));
    },
    TEST_TIMEOUT,
  );

  itWithPostgres(
    'on PostgreSQL, takes concurrent writers and leaves no server process behind on stop',
    async () => {
      const dataDir = join(dir, 'data');
      const server = await startOnPostgres({ dataDir });
      expect(server.kind).toBe('ferretdb-postgresql');
      const ids = Array.from({ length: 20 }, (_, i) => `doc-${i}`);
      await withCollection(server.uri, async (probe) => {
        await probe.insertMany(ids.map((_id) => ({ _id, value: 0 })));
        const results = await Promise.all(ids.map((_id) => probe.updateOne({ _id }, { $inc: { value: 1 } })));
        expect(results.map((result) => result.modifiedCount)).toEqual(ids.map(() => 1));
        expect(await probe.countDocuments({ value: 1 })).toBe(ids.length);
      });

      const serverProcesses = postgresProcesses(join(dataDir, 'postgres'));
      expect(serverProcesses.length).toBeGreaterThan(1); // the postmaster and its helpers
      await server.stop();
      expect(serverProcesses.filter(isAlive)).toEqual([]);
      expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    },
    TEST_TIMEOUT,
  );

  itWithPostgres(
    'on PostgreSQL, starts again on a dataDir whose previous servers were killed with SIGKILL',
    async () => {
      const dataDir = join(dir, 'data');
      const clusterDir = join(dataDir, 'postgres');
      const first = await startOnPostgres({ dataDir });
      await withCollection(first.uri, (probe) => probe.insertOne({ _id: 'kept', value: 1 }));

      const port = new URL(first.uri).port;
      const killed = [...processesWithArgument(`--listen-addr=127.0.0.1:${port}`), ...postgresProcesses(clusterDir).slice(0, 1)];
      expect(killed).toHaveLength(2); // FerretDB and the postmaster
      for (const pid of killed) process.kill(pid, 'SIGKILL');
      await first.stop(); // their parents are gone already; nothing left to do but it must not hang
      expect(existsSync(join(clusterDir, 'postmaster.pid'))).toBe(true);

      const second = await start({ dataDir });
      await withCollection(second.uri, async (probe) => expect(await probe.findOne({ _id: 'kept' })).toEqual({ _id: 'kept', value: 1 }));
    },
    TEST_TIMEOUT,
  );

  itWithPostgres(
    'on PostgreSQL, refuses a dataDir whose server another run still uses, and leaves that one running',
    async () => {
      const dataDir = join(dir, 'data');
      const first = await startOnPostgres({ dataDir });
      const before = childCountOf(process.pid);
      await expect(start({ dataDir })).rejects.toThrow(/still serves/);
      expect(childCountOf(process.pid)).toBe(before);
      await withCollection(first.uri, (probe) => probe.insertOne({ _id: 'still-up', value: 1 }));
    },
    TEST_TIMEOUT,
  );

  it(
    `${BACKEND_ENV}=sqlite runs FerretDB on SQLite`,
    async () => {
      process.env[BACKEND_ENV] = 'sqlite';
      const server = await start();
      expect(server.kind).toBe('ferretdb-sqlite');
      await withCollection(server.uri, async (probe) => {
        await probe.insertOne({ _id: 'written', value: 7 });
        expect(await probe.findOne({ _id: 'written' })).toEqual({ _id: 'written', value: 7 });
      });
    },
    TEST_TIMEOUT,
  );

  it(`rejects an unknown ${BACKEND_ENV}`, async () => {
    process.env[BACKEND_ENV] = 'mysql';
    await expect(resolveMongo()).rejects.toThrow(/sqlite or postgresql/);
  });

  it('uses MONGODB_URI when it is set and starts nothing', async () => {
    process.env.MONGODB_URI = 'mongodb://example.invalid:27017/';
    const server = await resolveMongo();
    expect(server).toMatchObject({ uri: 'mongodb://example.invalid:27017/', kind: 'external' });
    await server.stop();
  });
});

async function withCollection<T>(uri: string, use: (probe: ReturnType<typeof probeCollection>) => Promise<T>): Promise<T> {
  const client = await new MongoClient(uri).connect();
  try {
    return await use(probeCollection(client));
  } finally {
    await client.close();
  }
}

function probeCollection(client: MongoClient) {
  return client.db('devstack_probe').collection<{ _id: string; value: number }>('probe');
}

/** The postmaster of this cluster first, then every process it started (helpers and sessions). */
function postgresProcesses(clusterDir: string): number[] {
  const postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return [postmaster, ...allProcesses().filter((proc) => proc.ppid === postmaster).map((proc) => proc.pid)];
}

function processesWithArgument(argument: string): number[] {
  return allProcesses()
    .filter((proc) => proc.args.includes(argument))
    .map((proc) => proc.pid);
}

function childCountOf(pid: number): number {
  return allProcesses().filter((proc) => proc.ppid === pid).length;
}

function allProcesses(): { pid: number; ppid: number; args: string[] }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // The command name in parentheses may itself hold spaces or parentheses; the parent pid follows the last one.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
        return [{ pid: Number(name), ppid, args }];
      } catch {
        return []; // exited while we looked
      }
    });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
