// Scenario z: a Zoho CRM org of the EU data centre synced through worker kills, expired tokens, concurrency and credit
// storms and expired page tokens, while its users change records; then compared with the Zoho sandbox's truth.
import type { Random } from '../sandbox/common/random';
import { startZohoSandbox, type ModuleName, type ZohoOrgHandle, type ZohoSandbox } from '../sandbox/zoho/server';
import { ZOHO_DATA_CENTRES, zohoConnector } from '../test/support/zoho-stack';
import { conclude } from './conclude';
import { sleep, type ChaosContext } from './context';
import type { ScenarioResult } from './report';
import { startChaosStack, type ChaosStack } from './stack';
import type { TruthOf } from './verify';
import { HOLD_MS, HOURLY, requestSyncs, runsInFlight, type OrgSize } from './workload';

export interface ZohoFaultsParams {
  connections: number;
  org: OrgSize;
  /** Faults, one after another, each landing in a run that is between pages. */
  faults: number;
  /** Extra latency per sandbox call, so a sync spans several faults. */
  pageDelayMs: number;
  settleTimeoutMs: number;
}

/** The EU org: every call must reach its data centre, not the US one the integration's URLs name. */
const ORG = 'nordlicht';
const MODULES: Record<string, ModuleName> = { contacts: 'Contacts', accounts: 'Accounts' };

type FaultKind = 'worker kill' | 'tokens expired' | 'concurrency storm' | 'credits storm' | 'page tokens expired';
const FAULT_CYCLE: FaultKind[] = ['worker kill', 'tokens expired', 'concurrency storm', 'worker kill', 'credits storm', 'page tokens expired'];

export async function zohoFaults(context: ChaosContext, params: ZohoFaultsParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const zoho = await startZohoSandbox({ dataCentres: ZOHO_DATA_CENTRES });
  let stack: ChaosStack | null = null;
  try {
    stack = await startChaosStack(context, { name: 'chaos-zoho' });
    const org = zoho.org(ORG);
    org.seed('Accounts', params.org.accounts, { tieGroupSize: 5 });
    org.seed('Contacts', params.org.contacts, { tieGroupSize: 7 });
    zoho.faults.slowResponses({ delayMs: params.pageDelayMs });
    await stack.worker.start();
    const connector = zohoConnector(stack, zoho);
    const ids = Array.from({ length: params.connections }, (_, i) => `zoho-${i + 1}`);
    for (const id of ids) {
      const created = await connector.connectZoho(id, { org: ORG, syncs: HOURLY });
      if (created.status !== 201) throw new Error(`connect ${id}: ${created.status} ${JSON.stringify(created.body)}`);
    }

    const counts = new Map<FaultKind, number>();
    const missed: string[] = [];
    let changes = 0;
    let resyncs = 0;
    for (let n = 0; n < params.faults; n++) {
      // The org's users do not wait for syncs: changes land mid-run too, and more syncs are asked for once idle.
      changeZohoRecords(org, context.rng, 30);
      changes++;
      if ((await runsInFlight(stack, ids)) === 0) {
        await requestSyncs(stack, ids, context.rng.chance(0.25) ? 'full' : 'incremental');
        resyncs++;
      }
      const kind = FAULT_CYCLE[n % FAULT_CYCLE.length];
      const underWay = await waitForZohoRunBetweenPages(stack, zoho, ids);
      await inject(kind, stack, zoho);
      zoho.faults.slowResponses({ delayMs: params.pageDelayMs });
      const run = await stack.store.runs.find(underWay);
      const landed = run !== null && run.finishedAt === null;
      if (!landed) missed.push(`the ${kind} missed run ${underWay}: it had ended before`);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      context.log(`  ${kind} ${n + 1}/${params.faults} (${landed ? 'landed in a run between pages' : 'MISSED'})`);
      if (kind === 'worker kill') await stack.worker.start();
    }

    zoho.faults.clear();
    const stats = zoho.stats();
    const result = await conclude(
      stack,
      ids,
      {
        scenario: 'z. Zoho CRM (EU) under faults',
        faults: `${[...counts].map(([kind, count]) => `${count} ${kind}`).join(', ')}; ${params.connections} connections × 2 modules, ${changes} rounds of about 30 changes at the provider (during runs too), ${resyncs} sync requests while idle`,
        notes: [
          `sandbox calls delayed ${params.pageDelayMs} ms (${HOLD_MS} ms while a fault waited for a run between pages); refusals: ${JSON.stringify(stats.refusals)}`,
          'accounts are updated and created, not deleted: a deleted account empties its contacts\' Account_Name lookups without moving their Modified_Time, which no incremental read of Zoho can see',
        ],
        startedAt,
        settleTimeoutMs: params.settleTimeoutMs,
      },
      zohoTruth(org),
    );
    const usCalls = Object.values(zoho.stats().requestsByDataCentre.us ?? {}).reduce((sum, count) => sum + count, 0);
    if (usCalls > 0) result.tally.problems.push(`${usCalls} call(s) went to the US data centre, not the org's EU one`);
    result.tally.problems.push(...missed);
    return result;
  } finally {
    await stack?.close();
    await zoho.close();
  }
}

