// Section 7: many connections syncing hourly, after their first sync: what does a worker spend holding them between
// runs (memory for their cached workflows, CPU for timers and polling), and what do Temporal and the database spend?
import { CREATE_CONCURRENCY, createConnections, syncedOnce } from './create-connections';
import { averageUsage } from './initial-sync';
import { busiest } from './meter';
import { MB, type Row, type SectionResult } from './rows';
import type { BenchStack } from './stack';
import { percentile, sortedCopy } from './stats';

export interface IdleBenchInput {
  stack: BenchStack;
  integration: string;
  connections: number;
  /** How long the idle phase is observed; no run is due in it (the schedule is hourly). */
  windowSeconds: number;
  log: (message: string) => void;
}

const MODEL = 'contacts';
/** Connections created but not yet synced once, at most; below the worker's sticky cache (see create-connections.ts). */
const UNSYNCED_AT_ONCE = 400;

export async function benchIdle(input: IdleBenchInput): Promise<SectionResult> {
  const { stack, connections, log } = input;
  await stack.resetData();
  await stack.restartWorker();
  try {
    const countSynced = () => syncedOnce(stack, MODEL);
    const createdAt = performance.now();
    const createMs = await createConnections({
      stack,
      integration: input.integration,
      prefix: 'idle',
      count: connections,
      syncs: { [MODEL]: { frequency: '1h' } },
      unsynced: { max: UNSYNCED_AT_ONCE, synced: countSynced },
      log,
    });
    const runs = stack.store.runs.collection;
    const deadline = Date.now() + 120_000 + connections * 2000;
    while (countSynced() < connections) {
      if (Date.now() > deadline) throw new Error(`not every one of ${connections} idle connections finished its first sync in time`);
      await sleep(5000);
    }
    const settleSeconds = (performance.now() - createdAt) / 1000;
    log(`idle: ${connections} connections created and synced once in ${settleSeconds.toFixed(0)} s; observing ${input.windowSeconds} s with no run due`);
    // Let the last first-sync webhooks and workflow tasks drain before the idle window opens.
    await sleep(5000);
    const phase = stack.meter.start();
    await sleep(input.windowSeconds * 1000);
    const usage = phase.stop();
    const runsInWindow = await runs.countDocuments({ startedAt: { $gte: new Date(Date.now() - input.windowSeconds * 1000) } });
    const size = `${connections} conns`;
    const limitedBy = busiest(averageUsage([usage]));
    const row = (measure: string, value: number | null, decimals: number, limit = limitedBy): Row => ({
      section: 7,
      measure,
      size,
      values: [value ?? Number.NaN],
      decimals,
      limitedBy: limit,
    });
    return {
      rows: [
        row('worker RSS, peak over the idle window (MB; target ≤ 1024 at 10,000)', usage.peakRssBytes.worker === null ? null : usage.peakRssBytes.worker / MB, 0, 'cached workflows'),
        row('worker CPU between runs (cores; target ≤ 0.2 at 10,000)', usage.cores.worker, 3),
        row('Temporal server CPU between runs (cores)', usage.cores.temporal, 3),
        row('database CPU between runs (cores)', usage.cores.database, 3),
        row('runs started in the idle window', runsInWindow, 0, 'none are due (hourly)'),
      ],
      notes: [
        `**Idle connections** (7): ${connections} connections syncing ${MODEL} hourly, created ${CREATE_CONCURRENCY} at a time, at most ${UNSYNCED_AT_ONCE} not yet synced ` +
          `(POST /connections p50 ${percentile(sortedCopy(createMs), 50).toFixed(0)} ms) and synced once in ${settleSeconds.toFixed(0)} s; ` +
          `then observed for ${input.windowSeconds} s with no run due.`,
      ],
    };
  } finally {
    await stack.resetData();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
