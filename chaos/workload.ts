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

export async function runsInFlight(stack: TestStack): Promise<number> {
  return stack.store.runs.collection.countDocuments({ status: 'running' });
}

/** Pages stored so far by the runs in flight: a scenario injects its fault once syncs are really under way. */
export async function pagesInFlight(stack: TestStack): Promise<number> {
  const runs = await stack.store.runs.collection.find({ status: 'running' }, { projection: { pages: 1 } }).toArray();
  return runs.reduce((sum, run) => sum + run.pages, 0);
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
