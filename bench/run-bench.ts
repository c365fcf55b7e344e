// Runs the bench on the real services (the ones npm test uses, or TEMPORAL_ADDRESS / MONGODB_URI) and returns its table.
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { resolveMongo, type MongoServer } from '../devstack/mongo-server';
import { resolveTemporal, type TemporalServer } from '../devstack/temporal-server';
import { startSalesforceSandbox, type SalesforceSandbox } from '../sandbox/salesforce/server';
import { goalRows } from './goals';
import { benchConsole } from './console';
import { benchDocumentShapes } from './document-shapes';
import { benchDryRunLoop } from './dryrun-loop';
import { benchIdle } from './idle';
import { benchInitialSyncs } from './initial-sync';
import { machineCores } from './process-metrics';
import type { BenchOptions } from './options';
import { renderReport } from './report';
import { MB, type Row, type SectionResult } from './rows';
import { benchRecordWrites } from './record-writes';
import { benchRecordingTest } from './recording-test';
import { benchScale } from './scale';
import { startBenchStack, type BenchStack } from './stack';

export interface BenchRun {
  markdown: string;
  rows: Row[];
}

const root = join(__dirname, '..');
const MAIN_INTEGRATION = 'bench-org';
const SMALL_INTEGRATION = 'bench-small-org';

