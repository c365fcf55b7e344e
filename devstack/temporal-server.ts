// Runs a Temporal dev server (the `temporal` CLI, UI included) unless TEMPORAL_ADDRESS points at one already.
import { Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTE_NAMES } from '../contracts/search-attributes';
import { ensureTemporalBinary } from './binaries';
import { freePort, spawnLogged, stopProcess, waitUntil } from './processes';

const run = promisify(execFile);

export interface TemporalServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
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
  if (external) return { address: external, uiUrl: null, stop: async () => undefined };
  return startTemporal(options);
}

export async function startTemporal(options: TemporalOptions = {}): Promise<TemporalServer> {
  // A port picked by freePort() is only free when it was picked: another process can take it before Temporal
  // binds it. Try fresh ports a few times when we chose them; a port the caller chose gets exactly one try.
  const attempts = options.port === undefined && options.uiPort === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTemporalOnce(options);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

async function startTemporalOnce(options: TemporalOptions): Promise<TemporalServer> {
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
  return { address, uiUrl: options.headless ? null : `http://127.0.0.1:${uiPort}`, stop: () => stopProcess(child) };
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
