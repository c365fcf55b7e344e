// Scenario b: restart the Temporal dev server (same port, same database file) in the middle of syncs.
import type { ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack } from './stack';
import { changeRecords, landedMidRun, requestSyncs, startSyncing, waitForSyncUnderWay, type OrgSize } from './workload';

export interface TemporalRestartParams {
  connections: number;
  org: OrgSize;
  restarts: number;
  pageDelayMs: number;
  settleTimeoutMs: number;
}

export async function temporalRestart(context: ChaosContext, params: TemporalRestartParams): Promise<ScenarioResult> {
  const temporal = context.services.temporal;
  if (!temporal) throw new Error('scenario b needs a Temporal of its own (npm run chaos starts one)');
  const startedAt = Date.now();
  const stack = await startChaosStack(context, { name: 'chaos-temporal' });
  try {
    const ids = await startSyncing(stack, { prefix: 'temporal', ...params });
    const downtimes: number[] = [];
    const landings: { landed: boolean; text: string }[] = [];
    for (let restart = 1; restart <= params.restarts; restart++) {
      if (restart > 1) {
        changeRecords(stack.sandbox, context.rng, 40);
        await requestSyncs(stack, ids, 'full');
      }
      const underWay = await waitForSyncUnderWay(stack, ids);
      const downAt = new Date();
      await temporal.restart();
      stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
      downtimes.push((Date.now() - downAt.getTime()) / 1000);
      landings.push(await landedMidRun(stack, underWay, downAt));
      context.log(`  Temporal restarted (${restart}/${params.restarts}) while the ${underWay.model} run read page ${underWay.pages + 1}, down ${downtimes.at(-1)?.toFixed(1)} s`);
    }
    const result = await conclude(stack, ids, {
      scenario: 'b. Temporal restarted',
      faults: `${params.restarts} restart(s) of the Temporal dev server mid-sync (same port and SQLite file), ${params.connections} connections × 2 models`,
      notes: [`Temporal was down ${downtimes.map((s) => `${s.toFixed(1)} s`).join(', ')}`, ...landings.map((landing) => landing.text)],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
    result.tally.problems.push(...landings.filter((landing) => !landing.landed).map((landing) => landing.text));
    return result;
  } finally {
    await stack.close();
  }
}
