// `npm run chaos`: scripted faults on the real stack, each scenario ending with a comparison against the truth.
// Starts its own Temporal (SQLite file, fixed port, so it can be restarted) and database server (so it can be stopped).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { resolveMongo, type MongoServer } from '../devstack/mongo-server';
import { startTemporal, type TemporalServer } from '../devstack/temporal-server';
import { Random } from '../sandbox/common/random';
import { bundleWorkflows } from '../test/support/global-setup';
import type { ChaosContext } from './context';
import { describeProcesses, killProcesses, suiteProcesses, survivors } from './processes';
import { passed, renderReport, type ScenarioResult } from './report';
import { FULL, QUICK, SCENARIO_KEYS, runScenario, type ScenarioKey } from './scenarios';
import { DEFAULT_PREVIOUS_RELEASE } from './upgrade';

const ROOT = join(__dirname, '..');
const OUT_DIR = join(ROOT, '.data', 'chaos');

const USAGE = `Usage: npm run chaos [-- options]

  --quick          the default: small syncs, 6 worker kills, outages of 15-45 s (a few minutes)
  --full           the issue's sizes: 3 connections of 25k records, 24 kills, a 40 s database and a 3 min webhook outage
  --seed N         replay the random choices (kill moments, failure modes, record changes) of an earlier run
  --only a,c,e     run only these scenarios (a kills, b Temporal, c database, d webhooks, e races, m several workers
                   and APIs, u upgrade, y Dynamics 365, z Zoho CRM,
                   p Pipedrive)
  --from REV       the previous release for scenario u: a git revision (default ${DEFAULT_PREVIOUS_RELEASE})
`;

interface ChaosOptions {
  mode: 'quick' | 'full';
  seed: number;
  only: ScenarioKey[];
  from: string;
}

function parseOptions(argv: string[]): ChaosOptions {
  const options: ChaosOptions = { mode: 'quick', seed: Math.floor(Math.random() * 2 ** 31), only: SCENARIO_KEYS, from: DEFAULT_PREVIOUS_RELEASE };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick' || flag === '--full') options.mode = flag === '--full' ? 'full' : 'quick';
    else if (flag === '--seed' && /^\d+$/.test(argv[i + 1] ?? '')) options.seed = Number(argv[++i]);
    else if (flag === '--from' && argv[i + 1]) options.from = argv[++i];
    else if (flag === '--only' && argv[i + 1]) {
      const keys = argv[++i].split(',');
      const unknown = keys.filter((key) => !SCENARIO_KEYS.includes(key as ScenarioKey));
      if (unknown.length > 0) usage(`unknown scenario(s): ${unknown.join(', ')}`);
      options.only = keys as ScenarioKey[];
    } else usage(flag === '--help' || flag === '-h' ? null : `unknown option ${flag}`);
  }
  return options;
}

function usage(problem: string | null): never {
  process.stderr.write(`${problem ? `${problem}\n\n` : ''}${USAGE}`);
  process.exit(problem ? 2 : 0);
}

async function startServices(logDir: string): Promise<{ temporal: TemporalServer; mongo: MongoServer }> {
  // Our own servers whatever the environment says: scenarios b and c restart and stop them.
  delete process.env.MONGODB_URI;
  delete process.env.TEMPORAL_ADDRESS;
  const dbFile = join(OUT_DIR, 'temporal.db');
  rmSync(dbFile, { force: true });
  const [temporal, mongo] = await Promise.allSettled([
    startTemporal({ headless: true, dbFile, logFile: join(logDir, 'temporal.log') }),
    resolveMongo({ logFile: join(logDir, 'mongo.log') }),
  ]);
  if (temporal.status === 'rejected' || mongo.status === 'rejected') {
    if (temporal.status === 'fulfilled') await temporal.value.stop();
    if (mongo.status === 'fulfilled') await mongo.value.stop();
    throw temporal.status === 'rejected' ? temporal.reason : (mongo as PromiseRejectedResult).reason;
  }
  return { temporal: temporal.value, mongo: mongo.value };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const defaults = options.mode === 'full' ? FULL : QUICK;
  const sizes = { ...defaults, u: { ...defaults.u, from: options.from } };
  const logDir = join(OUT_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`chaos suite, ${options.mode}, seed ${options.seed} (replay with: npm run chaos -- --${options.mode} --seed ${options.seed}); logs in ${relative(ROOT, logDir)}`);

  const { temporal, mongo } = await startServices(logDir);
  const interrupted = new AbortController();
  stopOnSignals(interrupted, () => Promise.allSettled([temporal.stop(), mongo.stop()]), log);
  const results: ScenarioResult[] = [];
  let crashed = false;
  try {
    await bundleWorkflows();
    log(`Temporal ${temporal.address} (SQLite file), ${mongo.kind} ${mongo.uri}`);
    const context: ChaosContext = {
      services: { temporalAddress: temporal.address, mongoUri: mongo.uri, temporal, mongo },
      rng: new Random(options.seed),
      logDir,
      log,
      interrupted: interrupted.signal,
    };
    for (const key of options.only) {
      log(`scenario ${key}…`);
      try {
        const result = await runScenario(key, context, sizes);
        results.push(result);
        log(`  ${passed(result) ? 'pass' : 'FAIL'} in ${Math.round(result.seconds)} s`);
      } catch (error) {
        crashed = true;
        log(`  scenario ${key} could not finish: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
  } finally {
    await Promise.allSettled([temporal.stop(), mongo.stop()]);
  }
  // Every scenario stops what it started, and the services are stopped: anything still running is a teardown bug.
  const leftBehind = suiteProcesses();
  if (leftBehind.length > 0) {
    crashed = true;
    log(`processes left behind by the suite, now killed: ${describeProcesses(leftBehind)}`);
    killProcesses(leftBehind);
  }

  const report = renderReport(`Chaos suite (${options.mode})`, [
    `seed ${options.seed}; \`npm run chaos -- --${options.mode} --seed ${options.seed}\` replays its random choices`,
    `${cpus().length} cores, Temporal dev server (SQLite file), ${mongo.kind}; worker as a separate process`,
    `${new Date().toISOString()}`,
  ], results);
  log('');
  log(report);
  writeFileSync(join(OUT_DIR, 'results.md'), report);
  log(`written to ${relative(ROOT, join(OUT_DIR, 'results.md'))}`);
  process.exitCode = crashed || results.some((result) => !passed(result)) ? 1 : 0;
}

/**
 * Ctrl-C or a SIGTERM of `npm run chaos` mid-run: no scenario gets to its own teardown, so stop everything here.
 * Scenario processes (workers, API processes: node, like this one) are killed outright, the services stopped as
 * usual, and whatever the suite started that still lives is killed, before exiting 130.
 */
function stopOnSignals(interrupted: AbortController, stopServices: () => Promise<unknown>, log: (line: string) => void): void {
  const stop = (signal: NodeJS.Signals) => {
    // npm and tsx relay the terminal's Ctrl-C again: a second signal must not cut the teardown short.
    if (interrupted.signal.aborted) return;
    interrupted.abort(signal);
    log(`${signal}: stopping every process the chaos suite started`);
    const started = suiteProcesses();
    killProcesses(started.filter((entry) => entry.command.startsWith(process.execPath)));
    void stopServices()
      .finally(() => {
        const left = [...suiteProcesses(), ...survivors(started.map((entry) => entry.pid))];
        if (left.length > 0) log(`still running after the teardown, now killed: ${describeProcesses(left)}`);
        killProcesses(left);
      })
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
