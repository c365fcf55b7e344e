// The work a scenario gives Tributary: an org to sync, changes at the provider, and sync requests.
import type { Random } from '../sandbox/common/random';
import type { SalesforceObject, SalesforceSandbox } from '../sandbox/salesforce/server';
import type { TestStack } from '../test/support/test-stack';
import type { ChaosStack } from './stack';

/** The models every scenario syncs and the sandbox objects they mirror. */
export const MODEL_OBJECTS: Record<string, SalesforceObject> = { contacts: 'Contact', accounts: 'Account' };
export const MODELS = Object.keys(MODEL_OBJECTS);
export const HOURLY = Object.fromEntries(MODELS.map((model) => [model, { frequency: '1h' }]));

export interface OrgSize {
  contacts: number;
  accounts: number;
}

export function seedOrg(sandbox: SalesforceSandbox, size: OrgSize): void {
  sandbox.seed('Contact', size.contacts);
  sandbox.seed('Account', size.accounts);
}

/** Updates, deletes and creates about `count` records across both objects, as users at the provider would. */
export function changeRecords(sandbox: SalesforceSandbox, rng: Random, count: number): { updated: number; deleted: number; created: number } {
  const done = { updated: 0, deleted: 0, created: 0 };
  for (const object of ['Contact', 'Account'] as const) {
    const live = sandbox.records(object);
    const share = object === 'Contact' ? 0.8 : 0.2;
    const n = Math.max(1, Math.round(count * share));
    for (let i = 0; i < n && live.length > 0; i++) {
      const record = live.splice(rng.int(0, live.length - 1), 1)[0];
      const roll = rng.next();
      if (roll < 0.6) {
        sandbox.update(object, record.Id, object === 'Contact' ? { Title: `Chaos ${rng.int(1, 1_000_000)}` } : { Industry: `Chaos ${rng.int(1, 1_000_000)}` });
        done.updated++;
      } else if (roll < 0.8) {
        sandbox.delete(object, record.Id);
        done.deleted++;
      } else {
        sandbox.create(object, object === 'Contact' ? { LastName: `Chaos-${rng.int(1, 1_000_000)}` } : { Name: `Chaos Inc ${rng.int(1, 1_000_000)}` });
        done.created++;
      }
    }
  }
  return done;
}

/** POST /connections/:id/sync for each; false for any that was not accepted (e.g. the API could not reach Temporal). */
export async function requestSyncs(stack: TestStack, connectionIds: string[], mode: 'incremental' | 'full' = 'incremental'): Promise<boolean> {
  const answers = await Promise.all(connectionIds.map((id) => stack.api('POST', `/connections/${id}/sync`, { mode }).catch(() => ({ status: 0 }))));
  return answers.every((answer) => answer.status === 202);
}

export async function runsInFlight(stack: TestStack, connectionIds?: string[]): Promise<number> {
  return stack.store.runs.collection.countDocuments({ status: 'running', ...(connectionIds ? { connectionId: { $in: connectionIds } } : {}) });
}

/** A run a fault can land in: it has stored pages and certainly has more to read. */
export interface RunUnderWay {
  runId: string;
  connectionId: string;
  model: string;
  pages: number;
  recordsRead: number;
  /** Live records at the provider: a run that reads everything reads at least this many. */
  recordsAtProvider: number;
  /** The sandbox's page delay while the fault is injected (restore the scenario's own with `release`). */
  holdMs: number;
}

/**
 * Page delay while a scenario waits to inject its fault: the run found under way is then busy reading its next page
 * for this long, far longer than injecting a fault takes. Below the chaos stack's heartbeat timeout (5 s), because a
 * slice does not heartbeat while a request is out.
 */
export const HOLD_MS = 2500;

/**
 * Waits until one of `connectionIds` has a run that has stored `pages` pages and certainly has more to read: a full
 * read (first sync or full resync) that has read fewer records than the provider holds live. Pages are slowed to
 * HOLD_MS meanwhile, so the fault lands in that run whatever the machine's speed; if every run ends first (a small or
 * fast sync), a full resync is asked for and the wait goes on. The caller restores the scenario's page delay once
 * the fault is in. Replaces counting pages of whatever runs were in flight, which a sync that finished before the
 * first look never reached.
 */
export async function waitForSyncUnderWay(stack: TestStack, connectionIds: string[], { pages = 1, timeoutMs = 180_000 } = {}): Promise<RunUnderWay> {
  stack.sandbox.faults.slowResponses({ delayMs: HOLD_MS });
  const deadline = Date.now() + timeoutMs;
  let resyncs = 0;
  for (;;) {
    const running = await stack.store.runs.collection
      .find({ connectionId: { $in: connectionIds }, status: 'running' }, { projection: { connectionId: 1, model: 1, pages: 1, recordsRead: 1, startCursor: 1 } })
      .toArray();
    for (const run of running) {
      const object = MODEL_OBJECTS[run.model];
      const recordsAtProvider = object ? stack.sandbox.records(object).length : 0;
      if (run.startCursor === null && run.pages >= pages && run.recordsRead < recordsAtProvider) {
        return { runId: run._id, connectionId: run.connectionId, model: run.model, pages: run.pages, recordsRead: run.recordsRead, recordsAtProvider, holdMs: HOLD_MS };
      }
    }
    if (running.length === 0 && (await requestSyncs(stack, connectionIds, 'full'))) resyncs++;
    if (Date.now() > deadline) {
      const now = running.map((run) => `${run.connectionId} ${run.model} ${run.startCursor === null ? 'full' : 'incremental'} read at ${run.recordsRead} records`);
      throw new Error(`no full read of ${connectionIds.join(', ')} had stored ${pages} page(s) with more to read within ${timeoutMs / 1000} s (${resyncs} full resyncs asked for; running: ${now.join(', ') || 'none'})`);
    }
    await new Promise((resolve) => setTimeout(resolve, running.length === 0 ? 1000 : 100));
  }
}

/**
 * Whether the run was still under way when the fault was in place (it ended after `faultAt`, or has not ended), in
 * words for the report. A miss is reported as a problem by the scenario: it would have proved nothing.
 */
export async function landedMidRun(stack: TestStack, run: RunUnderWay, faultAt: Date): Promise<{ landed: boolean; text: string }> {
  const now = await stack.store.runs.find(run.runId);
  const landed = now !== null && (now.finishedAt === null || now.finishedAt > faultAt);
  const where = `the ${run.model} run ${run.runId.split(':').at(-1)?.slice(0, 8)} at page ${run.pages + 1} (${run.recordsRead} of ${run.recordsAtProvider} records read)`;
  return { landed, text: landed ? `the fault landed in ${where}` : `the fault missed ${where}: it had ended before` };
}

/** Seeds the org, slows its pages down, starts the worker and connects `<prefix>-1…N`: every model starts syncing. */
export async function startSyncing(
  stack: ChaosStack,
  { prefix, connections, org, pageDelayMs }: { prefix: string; connections: number; org: OrgSize; pageDelayMs: number },
): Promise<string[]> {
  const ids = Array.from({ length: connections }, (_, i) => `${prefix}-${i + 1}`);
  seedOrg(stack.sandbox, org);
  if (pageDelayMs > 0) stack.sandbox.faults.slowResponses({ delayMs: pageDelayMs });
  await stack.worker.start();
  await stack.connectAll(ids, HOURLY);
  return ids;
}
