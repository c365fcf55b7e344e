// `npm run dev`: the whole product on this machine in one command: Temporal (with UI), a Mongo-wire database,
// the sandbox Salesforce and the other providers' sandboxes, the worker, the API and a webhook receiver; a saved sync
// reloads the worker; Ctrl-C stops it all.
import { Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { apiConfigOf, apiEnvironment } from '../api/config';
import { watchConsole } from '../console/build';
import { workerConfigOf, workerEnvironment } from '../worker/config';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';
import { DEV_SANDBOXES } from './dev-sandboxes';
import { DEV_PORTS } from './dev-stack-address';
import { startDevWebhookReceiver, type DevWebhookReceiver } from './webhook-receiver';
import { resolveMongo, type MongoServer } from './mongo-server';
import { signalGroup, spawnLogged, stopProcess, waitUntil } from './processes';
import { painter, readableLog, wantsColour } from './readable-log';
import { shortReplayMessage } from './replay-corpus';
import { watchSources } from './source-watcher';
import { resolveTemporal, type TemporalServer } from './temporal-server';
import { checkWorkflowCode, type WorkflowCheckResult } from './workflow-check';

const ROOT = resolve(__dirname, '..');
const DATA_DIR = join(ROOT, '.data');
const LOG_DIR = join(DATA_DIR, 'logs');
const SECRETS_FILE = join(DATA_DIR, 'dev-secrets.json');
// Children run as `node --import tsx`, not under the tsx launcher: the launcher SIGKILLs a child that does not
// acknowledge a signal within ~60 ms, so a busy worker would be killed instead of drained on shutdown.
const TSX_LOADER = join(ROOT, 'node_modules', 'tsx');

const PORTS = DEV_PORTS;
const API_URL = `http://127.0.0.1:${PORTS.api}`;
// The worker's status server: its probes and its sync metrics (records, runs, provider requests) in dev as in production.
const WORKER_STATUS_URL = `http://127.0.0.1:${PORTS.worker}`;
const SANDBOX_URL = `http://127.0.0.1:${PORTS.sandbox}`;
const NAMESPACE = 'default';

const ENTRY_FILES = [
  { path: 'sandbox/main.ts', what: 'the sandbox Salesforce' },
  { path: 'worker/main.ts', what: 'the worker' },
  { path: 'api/main.ts', what: 'the API' },
];
const LOG_TAIL_LINES = 25;
/** The folders whose code the worker runs; TRIBUTARY_DEV_WATCH adds a team's own (comma-separated, from the repo root). */
const WATCHED_FOLDERS = ['providers', 'sync', 'sync-engine', 'activities', 'workflows', 'contracts'];
/** The bundle the worker loads: the workflow code exactly as checked, never bundled again by the worker itself. */
const WORKFLOW_BUNDLE = join(DATA_DIR, 'dev', 'workflow-bundle.js');
const REFUSAL_LINES_SHOWN = 3;
const COLOUR = wantsColour();
const paint = painter(COLOUR);

interface RunningChild {
  name: string;
  process: ChildProcess;
  logFile: string;
  recentLines: string[];
  stopRequested: boolean;
  /** Resolves once the process exited and its output was read to the end. */
  closed: Promise<void>;
}

interface Service {
  name: string;
  stop(): Promise<void>;
}

class DevStack {
  private readonly services: Service[] = [];
  private readonly children: RunningChild[] = [];
  private readonly pendingServices: Promise<unknown>[] = [];
  private stopping: Promise<void> | null = null;
  private worker: RunningChild | null = null;
  /** The workflow code the running connections' histories come from: a reload is checked against it. */
  private acceptedBundleHash: string | null = null;
  private workerEnv: Record<string, string> = {};
  private temporalAddress = '';
  private taskQueue = '';
  /** The worker's own shutdown grace (running slices checkpoint within it), and time to close after. */
  private workerStopGraceMs = 30_000;
  private reloading: Promise<void> | null = null;
  /** Files saved while a reload was under way: one more reload once it ends. */
  private savedDuringReload = new Set<string>();

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  async start(): Promise<void> {
    checkEntryFiles();
    await checkPortsFree();

    const { secrets, created } = loadOrCreateDevSecrets(SECRETS_FILE);
    say(created ? `generated dev secrets in ${relative(ROOT, SECRETS_FILE)} (kept for later runs)` : `using dev secrets from ${relative(ROOT, SECRETS_FILE)}`);

    // The API serves console/dist; an edit under console/src shows at the next reload.
    let consoleBuilds = 0;
    const stopWatchingConsole = await watchConsole(() => say(consoleBuilds++ === 0 ? 'console built (rebuilt on every change under console/src)' : 'console rebuilt'));
    this.services.unshift({ name: 'console watcher', stop: stopWatchingConsole });

    say('starting Temporal and the database (on a new machine they are first built with Go: a few minutes, once)');
    const [temporal, mongo] = await this.startServices();
    if (this.isStopping) return;
    say(`Temporal at ${temporal.address}${temporal.uiUrl ? `, UI ${temporal.uiUrl}` : ' (external)'}; database: ${mongo.kind} at ${redactUri(mongo.uri)}`);

    const receiver = await startDevWebhookReceiver({
      port: PORTS.webhooks,
      secret: secrets.TRIBUTARY_WEBHOOK_SECRET,
      print: (line) => process.stdout.write(`${paint('dim', '[webhook]'.padEnd(9))} ${line.replace(/^webhook /, '')}\n`),
    });
    this.services.unshift({ name: 'webhook receiver', stop: () => receiver.close() });

    const sandbox = this.spawnChild('sandbox', 'sandbox/main.ts', {
      SANDBOX_PORT: String(PORTS.sandbox),
      SANDBOX_SEED_CONTACTS: '200',
      SANDBOX_SEED_ACCOUNTS: '50',
      SANDBOX_AUTO_CONSENT: 'true',
    });
    if (!sandbox) return;
    await waitUntil(() => answers(`${SANDBOX_URL}/__sandbox/stats`), { timeoutMs: 60_000, what: 'sandbox Salesforce', child: sandbox.process });
    for (const offered of DEV_SANDBOXES) {
      const child = this.spawnChild(offered.name, offered.entry, offered.env);
      if (!child) return;
      await waitUntil(() => answers(offered.readyUrl), { timeoutMs: 60_000, what: offered.title, child: child.process });
    }

    // Parsed here, over this shell's environment, so a bad setting stops dev with the process's own message.
    const shared = productSettings(temporal, mongo);
    // The stored keys are in the variable's own format: they are read as the processes read them.
    const environment = { ...process.env, TRIBUTARY_ENCRYPTION_KEYS: secrets.TRIBUTARY_ENCRYPTION_KEYS };
    const workerConfig = workerConfigOf(
      { ...shared, TRIBUTARY_WEBHOOK_URL: receiver.url, TRIBUTARY_WEBHOOK_SECRET: secrets.TRIBUTARY_WEBHOOK_SECRET, TRIBUTARY_WORKER_STATUS_PORT: PORTS.worker },
      environment,
    );
    const apiConfig = apiConfigOf({ ...shared, TRIBUTARY_SECRET_KEY: secrets.TRIBUTARY_SECRET_KEY, TRIBUTARY_PUBLIC_URL: API_URL, PORT: PORTS.api }, environment);
    const api = this.spawnChild('api', 'api/main.ts', apiEnvironment(apiConfig));
    if (!api) return;
    const apiReady = waitUntil(() => answers(`${API_URL}/healthz`), { timeoutMs: 90_000, what: 'API', child: api.process });
    // Bundled here rather than by the worker, so that a reload can compare the code it would run with this.
    const bundle = await checkWorkflowCode({ bundlePath: WORKFLOW_BUNDLE, runningHash: null });
    if (bundle.outcome !== 'bundled') throw new Error(`the workflows do not build: ${refusalReason(bundle)}`);
    this.acceptedBundleHash = bundle.hash;
    this.workerEnv = workerEnvironment({ ...workerConfig, TRIBUTARY_WORKFLOW_BUNDLE: WORKFLOW_BUNDLE });
    this.temporalAddress = temporal.address;
    this.taskQueue = workerConfig.TRIBUTARY_TASK_QUEUE;
    this.workerStopGraceMs = (workerConfig.TRIBUTARY_WORKER_SHUTDOWN_GRACE_SECONDS + 10) * 1000;
    const worker = this.spawnChild('worker', 'worker/main.ts', this.workerEnv);
    if (!worker) return;
    // A poller on the task queue with the worker's pid means it is really ready (and not an earlier run's poller).
    await Promise.all([apiReady, this.untilPolling(worker, 180_000)]);
    if (this.isStopping) return;
    this.worker = worker;
    printReadyBox(temporal, receiver, secrets);
    this.watchForSaves();
  }

  private watchForSaves(): void {
    const extra = (process.env.TRIBUTARY_DEV_WATCH ?? '').split(',').map((folder) => folder.trim()).filter(Boolean);
    const folders = [...WATCHED_FOLDERS.map((folder) => join(ROOT, folder)), ...extra.map((folder) => (isAbsolute(folder) ? folder : resolve(ROOT, folder)))];
    const missing = folders.filter((folder) => !existsSync(folder));
    if (missing.length > 0) say(`TRIBUTARY_DEV_WATCH: ${missing.join(', ')} does not exist; not watched`);
    const watcher = watchSources({ folders, onChange: (files) => this.reloadWorker(files) });
    this.services.unshift({ name: 'file watcher', stop: async () => watcher.close() });
    say(`watching ${folders.filter((folder) => existsSync(folder)).map(shortPath).join(', ')}: saving a file there reloads the worker`);
  }

  /** One reload at a time; saves during one make one more after it, with all their files. */
  private reloadWorker(files: string[]): void {
    if (this.isStopping) return;
    if (this.reloading) {
      for (const file of files) this.savedDuringReload.add(file);
      return;
    }
    this.reloading = this.reload(files)
      .catch((error: unknown) => say(paint('red', `reload failed: ${errorText(error)}`)))
      .finally(() => {
        this.reloading = null;
        const next = [...this.savedDuringReload].sort();
        this.savedDuringReload.clear();
        if (next.length > 0) this.reloadWorker(next);
      });
  }

  /**
   * Checks the workflow code first: a change that stored histories do not replay is refused, and the worker keeps
   * running the code it has. Otherwise the worker is stopped as a deploy stops it (SIGTERM: running slices checkpoint
   * and hand back, within TRIBUTARY_WORKER_SHUTDOWN_GRACE_SECONDS) and started again on the new code.
   */
  private async reload(files: string[]): Promise<void> {
    const changed = describeFiles(files);
    say(`${changed} changed: checking the workflow code`);
    const check = await checkWorkflowCode({ bundlePath: WORKFLOW_BUNDLE, runningHash: this.acceptedBundleHash });
    if (this.isStopping) return;
    if (check.outcome !== 'bundled') {
      printRefusal(changed, check, this.worker !== null);
      return;
    }
    this.acceptedBundleHash = check.hash;
    const replayed = check.replayed > 0 ? `the ${check.replayed} stored histories replay on the new workflow code` : 'the workflow code did not change';
    say(`${replayed} (checked in ${seconds(check.ms)}); restarting the worker (it finishes or hands back what it runs first)`);
    const startedAt = Date.now();
    const old = this.worker;
    this.worker = null;
    if (old) await this.stopChild(old);
    if (this.isStopping) return;
    const next = this.spawnChild('worker', 'worker/main.ts', this.workerEnv, { stackDiesWithIt: false });
    if (!next) return;
    await this.untilPolling(next, 180_000);
    if (this.isStopping) return;
    this.worker = next;
    say(paint('green', `reloaded: the worker runs the new code (pid ${next.process.pid}, restarted in ${seconds(Date.now() - startedAt)})`));
  }

  private untilPolling(worker: RunningChild, timeoutMs: number): Promise<void> {
    const pid = worker.process.pid as number;
    return waitUntil(() => workerIsPolling(this.temporalAddress, this.taskQueue, pid), { timeoutMs, what: 'worker', child: worker.process });
  }

  /** As the stack's shutdown stops it, with the time the worker takes to drain before it is killed. */
  private async stopChild(child: RunningChild): Promise<void> {
    child.stopRequested = true;
    await stopProcess(child.process, this.workerStopGraceMs);
    signalGroup(child.process, 'SIGKILL');
    await withTimeout(child.closed, 5000);
    this.forget(child);
  }

  private forget(child: RunningChild): void {
    const index = this.children.indexOf(child);
    if (index >= 0) this.children.splice(index, 1);
  }

  /** Idempotent: the first reason wins and decides the exit code. */
  shutdown(exitCode: number, reason: string): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      say(`${reason}; stopping everything`);
      for (const child of this.children) child.stopRequested = true;
      await Promise.all(
        this.children.map(async (child) => {
          await stopProcess(child.process);
          // The group may outlive its leader (tsx runs node as a child); make sure nothing of it is left.
          signalGroup(child.process, 'SIGKILL');
          await withTimeout(child.closed, 5000);
        }),
      );
      // A service still starting (e.g. Temporal waiting for readiness) can only be stopped once it is up.
      await Promise.allSettled(this.pendingServices);
      for (const service of this.services) {
        await service.stop().catch((error: unknown) => say(`${service.name} did not stop cleanly: ${errorText(error)}`));
      }
      say('stopped');
      process.exit(exitCode);
    })();
    return this.stopping;
  }

  private async startServices(): Promise<[TemporalServer, MongoServer]> {
    const temporal = this.register('Temporal', resolveTemporal({
      dbFile: join(DATA_DIR, 'temporal', 'dev.db'),
      port: PORTS.temporal,
      uiPort: PORTS.temporalUi,
      logFile: join(LOG_DIR, 'temporal.log'),
    }));
    const mongo = this.register('database', resolveMongo({ dataDir: join(DATA_DIR, 'mongo'), port: PORTS.mongo, logFile: join(LOG_DIR, 'mongo.log') }));
    // Settle both before failing, so the one that did start is registered and gets stopped.
    const [t, m] = await Promise.allSettled([temporal, mongo]);
    if (t.status === 'rejected') throw new Error(`Temporal did not start: ${errorText(t.reason)} (log: ${relative(ROOT, join(LOG_DIR, 'temporal.log'))})`);
    if (m.status === 'rejected') throw new Error(`the database did not start: ${errorText(m.reason)} (log: ${relative(ROOT, join(LOG_DIR, 'mongo.log'))})`);
    return [t.value, m.value];
  }

  private register<T extends { stop(): Promise<void> }>(name: string, starting: Promise<T>): Promise<T> {
    const registered = starting.then((server) => {
      this.services.push({ name, stop: () => server.stop() });
      return server;
    });
    this.pendingServices.push(registered);
    return registered;
  }

  /**
   * `stackDiesWithIt: false` for a worker a reload started: when the code just saved does not start, the stack stays
   * up and says so, and the next save tries again.
   */
  private spawnChild(name: string, entry: string, env: Record<string, string>, { stackDiesWithIt = true } = {}): RunningChild | null {
    if (this.isStopping) return null;
    const logFile = join(LOG_DIR, `${name}.log`);
    const readable = readableLog({ colour: COLOUR });
    const child = spawnLogged(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      logFile,
      consolePrefix: paint('dim', `[${name}]`.padEnd(9)),
      consoleLine: (line) => readable.format(line),
    });
    const running: RunningChild = { name, process: child, logFile, recentLines: [], stopRequested: false, closed: Promise.resolve() };
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        running.recentLines.push(...chunk.toString().split('\n').filter(Boolean));
        running.recentLines.splice(0, Math.max(0, running.recentLines.length - LOG_TAIL_LINES));
      });
    }
    let diedUnasked = false;
    child.once('exit', () => {
      diedUnasked = !running.stopRequested;
    });
    // 'close' comes after the last output was read, so the report shows the process's final words.
    running.closed = new Promise<void>((resolveClosed) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (diedUnasked) {
          reportDeath(running, code, signal);
          if (stackDiesWithIt) void this.shutdown(1, `${name} died`);
          else if (!this.isStopping) {
            this.forget(running);
            if (this.worker === running) this.worker = null;
            say(paint('yellow', `no ${name} is running: fix the error and save again`));
          }
        }
        resolveClosed();
      });
    });
    this.children.push(running);
    return running;
  }
}

