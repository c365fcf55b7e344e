// Provides a MongoDB wire-protocol server: MONGODB_URI if set, else a local mongod, else FerretDB on a private
// PostgreSQL cluster, else FerretDB on SQLite.
import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { ensureFerretdbBinary, findOnPath } from './binaries';
import { freePort, signalGroup, spawnLogged, startOnFreePorts, stopProcess, waitUntil } from './processes';

const run = promisify(execFile);

export interface MongoServer {
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb-postgresql' | 'ferretdb-sqlite';
  stop(): Promise<void>;
  /**
   * Makes the database unreachable and back (the chaos suite): stops the wire-protocol server alone (mongod, or
   * FerretDB while its PostgreSQL keeps running), then starts it again on the same port and data. Absent for an
   * external server.
   */
  outage?: { begin(): Promise<void>; end(): Promise<void> };
  /**
   * Freezes the database and thaws it (SIGSTOP, SIGCONT): its processes keep their connections open and answer
   * nothing meanwhile, as a server stalled by its host (a paused VM, a hung disk) would. `parts` names what freezes:
   * the wire-protocol server (mongod or FerretDB), its PostgreSQL, or both (the default). Absent for an external server.
   */
  stall?: { begin(parts?: StalledPart[]): Promise<void>; end(): Promise<void> };
}

/** `backend` is FerretDB's PostgreSQL; a server without one (mongod, FerretDB on SQLite) stalls its server alone. */
export type StalledPart = 'server' | 'backend';

export interface MongoOptions {
  /** Keep data here across restarts; without it a temporary folder is used and removed on stop. */
  dataDir?: string;
  port?: number;
  logFile?: string;
}

const BACKEND_ENV = 'TRIBUTARY_FERRETDB_BACKEND';
const POSTGRES_TOOLS = ['postgres', 'initdb', 'pg_isready', 'psql'];
// postgres refuses to run as root; this is the account distribution packages create for it.
const POSTGRES_OS_USER = 'postgres';
const POSTGRES_ROLE = 'tributary';
const POSTGRES_DATABASE = 'ferretdb';
const FERRETDB_POOL_CONNECTIONS = 250;

export async function resolveMongo(options: MongoOptions = {}): Promise<MongoServer> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, kind: 'external', stop: async () => undefined };
  return startMongoServer(options);
}

/** A server of the caller's own whatever MONGODB_URI says: one a test may stop, restart or stall. */
export async function startMongoServer(options: MongoOptions = {}): Promise<MongoServer> {
  // FerretDB once found its picked port taken by the time it bound it.
  return startOnFreePorts(() => startMongo(options), { portsChosen: options.port !== undefined });
}

