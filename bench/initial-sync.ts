// Sections 1, 2, 3 and 5 on one org per size: an initial sync end to end and its raw floor, what it cost, a no-change
// sync per model right after it, and reading everything back through the records API.
import { COLLECTIONS } from '../store/database';
import { providerCatalog } from '../providers/catalog';
import type { SalesforceSandbox } from '../sandbox/salesforce/server';
import { waitForFinishedRuns, lastRuns } from './connection-status';
import { connectionHistory, type HistoryCost } from './history';
import { busiest, COMPONENTS, type Component, type Usage } from './meter';
import { peakRssOf, resetPeakRss, rssOf } from './process-metrics';
import { runRawPipeline } from './raw-pipeline';
import { readFeed, type FeedRead } from './records-api';
import { MB, type Row, type SectionResult } from './rows';
import type { BenchStack } from './stack';
import { percentile, sortedCopy } from './stats';
import { commandsBetween, writeCommands, type CommandCounters } from './worker-handle';

export interface InitialSyncBenchInput {
  stack: BenchStack;
  sandbox: SalesforceSandbox;
  integration: string;
  /** A small org to warm a fresh worker up on (bundle load, first connections), outside any measurement. */
  warmupIntegration: string;
  sizes: number[];
  runs: number;
  readRecords: boolean;
  recordsMaxSize: number;
  recordsPages: number;
  log: (message: string) => void;
}

const MODELS = ['contacts', 'accounts'] as const;
const PROVIDER = 'salesforce';
const RECORDS_PAGE = 1000;
const BOOKKEEPING = [COLLECTIONS.syncRuns, COLLECTIONS.connections, COLLECTIONS.feeds];

interface NoChange {
  latencyMs: number;
  commands: CommandCounters;
  providerRequests: number;
  recordWrites: number;
  recordsChanged: number;
  bookkeepingWrites: number;
  allWrites: number;
}

interface SyncRun {
  e2eSeconds: number;
  rawSeconds: number;
  pipelinedRawSeconds: number;
  e2eUsage: Usage;
  rawUsage: Usage;
  workerStartRssBytes: number | null;
  workerPeakRssBytes: number | null;
  history: HistoryCost;
  workerCommands: CommandCounters;
  pages: number;
  providerRequests: number;
  noChange: Record<string, NoChange>;
}

