// `npm run replay:capture`: drives the real stack through every workflow state that matters and stores each state's
// history under test/replay/histories/<release>/, where the replay test replays them against later workflow code.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ensureTemporalBinary } from '../../devstack/binaries';
import { resolveMongo, type MongoServer } from '../../devstack/mongo-server';
import { startTemporal, type TemporalServer } from '../../devstack/temporal-server';
import { actionIdOf } from '../../api/use-cases/actions';
import { actionWorkflowId } from '../../contracts/action-messages';
import { reauthorizedSignal } from '../../workflows';
import { salesforceCatalog, shortRuleWaits } from '../integration/faults/fault-support';
import { waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { bundleWorkflows } from '../support/global-setup';
import { startTestStack, type TestStack } from '../support/test-stack';
import { hasCompletedWorkflowTask, HISTORIES_DIR, type HistoryFile } from '../../devstack/replay-corpus';
import { findSecrets } from './history-secrets';

const ROOT = join(__dirname, '..', '..');
const HOURLY = { frequency: '1h' };

/** The release whose code is running now: the git short sha, unless `--release NAME` says otherwise. */
function releaseId(argv: string[]): string {
  const flag = argv.indexOf('--release');
  if (flag >= 0) {
    const name = argv[flag + 1] ?? '';
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error('--release needs a name of letters, digits, ".", "_" or "-"');
    return name;
  }
  const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'contracts'], { cwd: ROOT, encoding: 'utf8' }).trim();
  // Histories of uncommitted workflow code belong to no release; name them so nobody mistakes them for one.
  return dirty ? `${sha}-uncommitted` : sha;
}

/**
 * Writes one state's history as `temporal workflow show --output json` prints it (the format every Temporal tool
 * reads); refuses, and writes nothing, if a secret of the stack appears anywhere in it.
 */
class Corpus {
  readonly written: string[] = [];
  constructor(
    private readonly dir: string,
    private readonly temporalAddress: string,
    private readonly secrets: () => Promise<string[]>,
  ) {}

  async capture(state: string, workflowId: string, runId?: string): Promise<void> {
    const cli = await ensureTemporalBinary();
    const args = ['workflow', 'show', '--address', this.temporalAddress, '--workflow-id', workflowId, '--output', 'json'];
    const show = async (): Promise<HistoryFile> => {
      const { stdout } = await promisify(execFile)(cli, [...args, ...(runId ? ['--run-id', runId] : [])], { maxBuffer: 64 * 1024 * 1024 });
      return { workflowId, events: (JSON.parse(stdout) as { events: unknown[] }).events };
    };
    // A run shown before its first workflow task completed (a run just continued as new) holds no command to replay.
    const file = await eventually(async () => {
      const shown = await show();
      return hasCompletedWorkflowTask(shown) ? shown : null;
    }, { what: `${state}: a completed workflow task in the history of ${workflowId}` });
    const leaks = findSecrets(file, await this.secrets());
    if (leaks.length > 0) throw new Error(`${state}: a secret appears in the history at ${leaks.slice(0, 3).join(', ')}; nothing written`);
    const path = join(this.dir, `${state}.json`);
    writeFileSync(path, `${JSON.stringify(file)}\n`);
    this.written.push(path);
    process.stdout.write(`  ${state}: ${file.events.length} events → ${relative(ROOT, path)}\n`);
  }
}

