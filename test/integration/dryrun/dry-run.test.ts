// `npm run dryrun` on the real stack: it reads what a real run would store and what that would change, leaves every
// collection byte-identical, gets expired credentials renewed by the connection's workflow (never itself), runs a sync
// file the catalog does not list, saves a recording with no secret in it that replays offline, and refuses paused and
// auth_error connections with their reason. The CLI runs as a child process where the entry point itself matters.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, type Db } from 'mongodb';
import { ConnectionWorkflows } from '../../../api/connection-workflows';
import { FreshCredentials } from '../../../api/fresh-credentials';
import { DEFAULT_PROXY_SETTINGS } from '../../../api/use-cases/proxy';
import { providerCatalog } from '../../../providers/catalog';
import { contactsSync } from '../../../providers/salesforce/contacts.sync';
import { salesforce } from '../../../providers/salesforce/salesforce.provider';
import { runSyncOffline } from '../../../sync';
import { dryRun, type DryRunReport, type DryRunRequest } from '../../../devtools/dryrun/dry-run';
import { DryRunRefusedError } from '../../../devtools/dryrun/dry-run-errors';
import { storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const ROOT = join(__dirname, '..', '..', '..');
const OPPORTUNITIES_SYNC = 'test/integration/custom-sync/opportunities.sync.ts';

describe('a dry run', () => {
  let stack: TestStack;
  let workflowIdPrefix: string;
  let fresh: FreshCredentials;
  let tmp: string;
  let lastRunId: string;

  const request = (extra: Partial<DryRunRequest> = {}): DryRunRequest => ({ integration: 'salesforce-sandbox', model: 'contacts', connectionId: 'acme', ...extra });
  /** In process, with the test stack's store and Temporal; `pageSize` as the catalog of a worker configured so. */
  const dryRunHere = (extra: Partial<DryRunRequest> = {}, pageSize?: number) => {
    const catalog = providerCatalog.withUrlPolicy({ allowLoopback: true });
    return dryRun(
      { store: stack.store, catalog: pageSize ? catalog.withApi('salesforce', () => ({ pageSize })) : catalog, freshCredentials: async () => fresh },
      request(extra),
    );
  };

  /** `npm run dryrun`'s own entry point, configured as the stack's worker is. */
  function dryRunCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH ?? '', ...stack.workerEnv, TRIBUTARY_WORKFLOW_ID_PREFIX: workflowIdPrefix };
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'devtools/dryrun/main.ts', ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  /** Every collection of the test's database, each document in its exact stored form, in _id order. */
  async function snapshot(db: Db): Promise<Record<string, string>> {
    const collections = (await db.listCollections().toArray()).map((c) => c.name).sort();
    const documents = await Promise.all(collections.map(async (name) => BSON.EJSON.stringify(await db.collection(name).find().sort({ _id: 1 }).toArray(), { relaxed: false })));
    return Object.fromEntries(collections.map((name, index) => [name, documents[index]]));
  }

  /** Once background writes (webhook deliveries, run bookkeeping) have settled: two snapshots a second apart agree. */
  async function quietSnapshot(): Promise<Record<string, string>> {
    let previous = await snapshot(stack.database.db);
    return eventually(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const current = await snapshot(stack.database.db);
        const same = JSON.stringify(current) === JSON.stringify(previous);
        previous = current;
        return same ? current : null;
      },
      { timeoutMs: 30_000, what: 'the database to stop changing' },
    );
  }

  const historyLength = async (connectionId: string) => (await stack.temporal.workflow.getHandle(stack.workflowId(connectionId)).describe()).historyLength;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'dryrun' });
    workflowIdPrefix = stack.workflowId('x').slice(0, -'connection:x'.length);
    fresh = new FreshCredentials(stack.store, new ConnectionWorkflows(stack.temporal, stack.taskQueue, DEFAULT_WORKFLOW_SETTINGS, workflowIdPrefix), DEFAULT_PROXY_SETTINGS);
    tmp = mkdtempSync(join(tmpdir(), 'dryrun-test-'));
    stack.sandbox.seed('Account', 10);
    stack.sandbox.seed('Contact', 450);
    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    lastRunId = (await waitForRunAfter(stack, 'acme', 'contacts', null)).runId;
    await stack.receiver.waitFor((received) => received.some((r) => r.event.type === 'sync'));
  });
  afterAll(async () => {
    await stack?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows what the next run stores and changes, writes nothing, and the real run then stores exactly that', async () => {
    const [changed, deleted] = stack.sandbox.records('Contact');
    stack.sandbox.update('Contact', changed.Id, { Title: 'Chief Dry-Run Officer' });
    stack.sandbox.delete('Contact', deleted.Id);
    const created = stack.sandbox.create('Contact', { LastName: 'Newcomer', Email: 'newcomer@example.com' });
    const before = await quietSnapshot();
    const historyBefore = await historyLength('acme');

    const cli = await dryRunCli(['salesforce-sandbox', 'contacts', '--connection', 'acme', '--json']);
    expect(cli).toMatchObject({ code: 0 });
    const report = JSON.parse(cli.stdout) as DryRunReport;

    expect(await snapshot(stack.database.db)).toEqual(before);
    // Not even a signal: the connection's workflow heard nothing of it.
    expect(await historyLength('acme')).toBe(historyBefore);
    expect(report).toMatchObject({ stopped: 'end', error: null, credentialRefreshes: 0, run: { mode: 'incremental', startsFrom: "the last run's cursor", lookbackMs: 10_000 } });
    expect(report.changes).toMatchObject({ added: [created.Id], updated: [changed.Id], deleted: [deleted.Id] });
    expect(report.records.find((record) => record.externalId === changed.Id)?.data).toMatchObject({ Title: 'Chief Dry-Run Officer' });
    expect(report.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'GET 200']);

    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, 'acme', 'contacts', lastRunId);
    lastRunId = run.runId;
    expect(run).toMatchObject({ status: 'succeeded', added: 1, updated: 1, deleted: 1 });
    const stored = await stack.store.records.collection.find({ connectionId: 'acme', model: 'contacts', lastChangeRunId: run.runId }).toArray();
    const idsBy = (action: string) => stored.filter((doc) => doc.lastAction === action).map((doc) => doc.externalId);
    expect({ added: idsBy('added'), updated: idsBy('updated'), deleted: idsBy('deleted') }).toEqual({ added: report.changes.added, updated: report.changes.updated, deleted: report.changes.deleted });
    const live = await storedLiveRecords(stack, 'acme', 'contacts');
    for (const record of report.records) expect(live.get(record.externalId)).toEqual(record.data);
  });

  it('reads everything in a full dry run, page by page, and names the records a completed full resync would mark deleted', async () => {
    const [gone] = stack.sandbox.records('Contact');
    stack.sandbox.delete('Contact', gone.Id);
    // Out of the recycle bin too: only a full resync that does not see it any more can tell it is gone.
    stack.sandbox.purgeRecycleBin();

    const report = await dryRunHere({ full: true }, 200);

    expect(report.pages.length).toBeGreaterThan(2);
    expect(report.run).toMatchObject({ mode: 'full', fullReason: 'requested', checkpoint: null, lookbackMs: 0 });
    const live = await storedLiveRecords(stack, 'acme', 'contacts');
    live.delete(gone.Id);
    expect(new Map(report.records.map((record) => [record.externalId, record.data]))).toEqual(live);
    expect(report.changes).toMatchObject({ added: [], updated: [], deleted: [gone.Id], unseenChecked: true });
    expect(report.changes.unchanged).toHaveLength(live.size);
  });

  it('stops at --limit with pages no larger, and then says nothing about records it did not reach', async () => {
    const report = await dryRunHere({ full: true, limit: 5 }, 200);

    expect(report.stopped).toBe('limit');
    expect(report.pages).toHaveLength(1);
    expect(report.run.pageSize).toBe(5);
    expect(report.changes).toMatchObject({ deleted: [], unseenChecked: false });
  });

  it('gets expired credentials renewed by the connection’s workflow: one refresh at the provider, none of its own', async () => {
    const refreshes = () => stack.sandbox.stats().requests['token.refresh_token'] ?? 0;
    const before = refreshes();
    const { generation } = await stack.store.connections.readCredentials('acme');
    stack.sandbox.expireSessions();

    const report = await dryRunHere();

    expect(report).toMatchObject({ stopped: 'end', error: null, credentialRefreshes: 1 });
    expect(report.requests[0].status).toBe(401);
    expect(refreshes() - before).toBe(1);
    expect((await stack.store.connections.readCredentials('acme')).generation).toBe(generation + 1);
    // The refresh was the workflow's: it was signalled, and its refresh activity ran.
    const history = await stack.temporal.workflow.getHandle(stack.workflowId('acme')).fetchHistory();
    const events = history.events ?? [];
    const signalled = events.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'credentialsExpired');
    const refreshed = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'refreshCredentials');
    expect(signalled).toHaveLength(1);
    expect(refreshed.length).toBeGreaterThanOrEqual(1);
    expect(Number(refreshed.at(-1)?.eventId)).toBeGreaterThan(Number(signalled[0].eventId));
  });

  it('waits out a rate limit as the engine would and lists the wait; one longer than --max-wait fails it (exit 1), saying so', async () => {
    stack.sandbox.faults.rateLimitStorm({ seconds: 1, kind: 'concurrent' });
    const waited = await dryRunHere();
    expect(waited).toMatchObject({ stopped: 'end', error: null });
    expect(waited.rateLimitWaits[0]).toEqual({ reason: expect.stringContaining('concurrent request limit reached'), waitMs: expect.any(Number) });
    expect(waited.requests.map((request) => request.status)).toContain(403);

    // Through the CLI: a sync that fails is an exit code, with the report of what it did.
    stack.sandbox.faults.rateLimitStorm({ seconds: 30, kind: 'daily' });
    const cli = await dryRunCli(['salesforce-sandbox', 'contacts', '--connection', 'acme', '--json', '--max-wait', '60']);
    stack.sandbox.faults.clear();
    expect(cli.code).toBe(1);
    const refused = JSON.parse(cli.stdout) as DryRunReport;
    expect(refused).toMatchObject({ stopped: 'error', rateLimitWaits: [], error: { kind: 'rate_limited', message: expect.stringMatching(/API request limit reached.*asks to wait 900 s, more than --max-wait 60 s allows$/) } });
  });

  it('runs a sync file the catalog does not list (--sync)', async () => {
    const opportunities = stack.sandbox.seed('Opportunity', 7);

    const cli = await dryRunCli(['salesforce-sandbox', 'opportunities', '--connection', 'acme', '--sync', OPPORTUNITIES_SYNC]);

    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`sync     ${OPPORTUNITIES_SYNC}, version 1`);
    expect(cli.stdout).toMatch(/Records the store would receive: 7 \(the first 3 in full\)/);
    expect(cli.stdout).toMatch(/ added +7 /);
    for (const id of opportunities) expect(cli.stdout).toContain(id);
    expect(cli.stdout).toContain('Done in');
    expect(await stack.store.records.collection.countDocuments({ model: 'opportunities' })).toBe(0);
  });

  it('saves a recording with no token, secret or host in it, which replays offline page by page', async () => {
    const file = join(tmp, 'contacts.recording.json');
    const { credentials } = await stack.store.connections.readCredentials('acme');

    const report = await dryRunHere({ full: true, limit: 300, save: file }, 200);

    expect(report).toMatchObject({ stopped: 'limit', error: null, recording: { file } });
    const text = readFileSync(file, 'utf8');
    for (const secret of [credentials.accessToken as string, credentials.refreshToken, 'sandbox-client-secret', new URL(stack.sandbox.url).host]) {
      expect(text).not.toContain(secret);
    }
    const offline = await runSyncOffline(contactsSync, file, { errorRules: salesforce.api.errorRules });
    expect(offline.pages).toHaveLength(2);
    expect(offline.records).toEqual(report.records);
    // The resume from the middle checkpoint was recorded too: a new query, as a resumed run makes.
    expect((await offline.resumeFrom(0)).pages).toEqual(offline.pages.slice(1));
  });

  it('refuses to save a recording a secret would remain in, and writes nothing', async () => {
    const file = join(tmp, 'leaky.recording.json');
    const { credentials } = await stack.store.connections.readCredentials('acme');
    const leaky = stack.sandbox.create('Contact', { LastName: 'Leaky', Title: credentials.accessToken });

    const report = await dryRunHere({ save: file });

    expect(report.stopped).toBe('error');
    expect(report.error?.message).toMatch(/the recording would contain the access token at exchanges\[\d+\]\.response\.body\.records\[\d+\]\.Title/);
    expect(JSON.stringify(report.error)).not.toContain(credentials.accessToken);
    expect(existsSync(file)).toBe(false);
    stack.sandbox.delete('Contact', leaky.Id);
  });

  it('refuses, before any request, what it cannot run as asked', async () => {
    await expect(dryRunHere({ connectionId: 'nobody' })).rejects.toThrow(new DryRunRefusedError('connection "nobody" does not exist'));
    await expect(dryRunHere({ integration: 'hubspot-sandbox' })).rejects.toThrow(new DryRunRefusedError('connection "acme" belongs to integration "salesforce-sandbox", not "hubspot-sandbox"'));
    await expect(dryRunHere({ model: 'opportunities' })).rejects.toThrow(/^Salesforce has no model "opportunities" in the catalog \(it has contacts, accounts\); for a sync file not listed yet, add --sync <file>$/);
    await expect(dryRunHere({ model: 'opportunities', syncFile: OPPORTUNITIES_SYNC, fields: ['Probability'] })).rejects.toThrow(
      new DryRunRefusedError('--fields: the opportunities sync reads a fixed set of fields (it declares no `fields`), so none can be added'),
    );
    await expect(dryRunHere({ model: 'leads', syncFile: OPPORTUNITIES_SYNC })).rejects.toThrow(new DryRunRefusedError(`--sync ${OPPORTUNITIES_SYNC} defines "opportunities", not "leads"`));
  });

  it('refuses a paused connection and one in auth_error, each with its reason, before reading anything', async () => {
    const dataRequests = () => Object.entries(stack.sandbox.stats().requests).filter(([kind]) => ['describe', 'query', 'queryAll', 'queryMore'].includes(kind)).reduce((sum, [, count]) => sum + count, 0);
    expect((await stack.api('PATCH', '/connections/acme', { paused: true })).status).toBe(200);
    let before = dataRequests();
    await expect(dryRunHere()).rejects.toThrow(new DryRunRefusedError('connection "acme" is paused: the app paused it, so it neither syncs nor renews its credentials; resume it (PATCH /connections/acme {"paused": false}) to dry-run it'));
    expect(dataRequests()).toBe(before);
    expect((await stack.api('PATCH', '/connections/acme', { paused: false })).status).toBe(200);

    expect((await stack.connectSalesforce('revoked', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'revoked', 'contacts', null);
    const { credentials } = await stack.store.connections.readCredentials('revoked');
    stack.sandbox.revokeGrant(credentials.refreshToken);
    stack.sandbox.expireSessions();
    expect((await stack.api('POST', '/connections/revoked/sync', { models: ['contacts'] })).status).toBe(202);
    await eventually(async () => (await stack.store.connections.get('revoked')).status === 'auth_error', { what: 'revoked to park in auth_error' });

    before = dataRequests();
    const cli = await dryRunCli(['salesforce-sandbox', 'contacts', '--connection', 'revoked']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^dry run refused: connection "revoked" is in auth_error \(.+\): its credentials are no longer accepted and only the customer can renew them/m);
    expect(cli.stdout).toBe('');
    expect(dataRequests()).toBe(before);
  });
});

const DEFAULT_WORKFLOW_SETTINGS = { heartbeatTimeoutMs: 60_000, sliceTimeoutMs: 900_000, refreshRetryForMs: 600_000, webhookRetryForMs: 86_400_000, continueAsNewAfterEvents: 10_000 };
