// Section 4: many connections, each syncing a small model on a schedule. How late does a scheduled run start, and what
// do the worker and the Temporal server spend keeping them all on time?
import { COLLECTIONS } from '../store/database';
import type { ConnectionDocument } from '../store/connections';
import type { SyncRunDocument } from '../store/sync-runs';
import { parseDuration } from '../contracts/duration';
import { CREATE_CONCURRENCY, createConnections, syncedOnce } from './create-connections';
import { averageUsage } from './initial-sync';
import { lagBreakdown } from './lag-breakdown';
import { busiest, type Usage } from './meter';
import { MB, type Row, type SectionResult } from './rows';
import type { BenchStack } from './stack';
import { percentile, sortedCopy } from './stats';

export interface ScaleBenchInput {
  stack: BenchStack;
  integration: string;
  connections: number;
  frequency: string;
  cycles: number;
  log: (message: string) => void;
}

const MODEL = 'contacts';
/** Connections whose histories are read to split the lag into its parts. */
const BREAKDOWN_SAMPLE = 20;

interface Cycle {
  lagsMs: number[];
  usage: Usage;
}

export async function benchScale(input: ScaleBenchInput): Promise<SectionResult> {
  const { stack, connections, cycles, log } = input;
  const frequencyMs = parseDuration(input.frequency) as number;
  await stack.resetData();
  await stack.restartWorker();

  // A due time lives in the connection document from the end of one run to the end of the next (about one
  // frequency), so polling ten times per frequency sees every one of them.
  const dueTimes = new Map<string, Set<number>>();
  const connectionsCollection = stack.database.db.collection<ConnectionDocument>(COLLECTIONS.connections);
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      for (const doc of await connectionsCollection.find({}, { projection: { [`syncs.${MODEL}.nextRunAt`]: 1 } }).toArray()) {
        const due = doc.syncs?.[MODEL]?.nextRunAt;
        if (!due) continue;
        const seen = dueTimes.get(doc._id) ?? new Set<number>();
        seen.add(due.getTime());
        dueTimes.set(doc._id, seen);
      }
    } finally {
      polling = false;
    }
  };
  // No oftener: each poll reads every connection document, which at 1,000 connections is load of its own on FerretDB.
  const poller = setInterval(() => void poll().catch(() => undefined), frequencyMs / 10);

  try {
    const createMs = await createConnections({
      stack,
      integration: input.integration,
      prefix: 'scale',
      count: connections,
      syncs: { [MODEL]: { frequency: input.frequency } },
      log,
    });
    const runs = stack.store.runs.collection;
    // An overloaded stack never catches up: the cycles are observed anyway (that is the finding), after a bounded wait.
    const firstSyncDeadline = Date.now() + 120_000 + frequencyMs;
    let firstSynced = 0;
    while ((firstSynced = syncedOnce(stack, MODEL)) < connections) {
      if (Date.now() > firstSyncDeadline) break;
      await sleep(1000);
    }
    const firstRunsDoneAt = Date.now();
    log(
      `${connections} connections created (POST /connections p50 ${percentile(sortedCopy(createMs), 50).toFixed(0)} ms), the first sync of ${firstSynced} announced by webhook; ` +
        `observing ${cycles} cycle(s) of ${input.frequency}`,
    );

    const usages: Usage[] = [];
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const phase = stack.meter.start();
      await sleep(firstRunsDoneAt + cycle * frequencyMs - Date.now());
      usages.push(phase.stop());
    }
    // Runs due just before the last window closed start a little after it.
    const graceMs = Math.min(frequencyMs / 2, 15_000);
    await sleep(graceMs);
    await poll();

    const startedRuns = await runs.find({}, { projection: { connectionId: 1, startedAt: 1 } }).toArray();
    const { cycleLags, late, expected, dueByRun } = matchRunsToDueTimes(startedRuns, dueTimes, firstRunsDoneAt, frequencyMs, cycles, graceMs);
    const startByRun = new Map(startedRuns.map((run) => [run._id, run.startedAt.getTime()]));
    const sampled = [...new Set(startedRuns.map((run) => run.connectionId))].slice(0, BREAKDOWN_SAMPLE);
    const breakdown = await lagBreakdown(stack.temporal, sampled, (runId) => dueByRun.get(runId), (runId) => startByRun.get(runId));
    const measured: Cycle[] = usages.map((usage, index) => ({ lagsMs: cycleLags[index], usage }));
    const started = measured.reduce((sum, cycle) => sum + cycle.lagsMs.length, 0);
    log(`scale: ${started} scheduled runs started of ${expected} due; ${late} due but not started after a ${graceMs / 1000} s grace`);
    return {
      rows: scaleRows(`${connections} conns`, measured, input.frequency),
      notes: [
        `**Connections at scale**: ${connections} connections syncing ${MODEL} every ${input.frequency}; ${started} scheduled runs observed ` +
          `over ${cycles} cycle(s) (${expected} due, ${late} not started ${graceMs / 1000} s after the window); ` +
          `the first sync of ${firstSynced} of ${connections} had been announced by webhook when the cycles began; ` +
          `POST /connections (${CREATE_CONCURRENCY} at once) p50 ${percentile(sortedCopy(createMs), 50).toFixed(0)} ms, p99 ${percentile(sortedCopy(createMs), 99).toFixed(0)} ms. ` +
          `Lag = sync_runs.startedAt − the connection's syncs.${MODEL}.nextRunAt it was due at (polled), first runs excluded.`,
        `**Where the lag goes** (mean of ${breakdown.samples} scheduled runs of ${sampled.length} connections, from their histories): ` +
          `timer fired ${formatMs(breakdown.timerLate)} after the due time, the workflow task scheduled beginSyncRun ${formatMs(breakdown.workflowTask)} later, ` +
          `a worker picked the activity up ${formatMs(breakdown.activityDispatch)} later, and beginSyncRun recorded the start ${formatMs(breakdown.beforeInsert)} ` +
          'after that (it reads the connection and publishes the feed first).',
      ],
    };
  } finally {
    clearInterval(poller);
    await stack.resetData();
  }
}

