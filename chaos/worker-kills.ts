// Scenario a: SIGKILL the worker at random moments while several connections sync, restarting it each time.
import { sleep, type ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack } from './stack';
import { changeRecords, HOLD_MS, landedMidRun, requestSyncs, runsInFlight, startSyncing, waitForSyncUnderWay, type OrgSize } from './workload';

export interface WorkerKillsParams {
  connections: number;
  org: OrgSize;
  kills: number;
  /** A kill comes this long (uniformly drawn) after the restarted worker polls again. */
  killAfterMs: [number, number];
  /** Extra latency per sandbox page, so a sync spans several kills. */
  pageDelayMs: number;
  settleTimeoutMs: number;
}

export async function workerKills(context: ChaosContext, params: WorkerKillsParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const stack = await startChaosStack(context, { name: 'chaos-kills' });
  try {
    const ids = await startSyncing(stack, { prefix: 'kills', ...params });
    let killedMidRun = 0;
    let resyncs = 0;
    const missed: string[] = [];
    for (let kill = 1; kill <= params.kills; kill++) {
      // Keep syncs in flight: once the first ones are done, change records at the provider and ask for more.
      if ((await runsInFlight(stack, ids)) === 0) {
        changeRecords(stack.sandbox, context.rng, 40);
        await requestSyncs(stack, ids, context.rng.chance(0.25) ? 'full' : 'incremental');
        resyncs++;
      }
      await sleep(context.rng.int(...params.killAfterMs));
      // A random moment, then the first moment after it when a run is sure to be reading: no kill lands in an idle worker.
      const underWay = await waitForSyncUnderWay(stack, ids);
      const inFlight = await runsInFlight(stack, ids);
      const killedAt = new Date();
      await stack.worker.kill();
      stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
      const landing = await landedMidRun(stack, underWay, killedAt);
      if (landing.landed) killedMidRun++;
      else missed.push(landing.text);
      context.log(`  kill ${kill}/${params.kills} (${inFlight} runs in flight; ${landing.text})`);
      await stack.worker.start();
    }
    const result = await conclude(stack, ids, {
      scenario: 'a. worker SIGKILLed',
      faults: `${params.kills} SIGKILLs of the worker process (${killedMidRun} with runs in flight), ${params.connections} connections × 2 models, ${resyncs} rounds of provider changes and resyncs`,
      notes: [`each kill ${params.killAfterMs[0] / 1000}–${params.killAfterMs[1] / 1000} s after the restarted worker polled, then at the first moment a full read was between pages (held at ${HOLD_MS} ms each meanwhile); sandbox pages delayed ${params.pageDelayMs} ms otherwise`],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
    result.tally.problems.push(...missed);
    return result;
  } finally {
    await stack.close();
  }
}