/** What the API and the worker of the development stack share; the rest is this shell's environment or defaults. */
function productSettings(temporal: TemporalServer, mongo: MongoServer) {
  return {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    MONGODB_URI: mongo.uri,
    MONGODB_DB: process.env.MONGODB_DB ?? 'tributary',
    // The development stack's providers are sandboxes on http://127.0.0.1.
    TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: true,
  };
}

function checkEntryFiles(): void {
  const missing = ENTRY_FILES.filter((entry) => !existsSync(join(ROOT, entry.path)));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.map((entry) => `${entry.path} (${entry.what})`).join(', ')}`);
  }
  if (!existsSync(TSX_LOADER)) throw new Error(`${relative(ROOT, TSX_LOADER)} is missing; run npm ci first`);
}

/** A clear message now beats a child dying later with EADDRINUSE buried in its log. */
async function checkPortsFree(): Promise<void> {
  const wanted: [string, number][] = [
    ['API', PORTS.api],
    ['sandbox Salesforce', PORTS.sandbox],
    ['webhook receiver', PORTS.webhooks],
  ];
  if (!process.env.TEMPORAL_ADDRESS) wanted.push(['Temporal', PORTS.temporal], ['Temporal UI', PORTS.temporalUi]);
  if (!process.env.MONGODB_URI) wanted.push(['database', PORTS.mongo]);
  const busy: string[] = [];
  for (const [what, port] of wanted) {
    if (!(await portIsFree(port))) busy.push(`${port} (${what})`);
  }
  for (const offered of DEV_SANDBOXES) {
    for (const { host, port } of offered.ports) if (!(await portIsFree(port, host))) busy.push(`${port} (${offered.title} on ${host})`);
  }
  if (busy.length > 0) {
    throw new Error(`already in use: port ${busy.join(', ')}. Is another \`npm run dev\` running? (lsof -i :${busy[0].split(' ')[0]} shows who)`);
  }
}