export async function runBench(options: BenchOptions, log: (message: string) => void): Promise<BenchRun> {
  const benchStartedAt = Date.now();
  const loadBefore = loadavg();
  const dataDir = join(root, '.data', 'bench');
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  const services = await startServices(logDir);
  const sandboxes: SalesforceSandbox[] = [];
  let stack: BenchStack | null = null;
  let cleanedUp: Promise<void> | null = null;
  // Idempotent: the normal end and an interrupt (see stopRunningBench) may both ask for it.
  const cleanUp = (interrupted = false) =>
    (cleanedUp ??= (async () => {
      const closeStack = stack?.close({ interrupted }).catch((error: unknown) => log(`bench stack did not close cleanly: ${String(error)}`));
      // Interrupted, whoever sent the signal may kill this process soon (npm and tsx do): signal every service at
      // once rather than one after another, so none is left running for lack of a turn.
      if (!interrupted) await closeStack;
      // The sandboxes too, beside the services: a sandbox slow to close must not hold back stopping the services.
      await Promise.allSettled([closeStack, ...sandboxes.map((sandbox) => sandbox.close()), services.temporal.stop(), services.mongo.stop()]);
    })());
  running.add(cleanUp);
  try {
    const { temporal, mongo } = services;
    log(`Temporal ${temporal.address}, ${mongo.kind} ${mongo.uri}`);
    refuseHugeSizesOnFerretDb(options, mongo.kind);
    const workflowBundlePath = process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE ?? (await bundleWorkflows(dataDir));
    stack = await startBenchStack({ temporalAddress: temporal.address, mongoUri: mongo.uri, workflowBundlePath, logDir, workerCachedWorkflows: options.workerCache });
    const overall = stack.meter.start();

    const org = await startSalesforceSandbox({ seed: 7 });
    const smallOrg = await startSalesforceSandbox({ seed: 11 });
    sandboxes.push(org, smallOrg);
    // Accounts first: generated contacts point at existing accounts, as in a real org.
    org.seed('Account', options.accounts);
    smallOrg.seed('Contact', options.scaleRecords);
    await stack.registerSandbox(MAIN_INTEGRATION, org);
    await stack.registerSandbox(SMALL_INTEGRATION, smallOrg);

    const results: SectionResult[] = [];
    // First, while the machine is quiet: it measures milliseconds.
    if (options.sections.includes('dev')) {
      results.push(await benchRecordingTest({ runs: options.runs, log }));
      results.push(await benchDryRunLoop({ stack, integration: SMALL_INTEGRATION, runs: options.runs, log }));
    }
    if (options.sections.includes('sync') || options.sections.includes('records')) {
      const synced = await benchInitialSyncs({
        stack,
        sandbox: org,
        integration: MAIN_INTEGRATION,
        warmupIntegration: SMALL_INTEGRATION,
        sizes: options.sizes,
        runs: options.runs,
        readRecords: options.sections.includes('records'),
        recordsMaxSize: options.recordsMaxSize,
        recordsPages: options.recordsPages,
        log,
      });
      if (!options.sections.includes('sync')) synced.rows = synced.rows.filter((row) => row.section === 5);
      results.push(synced);
    }
    if (options.sections.includes('scale')) {
      results.push(
        await benchScale({
          stack,
          integration: SMALL_INTEGRATION,
          connections: options.connections,
          frequency: options.scaleFrequency,
          cycles: options.scaleCycles,
          log,
        }),
      );
    }
    if (options.sections.includes('idle')) {
      results.push(
        await benchIdle({ stack, integration: SMALL_INTEGRATION, connections: options.idleConnections, windowSeconds: options.idleWindowSeconds, log }),
      );
    }
    if (options.sections.includes('writes')) {
      results.push(await benchRecordWrites({ mongoUri: mongo.uri, sizes: options.sizes, runs: options.runs, log }));
      results.push(await benchDocumentShapes({ mongoUri: mongo.uri, runs: options.runs, log }));
    }
    if (options.sections.includes('console')) {
      results.push(
        await benchConsole({
          mongoUri: mongo.uri,
          databaseKind: mongo.kind,
          temporalAddress: temporal.address,
          connections: options.consoleConnections,
          runs: options.consoleRuns,
          repeats: Math.max(5, options.runs),
          log,
        }),
      );
    }
    const usage = overall.stop();

    const minutes = ((Date.now() - benchStartedAt) / 60_000).toFixed(1);
    const scope = [
      ...(options.sections.some((section) => section === 'sync' || section === 'records' || section === 'writes')
        ? [`${options.sizes.join(', ')} contacts (batch size 2000) + ${options.accounts} accounts, ${options.runs} run(s) each`]
        : []),
      ...(options.sections.includes('scale')
        ? [`${options.connections} connections × ${options.scaleRecords} contacts every ${options.scaleFrequency} for ${options.scaleCycles} cycle(s)`]
        : []),
      ...(options.sections.includes('idle') ? [`${options.idleConnections} idle connections (hourly) observed for ${options.idleWindowSeconds} s`] : []),
      ...(options.sections.includes('dev') ? [`a recording test replayed ${options.runs + 1} times, a sync file edited and dry-run ${options.runs} times`] : []),
      ...(options.sections.includes('console') ? [`the console's answers over ${options.consoleConnections} connections and ${options.consoleRuns} runs`] : []),
    ];
    const environment = [
      `${new Date(benchStartedAt).toISOString()}, ${options.mode} preset: ${scope.join('; ')}; took ${minutes} min`,
      `Machine: ${machineCores} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM (${(freemem() / 1024 ** 3).toFixed(0)} GB free at the end), ` +
        `Node ${process.version}; load average ${loadBefore[0].toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ` +
        `other processes used ${usage.otherCores === null ? 'n/a' : usage.otherCores.toFixed(2)} cores on average during the bench`,
      `Services: Temporal ${temporal.address} (${process.env.TEMPORAL_ADDRESS ? 'given' : 'dev server started by the bench'}), ` +
        `database ${mongo.kind} ${mongo.uri}; worker = bench/worker-process.ts (worker/main.ts's wiring + a command monitor) in its own process; ` +
        `API, sandbox orgs and webhook receiver in the bench process; production workflow settings; worker sticky cache ${options.workerCache ?? "the SDK's default"}`,
    ];
    const rows = results.flatMap((result) => result.rows);
    return {
      markdown: renderReport({
        title: 'Tributary bench',
        environment,
        goals: goalRows(rows, options),
        rows,
        notes: results.flatMap((result) => result.notes),
        limits: limits(mongo.kind, options.accounts, usage.peakRssBytes.bench),
      }),
      rows,
    };
  } finally {
    await cleanUp();
    running.delete(cleanUp);
  }
}

const running = new Set<(interrupted?: boolean) => Promise<void>>();

/**
 * For SIGINT/SIGTERM: the services run in their own process groups (so a Ctrl-C in the terminal does not reach them)
 * and would outlive the bench; stop them and the worker before exiting.
 */
export async function stopRunningBench(): Promise<void> {
  await Promise.allSettled([...running].map((cleanUp) => cleanUp(true)));
}

