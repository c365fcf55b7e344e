// Runs a Temporal dev server (the `temporal` CLI, UI included) unless TEMPORAL_ADDRESS points at one already.
import { Connection } from '@temporalio/client';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTE_NAMES } from '../contracts/search-attributes';
import { ensureTemporalBinary } from './binaries';
import { freePort, spawnLogged, startOnFreePorts, stopProcess, waitUntil } from './processes';

const run = promisify(execFile);

export interface TemporalServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
  /**
   * Stops the server and starts it again on the same ports with the same options (the chaos suite). Only a server
   * with a `dbFile` keeps its workflows across this; an in-memory one comes back empty.
   */
  restart(): Promise<void>;
}

export interface TemporalOptions {
  /** Persist state across restarts in this SQLite file; without it the server keeps everything in memory. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  /** Also create this namespace at start (the "default" namespace always exists); it gets the search attributes too. */
  namespace?: string;
  logFile?: string;
}

export async function resolveTemporal(options: TemporalOptions = {}): Promise<TemporalServer> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    const restart = async () => {
      throw new Error(`the Temporal at TEMPORAL_ADDRESS=${external} was not started here; it cannot be restarted`);
    };
    return { address: external, uiUrl: null, stop: async () => undefined, restart };
  }
  return startTemporal(options);
}

export async function startTemporal(options: TemporalOptions = {}): Promise<TemporalServer> {
  const portsChosen = options.port !== undefined || options.uiPort !== undefined;
  const started = await startOnFreePorts(() => startTemporalOnce(options), { portsChosen });
  let child = started.child;
  return {
    address: started.address,
    uiUrl: options.headless ? null : `http://127.0.0.1:${started.uiPort}`,
    stop: () => stopProcess(child),
    async restart() {
      await stopProcess(child);
      // The same ports, so every client keeps its address; the same db file, so workflows survive.
      child = (await startTemporalOnce({ ...options, port: started.port, uiPort: started.uiPort })).child;
    },
  };
}

interface StartedTemporal {
  address: string;
  port: number;
  uiPort: number;
  child: ChildProcess;
}

async function startTemporalOnce(options: TemporalOptions): Promise<StartedTemporal> {
  const binary = await ensureTemporalBinary();
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const namespaces = ['default'];
  if (options.namespace && options.namespace !== 'default') {
    namespaces.push(options.namespace);
    args.push('--namespace', options.namespace);
  }
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  const child = spawnLogged(binary, args, { logFile: options.logFile });
  try {
    await waitUntil(
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return true;
        } finally {
          await connection.close();
        }
      },
      { timeoutMs: 60_000, what: 'Temporal dev server', child },
    );
    for (const namespace of namespaces) await ensureSearchAttributes(binary, address, namespace);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { address, port, uiPort, child };
}

/** The start flag is ignored for a database file that already exists; create whatever is missing. */
async function ensureSearchAttributes(binary: string, address: string, namespace: string): Promise<void> {
  const cli = (args: string[]) => run(binary, [...args, '--address', address, '--namespace', namespace]);
  const { stdout } = await cli(['operator', 'search-attribute', 'list', '--output', 'json']);
  const existing = Object.keys((JSON.parse(stdout) as { customAttributes?: Record<string, string> }).customAttributes ?? {});
  for (const name of SEARCH_ATTRIBUTE_NAMES) {
    if (existing.includes(name)) continue;
    await cli(['operator', 'search-attribute', 'create', '--name', name, '--type', 'Keyword']);
  }
}
