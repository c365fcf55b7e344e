// Scenario y: Dynamics 365 connections syncing through Dataverse's own faults (429 storms with Retry-After, tokens
// lapsing between pages, expired delta tokens, server errors) and worker SIGKILLs, checked against the sandbox's truth.
import { recordsOfFeed } from '../store/records';
import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../sandbox/dynamics/server';
import type { EntitySet } from '../sandbox/dynamics/tables';
import { sleep, type ChaosContext } from './context';
import type { ScenarioResult } from './report';
import { startChaosStack, type ChaosStack } from './stack';
import { emptyTally, settle, type Tally } from './verify';
import { HOURLY, requestSyncs, runsInFlight } from './workload';

export interface DynamicsFaultsParams {
  connections: number;
  environment: { contacts: number; accounts: number };
  /** Rounds of provider changes, each followed by syncs and one fault. */
  faults: number;
  /** Extra latency per sandbox answer, so a sync spans several faults. */
  pageDelayMs: number;
  settleTimeoutMs: number;
}

const INTEGRATION = 'dynamics-chaos';
const FAULTS = ['worker kill', '429 storm', 'token lapse between pages', 'delta tokens expired', 'server errors'] as const;
type Fault = (typeof FAULTS)[number];
const KEYS: Record<EntitySet, string> = { contacts: 'contactid', accounts: 'accountid' };

export async function dynamicsFaults(context: ChaosContext, params: DynamicsFaultsParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  // contoso tracks changes of both tables; fabrikam's accounts have none (the modifiedon fallback).
  const dynamics = await startDynamicsSandbox({ seed: context.rng.int(1, 1_000_000), environments: [{ name: 'contoso' }, { name: 'fabrikam', changeTracking: { accounts: false } }] });
  const stack = await startChaosStack(context, { name: 'chaos-dynamics' }).catch(async (error: unknown) => {
    await dynamics.close();
    throw error;
  });
  try {
    const environmentOf = new Map<string, DynamicsEnvironmentHandle>();
    for (const environment of dynamics.environments) {
      environment.seed('contacts', params.environment.contacts, { tieGroupSize: 7 });
      environment.seed('accounts', params.environment.accounts, { tieGroupSize: 7 });
    }
    if (params.pageDelayMs > 0) dynamics.faults.slowResponses({ delayMs: params.pageDelayMs });
    await stack.worker.start();
    const ids = await connectAll(stack, dynamics, params.connections, environmentOf);

    const injected = new Map<Fault, number>();
    for (let round = 1; round <= params.faults; round++) {
      // Users keep working while runs read (a full read's changes land in its next delta), and idle connections sync.
      const changed = dynamics.environments.map((environment) => changeRows(environment, context, 30));
      context.log(`  round ${round}: ${changed.map((c) => `${c.updated}/${c.created}/${c.deleted}`).join(' and ')} rows updated/created/deleted`);
      if ((await runsInFlight(stack, ids)) === 0) await requestSyncs(stack, ids, context.rng.chance(0.2) ? 'full' : 'incremental');
      await sleep(context.rng.int(500, 3000));
      const fault = FAULTS[context.rng.int(0, FAULTS.length - 1)];
      injected.set(fault, (injected.get(fault) ?? 0) + 1);
      await inject(fault, stack, dynamics, context);
      context.log(`  fault ${round}/${params.faults}: ${fault} (${await runsInFlight(stack, ids)} runs in flight)`);
    }

    dynamics.faults.clear();
    if (params.pageDelayMs > 0) dynamics.faults.slowResponses({ delayMs: params.pageDelayMs });
    await stack.worker.start();
    const settleProblems = await settle(stack, ids, { timeoutMs: params.settleTimeoutMs });
    const tally = await compareWithTruth(stack, ids, environmentOf);
    tally.problems.unshift(...settleProblems);
    return {
      scenario: 'y. Dynamics 365 faults',
      faults: `${params.faults} faults (${[...injected].map(([fault, n]) => `${n}× ${fault}`).join(', ')}), ${params.connections} connections × 2 tables over 2 environments`,
      tally,
      notes: [
        'fabrikam accounts have no change tracking: read by modifiedon, and (by design) no rows are deleted there, since only an hourly sweep finds deletes',
        ...stack.worker.unexpectedExits,
      ],
      seconds: (Date.now() - startedAt) / 1000,
    };
  } finally {
    await stack.close();
    await dynamics.close();
  }
}

/** Registers the sandbox as an integration and connects `dynamics-1…N`, alternating between its environments. */
async function connectAll(stack: ChaosStack, dynamics: DynamicsSandbox, connections: number, environmentOf: Map<string, DynamicsEnvironmentHandle>): Promise<string[]> {
  const created = await stack.api('POST', '/integrations', {
    key: INTEGRATION,
    provider: 'dynamics',
    clientId: '6f0a9c1e-8d2b-4e57-9a31-2c4d5e6f7a80',
    clientSecret: 'dynamics-sandbox-client-secret',
    authorizationUrl: `${dynamics.url}/${dynamics.tenantId}/oauth2/v2.0/authorize`,
    tokenUrl: `${dynamics.url}/${dynamics.tenantId}/oauth2/v2.0/token`,
  });
  if (created.status !== 201) throw new Error(`integration: ${created.status} ${JSON.stringify(created.body)}`);
  const ids: string[] = [];
  for (let i = 0; i < connections; i++) {
    const environment = dynamics.environments[i % dynamics.environments.length];
    const connectionId = `dynamics-${i + 1}`;
    const grant = dynamics.issueGrant({ environment: environment.name });
    const connected = await stack.api('POST', '/connections', {
      connectionId,
      integration: INTEGRATION,
      credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken },
      connectInputs: { environmentUrl: grant.environmentUrl },
      syncs: HOURLY,
    });
    if (connected.status !== 201) throw new Error(`connect ${connectionId}: ${connected.status} ${JSON.stringify(connected.body)}`);
    environmentOf.set(connectionId, environment);
    ids.push(connectionId);
  }
  return ids;
}