async function startMongo(options: MongoOptions): Promise<MongoServer> {
  const forced = forcedBackend();
  const temporary = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'tributary-mongo-'));
  const dataDir = resolve(options.dataDir ?? (temporary as string));
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const uri = `mongodb://127.0.0.1:${port}/`;

  // Stopped last-started first: FerretDB before the PostgreSQL it talks to.
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };

  try {
    // Forcing a FerretDB backend means FerretDB, even where a mongod is installed.
    const mongod = forced ? null : findOnPath('mongod');
    let kind: MongoServer['kind'];
    let serve: () => ChildProcess;
    let backend: { freeze(): () => void } | null = null;
    if (mongod) {
      kind = 'mongod';
      serve = () => spawnLogged(mongod, ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'], { logFile: options.logFile });
    } else {
      const stateDir = join(dataDir, 'state');
      mkdirSync(stateDir, { recursive: true });
      const postgres = forced === 'sqlite' ? null : await preparePostgres(dataDir, { temporary: temporary !== null, forced: forced === 'postgresql' });
      let backendArgs: string[];
      if (postgres) {
        kind = 'ferretdb-postgresql';
        const pg = await startPostgres(postgres, options.logFile);
        stoppers.push(pg.stop);
        backend = pg;
        // FerretDB's default pool is 50 connections and an update command takes more than one at a time, so a few dozen
        // concurrent writes could wait on one another for good. Our PostgreSQL allows 300: give FerretDB most of them.
        const pool = `pool_max_conns=${FERRETDB_POOL_CONNECTIONS}`;
        backendArgs = ['--handler=postgresql', `--postgresql-url=postgres://${POSTGRES_ROLE}@127.0.0.1:${pg.port}/${POSTGRES_DATABASE}?${pool}`];
      } else {
        kind = 'ferretdb-sqlite';
        const sqliteDir = join(dataDir, 'sqlite');
        mkdirSync(sqliteDir, { recursive: true });
        backendArgs = ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`];
      }
      const ferretdbBinary = await ensureFerretdbBinary();
      serve = () =>
        spawnLogged(
          ferretdbBinary,
          [
            ...backendArgs,
            `--listen-addr=127.0.0.1:${port}`,
            '--telemetry=disable', // FerretDB reports usage to its vendor by default
            '--debug-addr=-',
            `--state-dir=${stateDir}`,
            '--log-level=warn',
          ],
          { logFile: options.logFile },
        );
    }
    let child = serve();
    stoppers.push(() => stopProcess(child));
    const ready = () =>
      waitUntil(
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
    await ready();
    const outage = {
      begin: () => stopProcess(child),
      async end() {
        child = serve();
        await ready();
      },
    };
    const thaws: (() => void)[] = [];
    const stall = {
      async begin(parts: StalledPart[] = ['server', 'backend']) {
        if (parts.includes('backend') && backend) thaws.push(backend.freeze());
        if (parts.includes('server')) {
          const frozen = child;
          signalGroup(frozen, 'SIGSTOP');
          thaws.push(() => signalGroup(frozen, 'SIGCONT'));
        }
      },
      async end() {
        for (const thaw of thaws.splice(0).reverse()) thaw();
      },
    };
    // Stoppers run last-added first: a frozen process is thawed before it is asked to stop (it ignores SIGTERM meanwhile).
    stoppers.push(() => stall.end());
    return { uri, kind, stop, outage, stall };
  } catch (error) {
    await stop();
    throw error;
  }
}

function forcedBackend(): 'sqlite' | 'postgresql' | null {
  const value = process.env[BACKEND_ENV];
  if (!value) return null;
  if (value === 'sqlite' || value === 'postgresql') return value;
  throw new Error(`${BACKEND_ENV}=${value} is not understood; use sqlite or postgresql`);
}

/** The directory holding the PostgreSQL server and client tools, or null when this machine has none. */
export function findPostgresBinDir(): string | null {
  const candidates: string[] = [];
  const onPath = findOnPath('postgres');
  // PATH often holds symlinks to a versioned directory that also has the client tools (pg_isready, psql).
  if (onPath) candidates.push(dirname(realpathSync(onPath)), dirname(onPath));
  const packaged = '/usr/lib/postgresql';
  if (existsSync(packaged)) {
    const versions = readdirSync(packaged).filter((name) => /^\d+(\.\d+)?$/.test(name));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(packaged, version, 'bin')));
  }
  return candidates.find((dir) => POSTGRES_TOOLS.every((tool) => existsSync(join(dir, tool)))) ?? null;
}

interface PostgresPlan {
  binDir: string;
  /** OS user to run the server as (via runuser), when we are root. */
  runAs: string | null;
  clusterDir: string;
  socketDir: string;
  temporary: boolean;
}

/** Null means use SQLite; the reason is printed unless PostgreSQL is simply not installed. */
async function preparePostgres(dataDir: string, { temporary, forced }: { temporary: boolean; forced: boolean }): Promise<PostgresPlan | null> {
  const unavailable = (reason: string, quiet = false): null => {
    if (forced) throw new Error(`${BACKEND_ENV}=postgresql, but ${reason}`);
    if (!quiet) say(`FerretDB uses SQLite (slow, one writer at a time) because ${reason}`);
    return null;
  };
  const binDir = findPostgresBinDir();
  if (!binDir) return unavailable(`no PostgreSQL server was found (${POSTGRES_TOOLS.join(', ')} on PATH or in /usr/lib/postgresql/*/bin)`, true);

  const clusterDir = join(dataDir, 'postgres');
  const socketDir = join(dataDir, 'postgres-socket');
  const runAs = process.getuid?.() === 0 ? POSTGRES_OS_USER : null;
  if (runAs) {
    if (!findOnPath('runuser')) return unavailable('we run as root, postgres refuses root, and there is no runuser to switch users with');
    if (!(await succeeds('id', ['-u', runAs]))) return unavailable(`we run as root, postgres refuses root, and there is no "${runAs}" user to run it as`);
    // mkdtemp makes 0700 folders; the server's user only needs to pass through to its own subfolders.
    if (temporary) chmodSync(dataDir, 0o711);
    if (!(await succeeds('runuser', ['-u', runAs, '--', 'test', '-x', dataDir]))) {
      return unavailable(`the "${runAs}" user cannot reach ${dataDir} (a parent folder lacks o+x)`);
    }
  }
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    const sqliteDir = join(dataDir, 'sqlite');
    if (existsSync(sqliteDir) && readdirSync(sqliteDir).length > 0) {
      say(`starting a new PostgreSQL-backed database; earlier SQLite data stays in ${sqliteDir} (${BACKEND_ENV}=sqlite uses it)`);
    }
  }
  return { binDir, runAs, clusterDir, socketDir, temporary };
}

async function startPostgres(plan: PostgresPlan, logFile: string | undefined): Promise<{ port: number; stop: () => Promise<void>; freeze(): () => void }> {
  const { binDir, runAs, clusterDir, socketDir } = plan;
  const asServerUser = (tool: string, args: string[]): [string, string[]] => {
    const command = join(binDir, tool);
    return runAs ? ['runuser', ['-u', runAs, '--', command, ...args]] : [command, args];
  };
  const giveToServerUser = async (...dirs: string[]) => {
    if (runAs) await runTool('chown', ['-R', runAs, ...dirs]);
  };

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    // initdb into a side folder and rename it into place, so a run killed mid-initdb never leaves a half cluster
    // that later starts look like a real one.
    const building = `${clusterDir}.initdb`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { mode: 0o700 });
    await giveToServerUser(building);
    // C locale: the machine's locale may be missing or not UTF-8, which makes initdb fail; FerretDB does its own sorting.
    await runTool(...asServerUser('initdb', ['-D', building, '-A', 'trust', '-U', POSTGRES_ROLE, '--no-sync', '-E', 'UTF8', '--locale=C']), { cwd: dirname(clusterDir) });
    renameSync(building, clusterDir);
  }
  refuseIfAlreadyRunning(clusterDir);
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  await giveToServerUser(clusterDir, socketDir);

  const port = await freePort();
  // Unix socket paths are limited to ~107 bytes; everything here connects over TCP, so go without one if it does not fit.
  const socketArg = `${socketDir}/.s.PGSQL.${port}`.length < 100 ? socketDir : '';
  const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', socketArg, '-c', 'max_connections=300'];
  // A temporary cluster is thrown away on stop, so durability only costs time.
  if (plan.temporary) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawnLogged(...asServerUser('postgres', args), { logFile, cwd: dirname(clusterDir) });
  const stop = () => stopPostgres(child);

  try {
    const client = ['-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_ROLE, '-d', 'postgres'];
    await waitUntil(() => succeeds(join(binDir, 'pg_isready'), [...client, '-q']), { timeoutMs: 60_000, what: `PostgreSQL on port ${port}`, child });
    const psql = (sql: string) => runTool(join(binDir, 'psql'), ['-X', '-q', '-tA', ...client, '-c', sql]);
    // Ask first: a failed CREATE would put an ERROR line in the log on every restart.
    if ((await psql(`SELECT 1 FROM pg_database WHERE datname = '${POSTGRES_DATABASE}'`)).trim() !== '1') {
      await psql(`CREATE DATABASE ${POSTGRES_DATABASE}`);
    }
    await runTool(join(binDir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...client.slice(0, -2), '-d', POSTGRES_DATABASE, '-c', GIN_INDEXES_SQL]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop, freeze: () => freezePostgres(clusterDir) };
}

/**
 * SIGSTOPs the cluster's postmaster and every process it started, and returns what SIGCONTs them. Its backends each
 * run in a session of their own (setsid), so stopping its process group would leave them answering. The postmaster
 * goes first: stopped, it starts no backend that the list below would miss.
 */
function freezePostgres(clusterDir: string): () => void {
  const postmaster = postmasterPid(clusterDir);
  if (postmaster === null) return () => undefined;
  const frozen = [postmaster];
  signalPid(postmaster, 'SIGSTOP');
  for (const pid of childPids(postmaster)) {
    signalPid(pid, 'SIGSTOP');
    frozen.push(pid);
  }
  return () => {
    for (const pid of frozen.reverse()) signalPid(pid, 'SIGCONT');
  };
}

/** Direct children of `parent`, from /proc (Linux; PostgreSQL-backed FerretDB is only set up where it runs). */
function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (in parentheses) may hold spaces: the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * FerretDB 1.24 turns a pushed-down equality into `_jsonb->'f' @> value`, which its own B-tree indexes (`_id_`
 * included) cannot serve, so every `_id` lookup, per-record update and feed bucket read scans its whole table. A GIN
 * index on the same expression serves `@>`. This private cluster adds them itself: an event trigger indexes every
 * table FerretDB creates from now on (test databases come and go), and existing tables are indexed at start. Only
 * speed depends on it: MongoDB uses its own indexes, and without these FerretDB is just slower.
 *
 * `fastupdate = off`: with GIN's pending list on, every lookup also scans the list of recent inserts (2 ms instead of
 * 0.05 ms per `_id` lookup after an initial sync), which would eat the index's gain for key lookups.
 *
 * Indexed: `_id` on every collection; on records, `feedBucket` (the changes feed reads one bucket per query); on
 * records, runs and webhook deliveries, `connectionId`. Every connection's feed starts at bucket 0, so with thousands
 * of connections the bucket alone selects every connection's first records, and a feed page of one connection read
 * them all; PostgreSQL combines the two indexes (BitmapAnd) where that narrows the read, and ignores the connection's
 * where one connection holds most of the table. Every run start reads the connection's last complete run, which
 * scanned every run of every connection without it: a run cost more with each run stored (1,000 connections every
 * minute store 60,000 runs an hour).
 *
 * The event log (issue 22) is read by run (a timeline), by hour bucket with or without a connection (log searches, the
 * retention purge), by minute (the overview's statistics) and by record id inside a page's id lists (a record's
 * history: a JSON array contains a string under `@>`, which GIN serves); a connection's actions by connection.
 */
const GIN_INDEXES_SQL = `
CREATE OR REPLACE FUNCTION tributary_gin_indexes(schema_name text, table_name text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''_id'')) WITH (fastupdate = off)', left(table_name, 50) || '_id_gin', schema_name, table_name);
  IF table_name LIKE 'records\\_%' THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''feedBucket'')) WITH (fastupdate = off)', left(table_name, 50) || '_fb_gin', schema_name, table_name);
  END IF;
  IF table_name LIKE 'records\\_%' OR table_name LIKE 'sync\\_runs\\_%' OR table_name LIKE 'webhook\\_deliveries\\_%' OR table_name ~ '^(event_log|actions)_[0-9a-f]{8}$' THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''connectionId'')) WITH (fastupdate = off)', left(table_name, 50) || '_conn_gin', schema_name, table_name);
  END IF;
  IF table_name ~ '^event_log_[0-9a-f]{8}$' THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''runId'')) WITH (fastupdate = off)', left(table_name, 50) || '_run_gin', schema_name, table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''hour'')) WITH (fastupdate = off)', left(table_name, 50) || '_hour_gin', schema_name, table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''minute'')) WITH (fastupdate = off)', left(table_name, 50) || '_minute_gin', schema_name, table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''addedIds'')) WITH (fastupdate = off)', left(table_name, 50) || '_added_gin', schema_name, table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''updatedIds'')) WITH (fastupdate = off)', left(table_name, 50) || '_updated_gin', schema_name, table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''deletedIds'')) WITH (fastupdate = off)', left(table_name, 50) || '_deleted_gin', schema_name, table_name);
  END IF;
END $fn$;

CREATE OR REPLACE FUNCTION tributary_index_new_table() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE created record;
BEGIN
  FOR created IN
    SELECT c.relname, n.nspname FROM pg_event_trigger_ddl_commands() d
      JOIN pg_class c ON c.oid = d.objid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE d.command_tag = 'CREATE TABLE' AND c.relkind = 'r'
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '_jsonb')
  LOOP
    PERFORM tributary_gin_indexes(created.nspname, created.relname);
  END LOOP;
END $fn$;

DROP EVENT TRIGGER IF EXISTS tributary_index_new_table;
CREATE EVENT TRIGGER tributary_index_new_table ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION tributary_index_new_table();

DO $do$
DECLARE existing record;
BEGIN
  FOR existing IN
    SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '_jsonb')
  LOOP
    PERFORM tributary_gin_indexes(existing.nspname, existing.relname);
  END LOOP;
END $do$;
`;

/** postgres itself would only say so in its log; a running one here means another stack uses this dataDir, or one was orphaned. */
function refuseIfAlreadyRunning(clusterDir: string): void {
  const pid = postmasterPid(clusterDir);
  if (pid === null || !isAlive(pid)) return; // a stale file from a killed run: postgres replaces it
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // no /proc to tell a live postgres from a reused pid: let postgres decide
  }
  if (!commandLine.includes(clusterDir)) return;
  throw new Error(`PostgreSQL (pid ${pid}) from another run still serves ${clusterDir}; if nothing else uses it, stop it with: kill -INT ${pid}`);
}

async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  // SIGINT is PostgreSQL's fast shutdown (SIGTERM, what stopProcess sends, waits for clients to leave). As root the
  // group leader is runuser: it ignores SIGINT and exits only once the server has shut down.
  signalGroup(child, 'SIGINT');
  const stopped = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!stopped) await stopProcess(child, 5000);
}

function postmasterPid(clusterDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function runTool(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  try {
    return (await run(command, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`${[command, ...args].join(' ')} failed: ${stderr.slice(-2000) || String(error)}`);
  }
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms).unref());
}

function say(message: string): void {
  process.stderr.write(`[devstack] ${message}\n`);
}