function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, host, () => server.close(() => resolvePort(true)));
  });
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.ok;
}

/** Pollers of an earlier worker linger in the server's memory for a while: only this pid's count (`<pid>@<host>`). */
async function workerIsPolling(address: string, taskQueue: string, pid: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: NAMESPACE, taskQueue: { name: taskQueue } });
    return pollers.some((poller) => poller.identity?.startsWith(`${pid}@`));
  } finally {
    await connection.close();
  }
}

/** Why a reload was refused, in a line: the first of the SDK's words for a nondeterminism error, or the build error. */
function refusalReason(check: Exclude<WorkflowCheckResult, { outcome: 'bundled' }>): string {
  if (check.outcome === 'unbundlable') return check.message.split('\n')[0];
  return `${check.failures.length} of ${check.histories} stored histories do not replay: ${shortReplayMessage(check.failures[0].message)}`;
}

function printRefusal(changed: string, check: Exclude<WorkflowCheckResult, { outcome: 'bundled' }>, workerRunning: boolean): void {
  const keeps = workerRunning ? 'the worker keeps running the previous code' : 'no worker is running';
  if (check.outcome === 'unbundlable') {
    say(paint('red', `reload refused: the workflows do not build (${changed}); ${keeps}`));
    for (const line of check.message.split('\n').slice(0, 10)) say(`  ${line}`);
    return;
  }
  say(paint('red', `reload refused: ${check.failures.length} of ${check.histories} stored histories do not replay on the new workflow code (checked in ${seconds(check.ms)}); ${keeps}`));
  for (const failure of check.failures.slice(0, REFUSAL_LINES_SHOWN)) say(`  ${failure.file} (${failure.workflowId}): ${shortReplayMessage(failure.message)}`);
  if (check.failures.length > REFUSAL_LINES_SHOWN) say(`  … and ${check.failures.length - REFUSAL_LINES_SHOWN} more (npx jest test/replay lists them all)`);
  say(`A running connection would fail the same way. Put the change behind patched('<id>') (docs/releasing-workflow-changes.md), or undo it, and save again.`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function describeFiles(files: string[]): string {
  const names = files.map(shortPath);
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

function shortPath(path: string): string {
  const inside = relative(ROOT, path);
  return inside.startsWith(`..${sep}`) || isAbsolute(inside) ? path : inside;
}

function reportDeath(child: RunningChild, code: number | null, signal: NodeJS.Signals | null): void {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const rule = '!'.repeat(72);
  const lines = [
    rule,
    `!! ${child.name.toUpperCase()} STOPPED UNEXPECTEDLY: it ${how}`,
    `!! last lines of ${relative(ROOT, child.logFile)}:`,
    ...(child.recentLines.length > 0 ? child.recentLines.map((line) => `!!   ${line}`) : ['!!   (no output)']),
    rule,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

function printReadyBox(temporal: TemporalServer, receiver: DevWebhookReceiver, secrets: DevSecrets): void {
  const key = secrets.TRIBUTARY_SECRET_KEY;
  const lines = [
    'Tributary is running. Ctrl-C stops everything.',
    '',
    `API                 ${API_URL}  (metrics: /metrics)`,
    `Console             ${API_URL}/console  (sign in with the secret key)`,
    `Worker metrics      ${WORKER_STATUS_URL}/metrics`,
    `Temporal UI         ${temporal.uiUrl ?? `(external Temporal at ${temporal.address})`}`,
    `Sandbox Salesforce  ${SANDBOX_URL}  (stats: /__sandbox/stats)`,
    ...DEV_SANDBOXES.map((offered) => `${offered.title.padEnd(19)} ${offered.summary}`),
    `Webhook receiver    ${receiver.url}  (GET: last 100)`,
    '',
    `Secret key          ${key}`,
    `                    stored in ${relative(ROOT, SECRETS_FILE)} (owner-only)`,
    `Logs                ${relative(ROOT, LOG_DIR)}/<service>.log`,
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const box = [`┌${'─'.repeat(width + 2)}┐`, ...lines.map((line) => `│ ${line.padEnd(width)} │`), `└${'─'.repeat(width + 2)}┘`];
  // Outside the box, so the command can be copied without the borders.
  const firstCall = [
    'Try it: register the sandbox Salesforce as an integration, then list integrations.',
    '',
    `  curl -s -X POST ${API_URL}/integrations \\`,
    `    -H 'Authorization: Bearer ${key}' \\`,
    "    -H 'Content-Type: application/json' \\",
    `    -d '{"key": "salesforce-sandbox", "provider": "salesforce",`,
    '         "clientId": "sandbox-client-id", "clientSecret": "sandbox-client-secret",',
    `         "authorizationUrl": "${SANDBOX_URL}/services/oauth2/authorize",`,
    `         "tokenUrl": "${SANDBOX_URL}/services/oauth2/token"}'`,
    '',
    `  curl -s ${API_URL}/integrations -H 'Authorization: Bearer ${key}'`,
    ...DEV_SANDBOXES.flatMap((offered) => [
      '',
      `${offered.title}: register it the same way with`,
      `  -d '${JSON.stringify(offered.integration)}'`,
    ]),
  ];
  process.stdout.write(`\n${box.join('\n')}\n\n${firstCall.join('\n')}\n\n`);
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolveTimeout) => (timer = setTimeout(resolveTimeout, ms)))]);
  clearTimeout(timer);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function say(message: string): void {
  process.stdout.write(`${paint('dim', '[dev]'.padEnd(9))} ${message}\n`);
}

function main(): void {
  const stack = new DevStack();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stack.isStopping) say(`already stopping (each process gets 10 s before it is killed)`);
      else void stack.shutdown(0, `received ${signal}`);
    });
  }
  // The children run in their own process groups and would outlive a crash of this process: stop them first.
  process.on('uncaughtException', (error) => void stack.shutdown(1, `unexpected error: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (error) => void stack.shutdown(1, `unexpected error: ${errorText(error)}`));
  stack.start().catch((error: unknown) => {
    void stack.shutdown(1, `could not start: ${errorText(error)}`);
  });
}

main();
