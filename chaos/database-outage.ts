// Scenario c: stop the database server (FerretDB alone, its PostgreSQL keeps running) in the middle of syncs, keep
// it down for a while, start it again on the same port and data.
import { sleep, type ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack } from './stack';
import { waitForPages } from './temporal-restart';
import { startSyncing, type OrgSize } from './workload';

export interface DatabaseOutageParams {
  connections: number;
  org: OrgSize;
  downForMs: number;
  pageDelayMs: number;
  settleTimeoutMs: number;
}

export async function databaseOutage(context: ChaosContext, params: DatabaseOutageParams): Promise<ScenarioResult> {
  const mongo = context.services.mongo;
  if (!mongo?.outage) throw new Error('scenario c needs a database server of its own (npm run chaos starts one)');
  const startedAt = Date.now();
  const stack = await startChaosStack(context, { name: 'chaos-database' });
  try {
    const ids = await startSyncing(stack, { prefix: 'database', ...params });
    const pages = await waitForPages(stack, 2);
    await mongo.outage.begin();
    context.log(`  ${mongo.kind} stopped after ${pages} pages of the runs in flight`);
    await sleep(params.downForMs);
    await mongo.outage.end();
    context.log(`  ${mongo.kind} started again`);
    return await conclude(stack, ids, {
      scenario: 'c. database stopped',
      faults: `${mongo.kind === 'ferretdb-postgresql' ? 'FerretDB (PostgreSQL kept running)' : mongo.kind} stopped for ${Math.round(params.downForMs / 1000)} s mid-sync, then started on the same port and data; ${params.connections} connections × 2 models`,
      notes: [],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
  } finally {
    await stack.close();
  }
}