async function main(): Promise<void> {
  const release = releaseId(process.argv.slice(2));
  const dir = join(HISTORIES_DIR, release);
  const work = mkdtempSync(join(tmpdir(), 'tributary-replay-capture-'));
  const logDir = join(ROOT, '.data', 'replay-capture');
  process.stdout.write(`capturing the histories of release ${release} (logs in ${relative(ROOT, logDir)})\n`);

  // Servers of our own: a capture must not pick up another stack's workflows.
  delete process.env.MONGODB_URI;
  delete process.env.TEMPORAL_ADDRESS;
  let temporal: TemporalServer | null = null;
  let mongo: MongoServer | null = null;
  const stacks: TestStack[] = [];
  try {
    temporal = await startTemporal({ headless: true, dbFile: join(work, 'temporal.db'), logFile: join(logDir, 'temporal.log') });
    mongo = await resolveMongo({ logFile: join(logDir, 'mongo.log') });
    await bundleWorkflows();
    const services = { temporalAddress: temporal.address, mongoUri: mongo.uri, workflowIdPrefix: '' };
    const stack = await startTestStack({
      name: 'replay-capture',
      ...services,
      // Salesforce's rules with waits of seconds, and pages small enough that a run takes several.
      catalog: salesforceCatalog((api) => ({ pageSize: 200, errorRules: shortRuleWaits(api, 2000) })),
      // Short refresh rounds and notice time, so a connection goes degraded (and is announced) within seconds.
      workflow: { webhookRetryForMs: 600_000, refreshRetryForMs: 3000, degradedNoticeAfterMs: 4000 },
    });
    stacks.push(stack);
    // A threshold low enough that a first sync already continues as new.
    const longLived = await startTestStack({ name: 'replay-capture-can', ...services, workflow: { continueAsNewAfterEvents: 30 } });
    stacks.push(longLived);

    const seen = new Set<string>(['sandbox-client-secret', stack.secretKey, longLived.secretKey]);
    for (const s of stacks) {
      for (const [name, value] of Object.entries(s.workerEnv)) if (/SECRET|KEYS/.test(name)) seen.add(value.replace(/^k1:/, ''));
    }
    /** Every token a connection ever held: read before each capture, since refreshes replace them. */
    const rememberTokens = async (s: TestStack, connectionId: string) => {
      const { credentials } = await s.store.connections.readCredentials(connectionId);
      for (const token of [credentials.accessToken, credentials.refreshToken]) if (token) seen.add(token);
    };
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const corpus = new Corpus(dir, temporal.address, async () => [...seen]);

    for (const s of stacks) {
      s.sandbox.seed('Contact', 300);
      s.sandbox.seed('Account', 50);
    }
    await driveSyncs(stack, corpus, rememberTokens);
    await driveRateLimitedWait(stack, corpus, rememberTokens);
    await driveAuthErrorAndReconnect(stack, corpus, rememberTokens, seen);
    await driveWebhookRetries(stack, corpus);
    await driveDelete(stack, corpus, rememberTokens);
    await driveDegradedAndRecovered(stack, corpus, rememberTokens);
    await driveChangedByTheApp(stack, corpus, rememberTokens);
    await driveActions(stack, corpus, rememberTokens);
    await driveContinueAsNew(longLived, corpus, rememberTokens);
    process.stdout.write(`${corpus.written.length} histories written to ${relative(ROOT, dir)}; commit them with the release\n`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true }); // half a corpus would pass for a whole one
    throw error;
  } finally {
    for (const s of stacks) await s.close().catch(() => undefined);
    await Promise.allSettled([temporal?.stop(), mongo?.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

type RememberTokens = (stack: TestStack, connectionId: string) => Promise<void>;

/** First sync, then an incremental and a full resync of the same connection: three snapshots of one workflow. */
async function driveSyncs(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-syncs';
  await connect(stack, id, { contacts: HOURLY, accounts: HOURLY });
  await rememberTokens(stack, id);
  let last = await bothModelsFinished(stack, id, { contacts: null, accounts: null });
  await corpus.capture('first-sync', stack.workflowId(id));

  const contact = stack.sandbox.records('Contact')[0];
  stack.sandbox.update('Contact', contact.Id, { Title: 'Replay capture' });
  await requestSync(stack, id, 'incremental');
  last = await bothModelsFinished(stack, id, last);
  await corpus.capture('incremental-sync', stack.workflowId(id));

  await requestSync(stack, id, 'full');
  await bothModelsFinished(stack, id, last);
  await rememberTokens(stack, id);
  await corpus.capture('full-resync', stack.workflowId(id));
}

/** The provider's daily limit hit mid-sync: the workflow waits on a timer (status rate_limited), then finishes. */
async function driveRateLimitedWait(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-rate-limited';
  stack.sandbox.faults.rateLimitStorm({ seconds: 3, kind: 'daily' });
  await connect(stack, id, { contacts: HOURLY });
  const run = await waitForRunAfter(stack, id, 'contacts', null);
  stack.sandbox.faults.clear();
  const stored = await stack.store.runs.find(run.runId);
  if (run.status !== 'succeeded' || !stored?.rateLimitWaits) throw new Error(`rate-limited: expected a succeeded run after a wait, got ${JSON.stringify(run)}`);
  await rememberTokens(stack, id);
  await corpus.capture('rate-limited-wait', stack.workflowId(id));
}

/** The customer revokes the grant: parked in auth_error; then reconnects, as the connect flow does it. */
async function driveAuthErrorAndReconnect(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens, seen: Set<string>): Promise<void> {
  const id = 'replay-auth-error';
  await connect(stack, id, { contacts: HOURLY });
  const first = await waitForRunAfter(stack, id, 'contacts', null);
  await rememberTokens(stack, id);
  const { credentials } = await stack.store.connections.readCredentials(id);
  stack.sandbox.revokeGrant(credentials.refreshToken);
  await requestSync(stack, id, 'incremental');
  const failed = await waitForRunAfter(stack, id, 'contacts', first.runId);
  await eventually(async () => (await stack.api('GET', `/connections/${id}`)).body.status === 'auth_error', { what: `${id} to be parked in auth_error` });
  await corpus.capture('auth-error-parked', stack.workflowId(id));

  // What the connect flow does when the customer signs in again (api/use-cases/connect.ts, connectOrReauthorize).
  const grant = stack.sandbox.issueGrant();
  for (const token of [grant.accessToken, grant.refreshToken]) seen.add(token);
  const generation = await stack.store.connections.replaceCredentials(
    id,
    { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl },
    null,
  );
  await stack.temporal.workflow.getHandle(stack.workflowId(id)).signal(reauthorizedSignal, { generation });
  const resumed = await waitForRunAfter(stack, id, 'contacts', failed.runId);
  if (resumed.status !== 'succeeded') throw new Error(`auth-error: the run after reconnecting ended ${resumed.status}`);
  await corpus.capture('auth-error-reconnected', stack.workflowId(id));
}

/** The app's webhook endpoint fails, then recovers: the delivery workflow's retries, then its success. */
async function driveWebhookRetries(stack: TestStack, corpus: Corpus): Promise<void> {
  const id = 'replay-syncs';
  const before = (await stack.api('GET', `/connections/${id}`)).body.syncs.contacts.lastRun.runId as string;
  stack.receiver.failWith = 503;
  const contact = stack.sandbox.records('Contact')[1];
  stack.sandbox.update('Contact', contact.Id, { Title: 'Replay capture, webhook' });
  await requestSync(stack, id, 'incremental', ['contacts']);
  const run = await waitForRunAfter(stack, id, 'contacts', before);
  const delivery = stack.temporal.workflow.getHandle(`webhook:${run.runId}`);
  await eventually(async () => ((await delivery.describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 3, {
    timeoutMs: 60_000,
    what: 'the webhook delivery to fail twice',
  });
  stack.receiver.failWith = null;
  await delivery.result();
  await corpus.capture('webhook-retries', delivery.workflowId);
}

/** DELETE /connections/:id after a sync: the workflow is terminated. */
async function driveDelete(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-deleted';
  await connect(stack, id, { contacts: HOURLY });
  await waitForRunAfter(stack, id, 'contacts', null);
  await rememberTokens(stack, id);
  const deleted = await stack.api('DELETE', `/connections/${id}`);
  if (deleted.status >= 300) throw new Error(`delete: ${deleted.status} ${JSON.stringify(deleted.body)}`);
  const handle = stack.temporal.workflow.getHandle(stack.workflowId(id));
  await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', { what: `${id}'s workflow to end` });
  await corpus.capture('deleted', handle.workflowId);
}

/** The token endpoint fails for longer than a refresh round: degraded, announced, then recovered by itself. */
async function driveDegradedAndRecovered(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-degraded';
  await connect(stack, id, { contacts: HOURLY });
  const first = await waitForRunAfter(stack, id, 'contacts', null);
  await rememberTokens(stack, id);
  stack.sandbox.expireSessions();
  stack.sandbox.faults.tokenEndpointErrors({ count: 100_000, status: 503 });
  await requestSync(stack, id, 'incremental');
  await eventually(async () => (await stack.api('GET', `/connections/${id}`)).body.status === 'degraded', { what: `${id} to be degraded` });
  await stack.receiver.waitFor((received) => received.some((r) => (r.event as { connectionId?: string; success?: boolean }).connectionId === id && (r.event as { success?: boolean }).success === false));
  stack.sandbox.faults.clear();
  const run = await waitForRunAfter(stack, id, 'contacts', first.runId);
  if (run.status !== 'succeeded') throw new Error(`degraded: the run after recovery ended ${run.status}`);
  await rememberTokens(stack, id);
  await corpus.capture('degraded-recovered', stack.workflowId(id));
}

/** PATCH /connections/:id: a model enabled after creation, a frequency changed, paused and resumed, then deleted. */
async function driveChangedByTheApp(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-changed';
  await connect(stack, id, { contacts: HOURLY });
  const first = await waitForRunAfter(stack, id, 'contacts', null);
  const patch = async (body: unknown) => {
    const answer = await stack.api('PATCH', `/connections/${id}`, body);
    if (answer.status !== 200) throw new Error(`patch ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  await patch({ syncs: { accounts: { enabled: true, frequency: '1h' } } });
  await waitForRunAfter(stack, id, 'accounts', null);
  await patch({ syncs: { contacts: { frequency: '2h' } }, paused: true });
  await patch({ paused: false });
  await requestSync(stack, id, 'incremental', ['contacts']);
  await waitForRunAfter(stack, id, 'contacts', first.runId);
  await rememberTokens(stack, id);
  await corpus.capture('changed-by-the-app', stack.workflowId(id));
}

/**
 * Actions (write-back), each its own workflow: one that succeeds, one the provider refuses (422), and one that meets
 * Salesforce's concurrent-request limit, which names no wait, so the workflow sleeps a backoff timer and then writes.
 */
async function driveActions(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-actions';
  await connect(stack, id, { contacts: HOURLY });
  await waitForRunAfter(stack, id, 'contacts', null);
  await rememberTokens(stack, id);
  const act = async (state: string, action: string, body: unknown, outcome: 'succeeded' | 'failed', waited = false) => {
    const answer = await stack.api('POST', `/connections/${id}/actions/${action}`, body, { 'idempotency-key': `replay-${state}` });
    const actionId = answer.body?.actionId as string | undefined;
    if (!actionId) throw new Error(`${state}: ${answer.status} ${JSON.stringify(answer.body)}`);
    // The API answers once the outcome is stored; the workflow still reads it back and announces it: wait for its end.
    const handle = stack.temporal.workflow.getHandle(actionWorkflowId(actionId));
    await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', { timeoutMs: 60_000, what: `${state}: the action's workflow to end` });
    const stored = await stack.store.actions.get(actionId);
    if (stored.status !== outcome) throw new Error(`${state}: expected ${outcome}, got ${JSON.stringify(stored)}`);
    const timers = (await handle.fetchHistory()).events?.filter((event) => event.timerStartedEventAttributes).length ?? 0;
    if (waited !== timers > 0) throw new Error(`${state}: expected ${waited ? 'a' : 'no'} rate-limit timer, found ${timers}`);
    await rememberTokens(stack, id);
    await corpus.capture(state, handle.workflowId);
  };
  await act('action-succeeded', 'create-contact', { lastName: 'Replay', email: 'replay-action@example.com' }, 'succeeded');
  // An id Salesforce does not know: 404 NOT_FOUND, a refusal the action reports as provider_refused.
  await act('action-refused', 'update-contact', { id: '003000000000000AAA', title: 'Nobody' }, 'failed');
  stack.sandbox.faults.rateLimitStorm({ seconds: 2, kind: 'concurrent' });
  await act('action-rate-limited', 'create-account', { name: 'Replay Rate Limited' }, 'succeeded', true);
  stack.sandbox.faults.clear();
  await driveActionOfDeletedConnection(stack, corpus, rememberTokens);
}

/** The connection is deleted while its action waits out a rate limit: the action's workflow stops, failed, `Gone`. */
async function driveActionOfDeletedConnection(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-action-orphan';
  await connect(stack, id, { contacts: HOURLY });
  await waitForRunAfter(stack, id, 'contacts', null);
  await rememberTokens(stack, id);
  stack.sandbox.faults.rateLimitStorm({ seconds: 60, kind: 'daily' });
  const answering = stack.api('POST', `/connections/${id}/actions/create-contact`, { lastName: 'Orphan' }, { 'idempotency-key': 'replay-orphan' });
  const handle = stack.temporal.workflow.getHandle(actionWorkflowId(actionIdOf(id, 'replay-orphan')));
  await eventually(async () => (await handle.fetchHistory()).events?.some((event) => event.timerStartedEventAttributes), { what: 'the action to wait on a timer' });
  const deleted = await stack.api('DELETE', `/connections/${id}`);
  if (deleted.status !== 200) throw new Error(`delete ${id}: ${deleted.status} ${JSON.stringify(deleted.body)}`);
  stack.sandbox.faults.clear();
  await answering;
  await eventually(async () => (await handle.describe()).status.name === 'FAILED', { timeoutMs: 60_000, what: "the deleted connection's action to fail" });
  await corpus.capture('action-connection-deleted', handle.workflowId);
}

/** A low threshold: the first run continues as new; both the run that ended and the one that followed are kept. */
async function driveContinueAsNew(stack: TestStack, corpus: Corpus, rememberTokens: RememberTokens): Promise<void> {
  const id = 'replay-continue-as-new';
  await connect(stack, id, { contacts: HOURLY, accounts: HOURLY });
  const handle = stack.temporal.workflow.getHandle(stack.workflowId(id));
  const firstRunId = (await handle.describe()).runId;
  await bothModelsFinished(stack, id, { contacts: null, accounts: null });
  await requestSync(stack, id, 'incremental');
  await eventually(async () => (await handle.describe()).runId !== firstRunId, { what: `${id} to continue as new` });
  await eventually(async () => {
    const runs = await stack.store.runs.latestPerModel(id, ['contacts', 'accounts']);
    return Object.values(runs).every((run) => run?.status === 'succeeded') && (await handle.describe()).runId !== firstRunId;
  }, { what: `${id}'s runs to finish` });
  await rememberTokens(stack, id);
  await corpus.capture('continue-as-new-first-run', handle.workflowId, firstRunId);
  await corpus.capture('continue-as-new-next-run', handle.workflowId);
}

async function connect(stack: TestStack, connectionId: string, syncs: Record<string, { frequency: string }>): Promise<void> {
  const created = await stack.connectSalesforce(connectionId, syncs);
  if (created.status !== 201) throw new Error(`connect ${connectionId}: ${created.status} ${JSON.stringify(created.body)}`);
}

async function requestSync(stack: TestStack, connectionId: string, mode: 'incremental' | 'full', models?: string[]): Promise<void> {
  const answer = await stack.api('POST', `/connections/${connectionId}/sync`, { mode, ...(models ? { models } : {}) });
  if (answer.status !== 202) throw new Error(`sync ${connectionId}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Waits for a finished run of both models after the given ones; returns the new run ids. */
async function bothModelsFinished(stack: TestStack, connectionId: string, after: Record<string, string | null>): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [model, previous] of Object.entries(after)) {
    const run = await waitForRunAfter(stack, connectionId, model, previous);
    if (run.status !== 'succeeded') throw new Error(`${connectionId} ${model}: run ended ${run.status}`);
    ids[model] = run.runId;
  }
  return ids;
}

main().then(
  // The Temporal runtime's native threads would keep the process alive.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
