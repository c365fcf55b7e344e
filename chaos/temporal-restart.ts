// Scenario b: restart the Temporal dev server (same port, same database file) in the middle of syncs.
import { sleep, type ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack } from './stack';
import { changeRecords, pagesInFlight, requestSyncs, startSyncing, type OrgSize } from './workload';

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
    for (let restart = 1; restart <= params.restarts; restart++) {
      if (restart > 1) {
        changeRecords(stack.sandbox, context.rng, 40);
        await requestSyncs(stack, ids, 'full');
      }
      const pages = await waitForPages(stack, 2);
      const downAt = Date.now();
      await temporal.restart();
      downtimes.push((Date.now() - downAt) / 1000);
      context.log(`  Temporal restarted (${restart}/${params.restarts}) after ${pages} pages of the runs in flight, down ${downtimes.at(-1)?.toFixed(1)} s`);
    }
    return await conclude(stack, ids, {
      scenario: 'b. Temporal restarted',
      faults: `${params.restarts} restart(s) of the Temporal dev server mid-sync (same port and SQLite file), ${params.connections} connections × 2 models`,
      notes: [`Temporal was down ${downtimes.map((s) => `${s.toFixed(1)} s`).join(', ')}`],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
  } finally {
    await stack.close();
  }
}

/** Waits until the runs in flight stored at least `pages` pages: the fault then hits syncs really under way. */
export async function waitForPages(stack: Parameters<typeof pagesInFlight>[0], pages: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const stored = await pagesInFlight(stack);
    if (stored >= pages) return stored;
    if (Date.now() > deadline) throw new Error(`no sync stored ${pages} pages within 120 s`);
    await sleep(200);
  }
}