export async function benchInitialSyncs(input: InitialSyncBenchInput): Promise<SectionResult> {
  const { stack, sandbox, sizes, runs, log } = input;
  const result: SectionResult = { rows: [], notes: [] };
  let seeded = sandbox.records('Contact').length;
  for (const size of sizes) {
    if (size > seeded) {
      const startedAt = performance.now();
      sandbox.seed('Contact', size - seeded);
      seeded = size;
      log(`seeded the org to ${size} contacts in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    }
    await stack.restartWorker();
    await warmUp(stack, input.warmupIntegration, size);

    const measured: SyncRun[] = [];
    const feedReads: { read: FeedRead; usage: Usage }[] = [];
    const maxPages = size <= input.recordsMaxSize ? Infinity : input.recordsPages;
    for (let run = 1; run <= runs; run++) {
      const connectionId = `sync-${size}-${run}`;
      const sync = await measureEndToEnd(stack, sandbox, input.integration, connectionId, size);
      sync.noChange = await measureNoChange(stack, sandbox, connectionId);
      if (run === runs && input.readRecords) {
        for (let read = 1; read <= runs; read++) {
          const phase = stack.meter.start();
          const feed = await readFeed(stack, connectionId, 'contacts', RECORDS_PAGE, maxPages);
          feedReads.push({ read: feed, usage: phase.stop() });
          const expected = Math.min(size, maxPages * RECORDS_PAGE);
          if (feed.records !== expected) throw new Error(`the records API returned ${feed.records} contacts, expected ${expected}`);
        }
      }
      await stack.resetData();
      const raw = await measureRaw(stack, sandbox, size, false);
      sync.rawSeconds = raw.seconds;
      sync.rawUsage = raw.usage;
      sync.pipelinedRawSeconds = (await measureRaw(stack, sandbox, size, true)).seconds;
      measured.push(sync);
      log(
        `size ${size} run ${run}/${runs}: end to end ${sync.e2eSeconds.toFixed(1)} s, raw ${raw.seconds.toFixed(1)} s, ` +
          `pipelined raw ${sync.pipelinedRawSeconds.toFixed(1)} s, ` +
          `no-change contacts ${sync.noChange.contacts.latencyMs.toFixed(0)} ms`,
      );
    }
    result.rows.push(...syncRows(size, measured), ...feedRows(size, feedReads, maxPages));
    result.notes.push(...syncNotes(size, measured));
  }
  return result;
}

async function warmUp(stack: BenchStack, integration: string, size: number): Promise<void> {
  const connectionId = `warmup-${size}`;
  await stack.connect(connectionId, integration, { contacts: { frequency: '1h' } });
  await stack.receiver.syncEvent(connectionId, 'contacts', 120_000);
  await stack.resetData();
}

async function measureEndToEnd(stack: BenchStack, sandbox: SalesforceSandbox, integration: string, connectionId: string, size: number): Promise<SyncRun> {
  await stack.resetData();
  sandbox.resetStats();
  const worker = stack.worker();
  const probeBefore = await worker.probe();
  const workerStartRssBytes = rssOf(worker.pid);
  const peakResettable = resetPeakRss(worker.pid);
  const phase = stack.meter.start();
  const startedAt = performance.now();
  await stack.connect(connectionId, integration, { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } });
  const webhook = await stack.receiver.syncEvent(connectionId, 'contacts', 120_000 + size * 10);
  const usage = phase.stop();
  const e2eSeconds = (webhook.arrivedAt - startedAt) / 1000;
  if (webhook.event.added !== size || !webhook.signatureValid) {
    throw new Error(`the initial sync announced ${webhook.event.added} added contacts (signature valid: ${webhook.signatureValid}), expected ${size}`);
  }
  const workerPeakRssBytes = peakResettable ? peakRssOf(worker.pid) : usage.peakRssBytes.worker;
  const probeAfter = await worker.probe();
  const runsDone = await waitForFinishedRuns(stack, connectionId, MODELS, { timeoutMs: 120_000 });
  const history = await connectionHistory(stack.temporal, connectionId);
  return {
    e2eSeconds,
    rawSeconds: Number.NaN,
    pipelinedRawSeconds: Number.NaN,
    e2eUsage: usage,
    rawUsage: usage,
    workerStartRssBytes,
    workerPeakRssBytes,
    history,
    workerCommands: commandsBetween(probeBefore, probeAfter),
    pages: runsDone.contacts.pages,
    providerRequests: runsDone.contacts.providerRequests,
    noChange: {},
  };
}

/** One model at a time, so each latency is that model's alone. */
async function measureNoChange(stack: BenchStack, sandbox: SalesforceSandbox, connectionId: string): Promise<Record<string, NoChange>> {
  const outcome: Record<string, NoChange> = {};
  for (const model of MODELS) {
    const previous = await lastRuns(stack, connectionId);
    const worker = stack.worker();
    const probeBefore = await worker.probe();
    sandbox.resetStats();
    const requestedAt = new Date();
    const accepted = await stack.api('POST', `/connections/${connectionId}/sync`, { models: [model] });
    if (accepted.status !== 202) throw new Error(`POST /connections/${connectionId}/sync answered ${accepted.status}`);
    const runs = await waitForFinishedRuns(stack, connectionId, [model], {
      previous: { [model]: previous[model]?.runId ?? null },
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    const run = runs[model];
    const commands = commandsBetween(probeBefore, await worker.probe());
    const requests = Object.values(sandbox.stats().requests).reduce((sum, count) => sum + count, 0);
    outcome[model] = {
      latencyMs: Date.parse(run.finishedAt as string) - requestedAt.getTime(),
      commands,
      providerRequests: requests,
      recordWrites: writeCommands(commands, [COLLECTIONS.records]),
      recordsChanged: await stack.store.records.collection.countDocuments({ connectionId, model, lastModifiedAt: { $gte: requestedAt } }),
      bookkeepingWrites: writeCommands(commands, BOOKKEEPING),
      allWrites: writeCommands(commands, Object.values(COLLECTIONS)),
    };
  }
  return outcome;
}

async function measureRaw(stack: BenchStack, sandbox: SalesforceSandbox, size: number, pipelined: boolean): Promise<{ seconds: number; usage: Usage }> {
  const grant = sandbox.issueGrant();
  const phase = stack.meter.start();
  const raw = await runRawPipeline({
    db: stack.database.db,
    sync: providerCatalog.sync(PROVIDER, 'contacts'),
    pageSize: providerCatalog.get(PROVIDER).api.pageSize,
    instanceUrl: grant.instanceUrl,
    accessToken: grant.accessToken,
    connectionId: 'raw',
    pipelined,
  });
  const usage = phase.stop();
  if (raw.records !== size) throw new Error(`the raw pipeline stored ${raw.records} contacts, expected ${size}`);
  await stack.resetData();
  return { seconds: raw.seconds, usage };
}

function syncRows(size: number, runs: SyncRun[]): Row[] {
  const e2eLimit = busiest(averageUsage(runs.map((run) => run.e2eUsage)), { bench: 'sandbox' });
  const rawLimit = busiest(averageUsage(runs.map((run) => run.rawUsage)), { bench: 'sandbox+loop' });
  const label = String(size);
  const row = (section: Row['section'], measure: string, values: number[], decimals: number, limitedBy: string): Row => ({
    section,
    measure,
    size: label,
    values,
    decimals,
    limitedBy,
  });
  const rows: Row[] = [
    row(1, 'end to end, POST /connections → webhook (records/s)', runs.map((run) => size / run.e2eSeconds), 0, e2eLimit),
    row(1, 'raw pipeline, fetch + insertMany (records/s)', runs.map((run) => size / run.rawSeconds), 0, rawLimit),
    row(1, 'pipelined raw pipeline, next fetch during insertMany (records/s)', runs.map((run) => size / run.pipelinedRawSeconds), 0, 'as the raw pipeline'),
    row(1, 'end to end ÷ sequential raw (throughput ratio)', runs.map((run) => run.rawSeconds / run.e2eSeconds), 2, 'see the rows above'),
    row(1, 'end to end ÷ pipelined raw (throughput ratio)', runs.map((run) => run.pipelinedRawSeconds / run.e2eSeconds), 2, 'see the rows above'),
    row(2, 'end-to-end time (s)', runs.map((run) => run.e2eSeconds), 2, e2eLimit),
    row(2, 'worker RSS before the sync (MB)', runs.map((run) => (run.workerStartRssBytes ?? Number.NaN) / MB), 0, 'Node, Temporal SDK, workflow bundle'),
    row(2, 'worker peak RSS during the sync (MB)', runs.map((run) => (run.workerPeakRssBytes ?? Number.NaN) / MB), 0, 'plus pages in flight'),
    row(2, 'worker CPU (core-seconds)', cpuSeconds(runs, 'worker'), 1, 'validation, hashing, BSON, SDK'),
    row(2, 'database peak RSS (MB)', runs.map((run) => (run.e2eUsage.peakRssBytes.database ?? Number.NaN) / MB), 0, 'what the database holds to answer a query'),
    row(2, 'database CPU (core-seconds)', cpuSeconds(runs, 'database'), 1, 'inserts, counts'),
    row(2, 'Temporal server CPU (core-seconds)', cpuSeconds(runs, 'temporal'), 1, 'workflow and activity tasks'),
    row(2, 'worker database commands', runs.map((run) => sumCommands(run.workerCommands)), 0, `${runs[0]?.pages ?? 0} contact pages + bookkeeping`),
    row(2, 'Temporal history events (all runs)', runs.map((run) => run.history.events), 0, 'Temporal'),
    row(2, 'Temporal history size (KB)', runs.map((run) => run.history.bytes / 1024), 1, 'Temporal'),
    row(2, 'workflow runs (1 + continue-as-new)', runs.map((run) => run.history.runs), 0, 'slice length (TRIBUTARY_MAX_SLICE_SECONDS)'),
  ];
  for (const model of MODELS) {
    const values = (pick: (noChange: NoChange) => number) => runs.map((run) => pick(run.noChange[model]));
    rows.push(
      row(3, `${model}: latency, POST …/sync → run finished (ms)`, values((n) => n.latencyMs), 0, 'Temporal round trips + bookkeeping queries'),
      row(3, `${model}: provider requests (target 1)`, values((n) => n.providerRequests), 0, 'provider sandbox'),
      row(3, `${model}: record writes + records changed (target 0)`, values((n) => n.recordWrites + n.recordsChanged), 0, 'database'),
      row(3, `${model}: bookkeeping writes (runs, connection, feed)`, values((n) => n.bookkeepingWrites), 0, 'database'),
      row(3, `${model}: database write commands, all collections`, values((n) => n.allWrites), 0, 'worker command monitor'),
      row(3, `${model}: database commands, reads and writes`, values((n) => sumCommands(n.commands)), 0, 'worker command monitor'),
    );
  }
  return rows;
}

function feedRows(size: number, reads: { read: FeedRead; usage: Usage }[], maxPages: number): Row[] {
  if (reads.length === 0) return [];
  const limitedBy = busiest(averageUsage(reads.map((read) => read.usage)), { bench: 'API' });
  const base = { section: 5 as const, size: String(size), limitedBy };
  const what = Number.isFinite(maxPages) ? `read the first ${maxPages} pages` : 'read everything';
  return [
    { ...base, measure: `${what} (records/s)`, values: reads.map(({ read }) => read.records / read.seconds), decimals: 0 },
    { ...base, measure: 'page latency p50 (ms)', values: reads.map(({ read }) => percentile(sortedCopy(read.pageMs), 50)), decimals: 0 },
    { ...base, measure: 'page latency p99 (ms)', values: reads.map(({ read }) => percentile(sortedCopy(read.pageMs), 99)), decimals: 0 },
  ];
}

function syncNotes(size: number, runs: SyncRun[]): string[] {
  const last = runs[runs.length - 1];
  if (!last) return [];
  const dbSeconds = Object.values(last.workerCommands).reduce((sum, counter) => sum + counter.ms, 0) / 1000;
  const activities = Object.entries(last.history.activitySeconds)
    .sort(([, a], [, b]) => b - a)
    .map(([type, seconds]) => `${type} ${seconds.toFixed(2)} s`)
    .join(', ');
  const cores = (usage: Usage) =>
    COMPONENTS.map((component) => `${component} ${formatCores(usage.cores[component])}`).join(', ') + `, other processes ${formatCores(usage.otherCores)}`;
  return [
    `**${size} contacts, last run**: end to end ${last.e2eSeconds.toFixed(2)} s over ${last.pages} pages and ${last.providerRequests} provider requests; ` +
      `activities: ${activities}; the worker waited ${dbSeconds.toFixed(2)} s on the database (${topCommands(last.workerCommands, 4)}). ` +
      `Cores busy end to end: ${cores(last.e2eUsage)}; raw pipeline: ${cores(last.rawUsage)}.`,
    `**${size} contacts, no-change syncs of the last run**: ` +
      MODELS.map((model) => {
        const noChange = last.noChange[model];
        const waited = Object.values(noChange.commands).reduce((sum, counter) => sum + counter.ms, 0);
        return `${model} ${noChange.latencyMs.toFixed(0)} ms, of which ${waited.toFixed(0)} ms on the database (${topCommands(noChange.commands, 3)})`;
      }).join('; ') +
      '.',
  ];
}

function cpuSeconds(runs: SyncRun[], component: Component): number[] {
  return runs.map(({ e2eUsage }) => (e2eUsage.cores[component] === null ? Number.NaN : (e2eUsage.cores[component] as number) * e2eUsage.wallSeconds));
}

function sumCommands(counters: CommandCounters): number {
  return Object.values(counters).reduce((sum, counter) => sum + counter.commands, 0);
}

function topCommands(counters: CommandCounters, count: number): string {
  return Object.entries(counters)
    .sort(([, a], [, b]) => b.ms - a.ms)
    .slice(0, count)
    .map(([key, counter]) => `${key} ×${counter.commands} ${counter.ms >= 1000 ? `${(counter.ms / 1000).toFixed(2)} s` : `${counter.ms.toFixed(0)} ms`}`)
    .join(', ');
}

function formatCores(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

export function averageUsage(usages: Usage[]): Usage {
  const average = (pick: (usage: Usage) => number | null): number | null => {
    const values = usages.map(pick).filter((value): value is number => value !== null);
    return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
  };
  const cores = {} as Record<Component, number | null>;
  const peakRssBytes = {} as Record<Component, number | null>;
  for (const component of COMPONENTS) {
    cores[component] = average((usage) => usage.cores[component]);
    peakRssBytes[component] = average((usage) => usage.peakRssBytes[component]);
  }
  return { wallSeconds: average((usage) => usage.wallSeconds) ?? 0, cores, otherCores: average((usage) => usage.otherCores), peakRssBytes };
}
