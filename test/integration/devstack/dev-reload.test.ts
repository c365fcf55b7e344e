// `npm run dev` reloads its worker when a sync file is saved, and refuses a workflow change the replay corpus does not
// replay, keeping the old worker. It runs a copy of the repository, so the test edits that copy, never the real sources.
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../support/eventually';

const ROOT = join(__dirname, '..', '..', '..');
/** What the copy leaves out: dependencies (linked instead), local data, history, and tests other than the replay corpus. */
const NOT_COPIED = new Set(['node_modules', '.data', '.git', 'test', 'docs', 'bench', 'chaos']);
/** What `npm run dev` printed, for a reader of a failure. */
const LOG_DIR = join(ROOT, '.data', 'test', 'logs');
const CONTACTS_SYNC = join('providers', 'salesforce', 'contacts.sync.ts');
const CONNECTION_WORKFLOW = join('workflows', 'connection-workflow.ts');
// Starting the stack bundles the workflows and starts three processes; a reload bundles and replays the corpus.
const STACK_MS = 240_000;

interface Run {
  runId: string;
  status: string;
  mode: string;
  fullReason: string | null;
}

describe('npm run dev reloads its worker on save', () => {
  let copy: string;
  let dev: ChildProcess;
  const output: string[] = [];
  let api: string;
  let key: string;
  let taskQueue: string;
  let log: WriteStream;

  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), 'tributary-dev-reload-'));
    copyRepository(copy);
    mkdirSync(join(copy, 'team-syncs'));
    const offset = await freePortOffset();
    api = `http://127.0.0.1:${3000 + offset}`;
    taskQueue = `dev-reload-${randomUUID().slice(0, 8)}`;
    mkdirSync(LOG_DIR, { recursive: true });
    log = createWriteStream(join(LOG_DIR, 'dev-reload.log'));
    dev = spawn(process.execPath, ['--import', 'tsx', 'devstack/dev.ts'], {
      cwd: copy,
      // The test stack's Temporal and database (jest's global setup) instead of new ones.
      env: {
        ...process.env,
        TRIBUTARY_DEV_PORT_OFFSET: String(offset),
        MONGODB_DB: `dev_reload_${randomUUID().slice(0, 8)}`,
        TRIBUTARY_TASK_QUEUE: taskQueue,
        // A team's own folder, outside the ones watched by default.
        TRIBUTARY_DEV_WATCH: 'team-syncs',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [dev.stdout, dev.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        output.push(...chunk.toString().split('\n').filter(Boolean));
      });
    }
    await untilPrinted(/saving a file there reloads the worker/, 0, STACK_MS);
    key = (JSON.parse(readFileSync(join(copy, '.data', 'dev-secrets.json'), 'utf8')) as { TRIBUTARY_SECRET_KEY: string }).TRIBUTARY_SECRET_KEY;
    await connectSandboxCustomer(offset);
  }, STACK_MS + 60_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      process.kill(-(dev.pid as number), 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
      clearTimeout(timer);
      try {
        process.kill(-(dev.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const stream of [dev?.stdout, dev?.stderr]) stream?.destroy();
    log?.end();
    rmSync(copy, { recursive: true, force: true });
  }, 90_000);

  it('runs a saved sync file from the next run on, and refuses an unpatched workflow change, the old worker serving on', async () => {
    const first = await nextSucceededRun(new Set());

    // A burst of saves (an editor writes twice) makes one reload: Tier__c joins the fields, and the version says so.
    const file = join(copy, CONTACTS_SYNC);
    const source = readFileSync(file, 'utf8');
    const edited = source.replace('version: 2,', 'version: 3,').replace("'CreatedDate', 'LastModifiedDate',\n", "'CreatedDate', 'LastModifiedDate', 'Tier__c',\n");
    expect(edited).not.toBe(source);
    const from = output.length;
    writeFileSync(file, edited.replace('version: 3,', 'version: 2,'));
    writeFileSync(file, edited);
    await untilPrinted(/reloaded: the worker runs the new code \(pid (\d+)/, from, STACK_MS);
    expect(output.slice(from).filter((line) => line.includes('changed: checking the workflow code'))).toEqual([
      expect.stringContaining(`${CONTACTS_SYNC} changed`),
    ]);

    const afterEdit = await nextSucceededRun(new Set([first.runId]), { trigger: true });
    expect(afterEdit.mode).toBe('full');
    expect(afterEdit.fullReason).toContain('version 2 → 3');
    const records = await apiGet<{ records: { data: Record<string, unknown> }[] }>('/records?connectionId=acme&model=contacts&limit=20');
    expect(records.records.length).toBeGreaterThan(0);
    expect(records.records.filter((record) => !('Tier__c' in record.data))).toEqual([]);

    // A save in the team's folder (TRIBUTARY_DEV_WATCH) reloads too.
    const beforeTeamSave = output.length;
    writeFileSync(join(copy, 'team-syncs', 'deals.sync.ts'), '// a team sync in the making\nexport {};\n');
    const teamReload = await untilPrinted(/reloaded: the worker runs the new code \(pid (\d+)/, beforeTeamSave, STACK_MS);
    expect(output.slice(beforeTeamSave).join('\n')).toContain(`${join('team-syncs', 'deals.sync.ts')} changed`);
    const workerPid = Number(teamReload[1]);

    // A timer before anything else: every stored connection history began with other commands.
    const bundleBefore = hashOf(join(copy, '.data', 'dev', 'workflow-bundle.js'));
    const workflowFile = join(copy, CONNECTION_WORKFLOW);
    const workflow = readFileSync(workflowFile, 'utf8');
    const unpatched = workflow
      .replace("import { allHandlersFinished, condition, ", "import { allHandlersFinished, condition, sleep, ")
      .replace('  registerHandlers(connection);\n', "  registerHandlers(connection);\n  await sleep('1 ms');\n");
    expect(unpatched).toContain("await sleep('1 ms')");
    const beforeWorkflowEdit = output.length;
    writeFileSync(workflowFile, unpatched);
    await untilPrinted(/reload refused/, beforeWorkflowEdit, STACK_MS);
    const refusal = output.slice(beforeWorkflowEdit).join('\n');
    expect(refusal).toMatch(/reload refused: \d+ of \d+ stored histories do not replay on the new workflow code \(checked in [\d.]+ s\); the worker keeps running the previous code/);
    expect(refusal).toMatch(/\[TMPRL1100\] Nondeterminism error/);
    expect(refusal).not.toContain('restarting the worker');
    expect(hashOf(join(copy, '.data', 'dev', 'workflow-bundle.js'))).toBe(bundleBefore);

    // The old worker serves on: it still polls, and a run completes on it.
    expect(await pollsTaskQueue(workerPid)).toBe(true);
    const afterRefusal = await nextSucceededRun(new Set([first.runId, afterEdit.runId]), { trigger: true });
    expect(afterRefusal.status).toBe('succeeded');
    expect(await pollsTaskQueue(workerPid)).toBe(true);
    expect(output.slice(beforeWorkflowEdit).filter((line) => line.includes('reloaded:'))).toEqual([]);
  }, 3 * STACK_MS);

  /** Resolves with the match once a line from `from` on matches; fails with the stack's last words if it stops. */
  async function untilPrinted(pattern: RegExp, from: number, timeoutMs: number): Promise<RegExpMatchArray> {
    try {
      return await eventually(
        () => {
          if (dev.exitCode !== null) throw new Error(`npm run dev exited with code ${dev.exitCode}`);
          for (const line of output.slice(from)) {
            const match = pattern.exec(line);
            if (match) return match;
          }
          return null;
        },
        { timeoutMs, intervalMs: 250, what: `a line matching ${pattern}` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nlast lines of npm run dev:\n${output.slice(-40).join('\n')}`);
    }
  }

  async function apiCall<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  function apiGet<T>(path: string): Promise<T> {
    return apiCall<T>('GET', path);
  }

  async function connectSandboxCustomer(offset: number): Promise<void> {
    const sandbox = `http://127.0.0.1:${4010 + offset}`;
    await apiCall('POST', '/integrations', {
      key: 'salesforce-sandbox',
      provider: 'salesforce',
      clientId: 'sandbox-client-id',
      clientSecret: 'sandbox-client-secret',
      authorizationUrl: `${sandbox}/services/oauth2/authorize`,
      tokenUrl: `${sandbox}/services/oauth2/token`,
    });
    const grant = (await (await fetch(`${sandbox}/__sandbox/grants`, { method: 'POST' })).json()) as { refreshToken: string };
    await apiCall('POST', '/connections', {
      connectionId: 'acme',
      integration: 'salesforce-sandbox',
      credentials: { refreshToken: grant.refreshToken },
      syncs: { contacts: { frequency: '1h' } },
    });
  }

  /** The first contacts run not in `seen` to succeed; with `trigger`, asks for one first. */
  async function nextSucceededRun(seen: Set<string>, { trigger = false } = {}): Promise<Run> {
    if (trigger) await apiCall('POST', '/connections/acme/sync', { models: ['contacts'] });
    return eventually(
      async () => {
        const { runs } = await apiGet<{ runs: Run[] }>('/connections/acme/runs?model=contacts');
        const fresh = runs.filter((run) => !seen.has(run.runId));
        const failed = fresh.find((run) => run.status === 'failed');
        if (failed) throw new Error(`run ${failed.runId} failed`);
        return fresh.find((run) => run.status === 'succeeded') ?? null;
      },
      { timeoutMs: STACK_MS, what: 'a contacts run to succeed' },
    );
  }

  async function pollsTaskQueue(pid: number): Promise<boolean> {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    try {
      const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue } });
      return pollers.some((poller) => poller.identity?.startsWith(`${pid}@`));
    } finally {
      await connection.close();
    }
  }
});

/** The repository's code and the replay corpus, with node_modules linked: what `npm run dev` needs to run from it. */
function copyRepository(to: string): void {
  cpSync(ROOT, to, {
    recursive: true,
    filter: (source) => {
      const inside = source.slice(ROOT.length + 1).split('/');
      return !NOT_COPIED.has(inside[0]) || (inside[0] === 'test' && (inside.length === 1 || inside[1] === 'replay'));
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

/** An offset at which the ports `npm run dev` binds itself (API, worker status, sandbox, webhooks) are free now. */
async function freePortOffset(): Promise<number> {
  for (;;) {
    const offset = 10_000 + Math.floor(Math.random() * 28_000);
    const ports = [3000, 3001, 4010, 4020].map((port) => port + offset);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return offset;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function hashOf(file: string): string {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'missing';
}