/** Users at work: updates (a bulk edit sharing one second), creates, and deletes where change tracking reports them. */
function changeRows(environment: DynamicsEnvironmentHandle, context: ChaosContext, count: number): { updated: number; created: number; deleted: number } {
  const done = { updated: 0, created: 0, deleted: 0 };
  for (const entitySet of ['contacts', 'accounts'] as const) {
    const tracked = !(environment.name === 'fabrikam' && entitySet === 'accounts');
    const live = environment.records(entitySet).map((row) => String(row[KEYS[entitySet]]));
    const n = Math.max(1, Math.round(count * (entitySet === 'contacts' ? 0.8 : 0.2)));
    const edited: string[] = [];
    for (let i = 0; i < n && live.length > 0; i++) {
      const id = live.splice(context.rng.int(0, live.length - 1), 1)[0];
      const roll = context.rng.next();
      if (roll < 0.6 || (!tracked && roll < 0.8)) edited.push(id);
      else if (roll < 0.8) {
        environment.delete(entitySet, id);
        done.deleted++;
      } else {
        environment.create(entitySet, entitySet === 'contacts' ? { lastname: `Chaos-${context.rng.int(1, 1_000_000)}` } : { name: `Chaos Inc ${context.rng.int(1, 1_000_000)}` });
        done.created++;
      }
    }
    const value = `Chaos ${context.rng.int(1, 1_000_000)}`;
    if (edited.length > 0) environment.updateMany(entitySet, edited, entitySet === 'contacts' ? { jobtitle: value } : { websiteurl: `https://${value.replace(' ', '-').toLowerCase()}.example` }, { tieGroupSize: 5 });
    done.updated += edited.length;
  }
  return done;
}

async function inject(fault: Fault, stack: ChaosStack, dynamics: DynamicsSandbox, context: ChaosContext): Promise<void> {
  switch (fault) {
    case 'worker kill':
      await stack.worker.kill();
      await sleep(context.rng.int(200, 2000));
      await stack.worker.start();
      return;
    case '429 storm':
      dynamics.faults.rateLimitStorm({ seconds: context.rng.int(2, 5), retryAfterSeconds: context.rng.int(1, 2), limit: context.rng.chance(0.7) ? 'requests' : 'concurrency' });
      return;
    case 'token lapse between pages':
      dynamics.faults.expiredTokenMidPaging({ afterPages: 1 });
      return;
    case 'delta tokens expired':
      dynamics.faults.expireDeltaTokens();
      return;
    case 'server errors':
      dynamics.faults.failNextRequests({ count: context.rng.int(1, 4) });
      return;
  }
}

/**
 * Every connection's stored rows against its environment's truth: missing, stored twice, wrong, or deleted but live.
 * Webhooks owed are checked by `settle`, which waits for each and reports any that never came.
 */
async function compareWithTruth(stack: ChaosStack, connectionIds: string[], environmentOf: Map<string, DynamicsEnvironmentHandle>): Promise<Tally> {
  const tally = emptyTally();
  for (const connectionId of connectionIds) {
    const environment = environmentOf.get(connectionId)!;
    for (const entitySet of ['contacts', 'accounts'] as const) {
      const where = `${connectionId} ${entitySet}`;
      const truth = new Map(environment.records(entitySet).map((row) => [String(row[KEYS[entitySet]]), row]));
      const incarnation = (await stack.store.connections.find(connectionId))?.incarnation;
      const docs = await stack.store.records.collection.find(recordsOfFeed({ connectionId, model: entitySet, incarnation }), { projection: { externalId: 1, data: 1, lastAction: 1 } }).toArray();
      tally.recordsExpected += truth.size;
      const live = new Map<string, Record<string, unknown>>();
      const seen = new Set<string>();
      for (const doc of docs) {
        if (seen.has(doc.externalId)) {
          tally.duplicated++;
          tally.problems.push(`${where}: ${doc.externalId} is stored twice`);
        }
        seen.add(doc.externalId);
        if (doc.lastAction === 'deleted') continue;
        live.set(doc.externalId, doc.data);
        tally.recordsStored++;
        if (!truth.has(doc.externalId)) {
          tally.wrong++;
          if (tally.wrong <= 5) tally.problems.push(`${where}: ${doc.externalId} is stored live but not in the environment (deleted there?)`);
        }
      }
      for (const [id, row] of truth) {
        const stored = live.get(id);
        if (!stored) {
          tally.missing++;
          if (tally.missing <= 5) tally.problems.push(`${where}: ${id} is missing`);
          continue;
        }
        const differing = ['modifiedon', entitySet === 'contacts' ? 'jobtitle' : 'websiteurl', entitySet === 'contacts' ? 'lastname' : 'name'].filter((column) => stored[column] !== row[column]);
        if (stored.etag !== row['@odata.etag']) differing.push('etag');
        if (differing.length > 0) {
          tally.wrong++;
          if (tally.wrong <= 5) tally.problems.push(`${where}: ${id} differs in ${differing.join(', ')}`);
        }
      }
    }
  }
  return tally;
}