/**
 * A run was due at the latest due time seen at or before its start and after the previous run's start; the first run of
 * a connection (due at creation) is not a scheduled one. Cycle k holds the runs due in [T0 + (k-1)F, T0 + kF).
 */
function matchRunsToDueTimes(
  runs: Pick<SyncRunDocument, '_id' | 'connectionId' | 'startedAt'>[],
  dueTimes: Map<string, Set<number>>,
  t0: number,
  frequencyMs: number,
  cycles: number,
  graceMs: number,
): { cycleLags: number[][]; late: number; expected: number; dueByRun: Map<string, number> } {
  const cycleLags: number[][] = Array.from({ length: cycles }, () => []);
  const dueByRun = new Map<string, number>();
  const byConnection = new Map<string, { runId: string; start: number }[]>();
  for (const run of runs) {
    byConnection.set(run.connectionId, [...(byConnection.get(run.connectionId) ?? []), { runId: run._id, start: run.startedAt.getTime() }]);
  }
  const windowEnd = t0 + cycles * frequencyMs;
  let late = 0;
  let expected = 0;
  for (const [connectionId, started] of byConnection) {
    started.sort((a, b) => a.start - b.start);
    const dues = [...(dueTimes.get(connectionId) ?? [])].sort((a, b) => a - b);
    const used = new Set<number>();
    for (let i = 1; i < started.length; i++) {
      const { runId, start } = started[i];
      const due = dues.filter((time) => time <= start && time > started[i - 1].start).at(-1);
      if (due === undefined) continue;
      used.add(due);
      dueByRun.set(runId, due);
      const cycle = Math.floor((due - t0) / frequencyMs);
      if (cycle >= 0 && cycle < cycles) cycleLags[cycle].push(start - due);
    }
    for (const due of dues) {
      if (due < t0 || due >= windowEnd) continue;
      expected++;
      if (!used.has(due) && due < windowEnd + graceMs) late++;
    }
  }
  return { cycleLags, late, expected, dueByRun };
}

function scaleRows(size: string, cycles: Cycle[], frequency: string): Row[] {
  const limitedBy = busiest(averageUsage(cycles.map((cycle) => cycle.usage)));
  const row = (measure: string, values: number[], decimals: number, limit = limitedBy): Row => ({ section: 4, measure, size, values, decimals, limitedBy: limit });
  const lags = (p: number) => cycles.map((cycle) => (cycle.lagsMs.length === 0 ? Number.NaN : percentile(sortedCopy(cycle.lagsMs), p)));
  return [
    row(`start lag p50, nextRunAt → run started (ms; every ${frequency})`, lags(50), 0),
    row('start lag p99 (ms)', lags(99), 0),
    row(`scheduled runs started per cycle`, cycles.map((cycle) => cycle.lagsMs.length), 0, 'one per connection per cycle'),
    row('worker CPU (cores)', cycles.map((cycle) => cycle.usage.cores.worker ?? Number.NaN), 2),
    row('worker peak RSS (MB)', cycles.map((cycle) => (cycle.usage.peakRssBytes.worker ?? Number.NaN) / MB), 0, 'worker'),
    row('Temporal server CPU (cores)', cycles.map((cycle) => cycle.usage.cores.temporal ?? Number.NaN), 2),
    row('Temporal server peak RSS (MB)', cycles.map((cycle) => (cycle.usage.peakRssBytes.temporal ?? Number.NaN) / MB), 0, 'Temporal'),
    row('database CPU (cores)', cycles.map((cycle) => cycle.usage.cores.database ?? Number.NaN), 2),
  ];
}

function formatMs(value: number): string {
  return Number.isNaN(value) ? 'n/a' : `${value.toFixed(0)} ms`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