/** Measured up to here on FerretDB (database peak RSS 725 MB at 1M, worker 362 MB); larger sizes are untested there. */
const FERRETDB_MAX_SIZE = 1_000_000;

/**
 * Before runs counted their outcome page by page, the end-of-run count made FerretDB buffer every record a run wrote
 * (22 GB at 1M). An exact recount still happens after an interrupted attempt, so sizes nobody has measured on
 * FerretDB stay opt-in rather than risk a shared machine.
 */
function refuseHugeSizesOnFerretDb(options: BenchOptions, databaseKind: string): void {
  const largest = Math.max(...options.sizes);
  const syncs = options.sections.some((section) => section !== 'scale');
  if (!syncs || !databaseKind.startsWith('ferretdb') || largest <= FERRETDB_MAX_SIZE || options.forceSizes) return;
  throw new Error(
    `${largest} contacts on FerretDB has not been measured on FerretDB (an exact recount after an interrupted attempt buffers every record of the run); ` +
      `point MONGODB_URI at a MongoDB server, or pass --force-sizes if this machine has the memory`,
  );
}

async function startServices(logDir: string): Promise<{ temporal: TemporalServer; mongo: MongoServer }> {
  // Settle both before failing, so the one that did start gets stopped.
  const [temporal, mongo] = await Promise.allSettled([
    resolveTemporal({ headless: true, logFile: join(logDir, 'temporal.log') }),
    resolveMongo({ logFile: join(logDir, 'mongo.log') }),
  ]);
  if (temporal.status === 'fulfilled' && mongo.status === 'fulfilled') return { temporal: temporal.value, mongo: mongo.value };
  if (temporal.status === 'fulfilled') await temporal.value.stop();
  if (mongo.status === 'fulfilled') await mongo.value.stop();
  throw temporal.status === 'rejected' ? temporal.reason : (mongo as PromiseRejectedResult).reason;
}

async function bundleWorkflows(dataDir: string): Promise<string> {
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(root, 'workflows', 'index.ts'),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => process.stderr.write(`${message}\n`) },
  });
  const path = join(dataDir, 'workflow-bundle.js');
  // Write then rename: a second bench on this checkout must never load a half-written bundle.
  writeFileSync(`${path}.${process.pid}.tmp`, code);
  renameSync(`${path}.${process.pid}.tmp`, path);
  return path;
}

function limits(databaseKind: string, accounts: number, benchPeakRss: number | null): string[] {
  const ferret = databaseKind.startsWith('ferretdb');
  return [
    `**Cores busy** (last column) are measured from /proc over the phase: worker (its own process), temporal (the dev ` +
      `server), database (${ferret ? 'FerretDB plus its PostgreSQL postmaster and backends' : databaseKind}), sandbox/API ` +
      `(the bench process${benchPeakRss === null ? '' : `, peak ${(benchPeakRss / MB).toFixed(0)} MB`}) and other processes. ` +
      `The machine has ${machineCores} cores; "CPU-bound" marks phases where nearly all of them were busy.`,
    `**Initial sync** (1, 2): both paths read the same pages from the sandbox and write one insertMany per page. End to end ` +
      'adds, per page, zod validation, content hashing, a change-feed reservation (findAndModify), a checkpoint write that ' +
      "also counts the page's changes, and a heartbeat; per run, Temporal round trips, run bookkeeping and the webhook's " +
      `child workflow. The ${accounts} accounts sync in parallel with the contacts and are not counted in records/s.`,
    `**No-change sync** (3): one queryAll request that returns no rows, so no record is read or written. Its latency is ` +
      'Temporal round trips (signal, workflow task, three activities) plus bookkeeping queries.',
    '**At scale** (4): a scheduled run starts when its timer fires, a workflow task schedules beginSyncRun, a worker picks it ' +
      'up and it records the start; the evidence splits the lag into those parts.',
    `**Records API** (5): ${
      ferret
        ? 'each page is one or two equality queries on the feed bucket (1,000 sequence numbers), which FerretDB 1.24 ' +
          "pushes down to PostgreSQL and the dev stack's GIN indexes on bucket and connection serve; what remains is " +
          'FerretDB converting each row to a document (the writes section times one page as stored, with data as a ' +
          'string and with feed fields only).'
        : 'served from the feed_by_bucket index; page latency should stay flat with size.'
    }`,
  ];
}
