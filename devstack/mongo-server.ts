// Provides a MongoDB wire-protocol server: MONGODB_URI if set, else a local mongod, else FerretDB on SQLite.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureFerretdbBinary, findOnPath } from './binaries';
import { freePort, spawnLogged, stopProcess, waitUntil } from './processes';

export interface MongoServer {
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  stop(): Promise<void>;
}

export interface MongoOptions {
  /** Keep data here across restarts; without it a temporary folder is used and removed on stop. */
  dataDir?: string;
  port?: number;
  logFile?: string;
}

export async function resolveMongo(options: MongoOptions = {}): Promise<MongoServer> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, kind: 'external', stop: async () => undefined };

  const temporary = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'tributary-mongo-'));
  const dataDir = resolve(options.dataDir ?? (temporary as string));
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const uri = `mongodb://127.0.0.1:${port}/`;

  const mongod = findOnPath('mongod');
  let kind: MongoServer['kind'];
  let child;
  if (mongod) {
    kind = 'mongod';
    child = spawnLogged(mongod, ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'], { logFile: options.logFile });
  } else {
    kind = 'ferretdb';
    const stateDir = join(dataDir, 'state');
    const sqliteDir = join(dataDir, 'sqlite');
    mkdirSync(stateDir, { recursive: true });
    mkdirSync(sqliteDir, { recursive: true });
    child = spawnLogged(
      await ensureFerretdbBinary(),
      [
        '--handler=sqlite',
        `--sqlite-url=file:${sqliteDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        '--telemetry=disable', // FerretDB reports usage to its vendor by default
        '--debug-addr=-',
        `--state-dir=${stateDir}`,
        '--log-level=warn',
      ],
      { logFile: options.logFile },
    );
  }
  const stop = async () => {
    await stopProcess(child);
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000 });
        try {
          await client.db('admin').command({ ping: 1 });
          return true;
        } finally {
          await client.close();
        }
      },
      { timeoutMs: 60_000, what: `${kind} on port ${port}`, child },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { uri, kind, stop };
}