async function inject(kind: FaultKind, stack: ChaosStack, zoho: ZohoSandbox): Promise<void> {
  switch (kind) {
    case 'worker kill':
      return stack.worker.kill();
    case 'tokens expired':
      return zoho.expireSessions();
    case 'concurrency storm':
      return zoho.faults.rateLimitStorm({ seconds: 4, limit: 'concurrency' });
    case 'credits storm':
      return zoho.faults.rateLimitStorm({ seconds: 4, limit: 'credits' });
    case 'page tokens expired':
      return zoho.faults.expirePageTokens();
  }
}

/**
 * Waits for a run that has just stored another page, so it is reading the next (calls held at HOLD_MS meanwhile, so
 * the fault lands before it ends): a run left "running" by a killed worker stores nothing and is not taken. Asks for
 * full resyncs while nothing runs. Returns the run's id.
 */
async function waitForZohoRunBetweenPages(stack: ChaosStack, zoho: ZohoSandbox, ids: string[], timeoutMs = 180_000): Promise<string> {
  zoho.faults.slowResponses({ delayMs: HOLD_MS });
  const deadline = Date.now() + timeoutMs;
  const pagesSeen = new Map<string, number>();
  for (;;) {
    const running = await stack.store.runs.collection
      .find({ connectionId: { $in: ids }, status: 'running' }, { projection: { _id: 1, pages: 1 } })
      .toArray();
    for (const run of running) {
      const before = pagesSeen.get(run._id);
      if (before !== undefined && run.pages > before) return run._id;
      pagesSeen.set(run._id, run.pages);
    }
    if (running.length === 0) await requestSyncs(stack, ids, 'full');
    if (Date.now() > deadline) throw new Error(`no run of ${ids.join(', ')} stored a page within ${timeoutMs / 1000} s`);
    await sleep(running.length === 0 ? 1000 : 100);
  }
}

/** Updates, deletes (to the recycle bin or past it) and creates about `count` records, as the org's users would. */
function changeZohoRecords(org: ZohoOrgHandle, rng: Random, count: number): void {
  const contacts = org.records('Contacts');
  for (let i = 0; i < Math.round(count * 0.8) && contacts.length > 0; i++) {
    const id = String(contacts.splice(rng.int(0, contacts.length - 1), 1)[0].id);
    const roll = rng.next();
    if (roll < 0.5) org.update('Contacts', id, { Title: `Chaos ${rng.int(1, 1_000_000)}` });
    else if (roll < 0.8) org.delete('Contacts', id, { permanent: rng.chance(0.3) });
    else org.create('Contacts', { Last_Name: `Chaos-${rng.int(1, 1_000_000)}` });
  }
  const accounts = org.records('Accounts');
  for (let i = 0; i < Math.round(count * 0.2) && accounts.length > 0; i++) {
    if (rng.chance(0.7)) org.update('Accounts', String(accounts[rng.int(0, accounts.length - 1)].id), { Industry: `Chaos ${rng.int(1, 1_000_000)}` });
    else org.create('Accounts', { Account_Name: `Chaos Inc ${rng.int(1, 1_000_000)}` });
  }
}

/** The org's records, live and deleted (recycle bin and permanent), as the comparison reads them. */
function zohoTruth(org: ZohoOrgHandle): TruthOf {
  return (_connectionId, model) => {
    const module = MODULES[model];
    const truth = new Map(org.records(module).map((record) => [String(record.id), { deleted: false, values: record }]));
    for (const gone of org.deleted(module)) truth.set(gone.id, { deleted: true, values: {} });
    return truth;
  };
}
