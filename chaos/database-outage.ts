// Scenario c: stop the database server (FerretDB alone, its PostgreSQL keeps running) in the middle of syncs, keep
// it down for a while, start it again on the same port and data.
import { sleep, type ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack } from './stack';
import { landedMidRun, startSyncing, waitForSyncUnderWay, type OrgSize } from './workload';

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
    const underWay = await waitForSyncUnderWay(stack, ids);
    const downAt = new Date();
    await mongo.outage.begin();
    stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
    context.log(`  ${mongo.kind} stopped while the ${underWay.model} run read page ${underWay.pages + 1}`);
    await sleep(params.downForMs);
    await mongo.outage.end();
    context.log(`  ${mongo.kind} started again`);
    const landing = await landedMidRun(stack, underWay, downAt);
    const result = await conclude(stack, ids, {
      scenario: 'c. database stopped',
      faults: `${mongo.kind === 'ferretdb-postgresql' ? 'FerretDB (PostgreSQL kept running)' : mongo.kind} stopped for ${Math.round(params.downForMs / 1000)} s mid-sync, then started on the same port and data; ${params.connections} connections × 2 models`,
      notes: [landing.text],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
    if (!landing.landed) result.tally.problems.push(landing.text);
    return result;
  } finally {
    await stack.close();
  }
}
