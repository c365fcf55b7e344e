// The bench's parameters: a quick and a full preset, each value overridable by a flag or a BENCH_* variable.
import { parseDuration } from '../contracts/duration';

export interface BenchOptions {
  /** The preset the values started from; any flag may have changed them since. */
  mode: 'quick' | 'full';
  /** Contacts per initial sync, ascending. */
  sizes: number[];
  /** Repetitions of every measured figure; the table shows their median, min and max. */
  runs: number;
  /** Accounts in the org, so the no-change sync can be measured per model. */
  accounts: number;
  /** Connections of the at-scale section, each syncing `scaleRecords` contacts every `scaleFrequency`. */
  connections: number;
  scaleFrequency: string;
  scaleRecords: number;
  /** Scheduled cycles observed at scale; each is one run of its figures. */
  scaleCycles: number;
  /** Connections of the idle section, each syncing `scaleRecords` contacts hourly, observed for `idleWindowSeconds`. */
  idleConnections: number;
  idleWindowSeconds: number;
  /** The worker's sticky cache (workflows kept in memory); undefined: the SDK's default, from the heap limit. */
  workerCache?: number;
  /** The records API is read to the end at sizes up to this; above it only `recordsPages` pages (FerretDB scans per page). */
  recordsMaxSize: number;
  recordsPages: number;
  /** Connections and runs the console section seeds before timing its answers. */
  consoleConnections: number;
  consoleRuns: number;
  sections: Section[];
  /** Allow sizes that FerretDB cannot hold in memory (see run-bench.ts). */
  forceSizes: boolean;
  out: string;
}

export const SECTIONS = ['sync', 'records', 'scale', 'writes', 'idle', 'dev', 'console'] as const;
export type Section = (typeof SECTIONS)[number];

const QUICK: Omit<BenchOptions, 'out'> = {
  mode: 'quick',
  sizes: [10_000],
  runs: 3,
  accounts: 100,
  connections: 50,
  scaleFrequency: '1m',
  scaleRecords: 20,
  scaleCycles: 2,
  idleConnections: 50,
  idleWindowSeconds: 30,
  recordsMaxSize: 10_000,
  recordsPages: 3,
  consoleConnections: 10_000,
  consoleRuns: 100_000,
  sections: [...SECTIONS],
  forceSizes: false,
};

const FULL: Omit<BenchOptions, 'out'> = {
  ...QUICK,
  mode: 'full',
  sizes: [10_000, 100_000],
  connections: 200,
  scaleCycles: 3,
  idleConnections: 500,
  idleWindowSeconds: 60,
};

export const USAGE = `Usage: npm run bench [-- options]

  --quick                 the default: 10k contacts, 3 runs, 50 connections for 2 cycles of 1m, 50 idle (a few minutes)
  --full                  10k and 100k contacts, 3 runs, 200 connections for 3 cycles, 500 idle (15-20 minutes)
  --sizes 10000,100000    contacts per initial sync; above 1000000 on FerretDB needs --force-sizes
                          (the records API goal at 1M is measured only with --sizes …,1000000)
  --force-sizes           run sizes above 1000000 on FerretDB anyway
  --runs 3                repetitions; the table shows median, min and max
  --accounts 100          accounts in the org (the no-change sync is measured per model)
  --connections 50        connections at scale
  --frequency 1m          their sync frequency
  --scale-records 20      contacts each of them syncs
  --cycles 2              scheduled cycles observed at scale
  --idle-connections 50   connections syncing hourly, observed between runs (the goal is at 10000)
  --idle-window 30        seconds the idle connections are observed
  --worker-cache N        the worker's TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS (default: the SDK's, ~2,300 on a 4 GB heap)
  --records-max 10000     read the whole records API at sizes up to this; above it only the first pages
  --records-pages 3       pages read above --records-max
  --console-connections 10000  connections seeded for the console section (the goal is at 10000)
  --console-runs 100000   runs seeded for it (the goal is at 100000)
  --sections sync,records,scale,writes,idle,dev,console
  --out .data/bench/results.md

Every flag can also be given as an environment variable: BENCH_SIZES, BENCH_RUNS, BENCH_CONNECTIONS, …
TEMPORAL_ADDRESS and MONGODB_URI point the bench at running services; otherwise it starts its own, as npm test does.`;

const FLAGS: Record<string, keyof BenchOptions> = {
  sizes: 'sizes',
  runs: 'runs',
  accounts: 'accounts',
  connections: 'connections',
  frequency: 'scaleFrequency',
  'scale-records': 'scaleRecords',
  cycles: 'scaleCycles',
  'idle-connections': 'idleConnections',
  'idle-window': 'idleWindowSeconds',
  'worker-cache': 'workerCache',
  'records-max': 'recordsMaxSize',
  'records-pages': 'recordsPages',
  'console-connections': 'consoleConnections',
  'console-runs': 'consoleRuns',
  sections: 'sections',
  out: 'out',
};

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, defaultOut: string): BenchOptions {
  const preset = argv.includes('--full') || env.BENCH_MODE === 'full' ? FULL : QUICK;
  const forced = env.BENCH_FORCE_SIZES === '1';
  const options: BenchOptions = { ...preset, sizes: [...preset.sizes], sections: [...preset.sections], forceSizes: forced, out: defaultOut };
  const given = new Map<keyof BenchOptions, string>();
  for (const [flag, key] of Object.entries(FLAGS)) {
    const fromEnv = env[`BENCH_${flag.replace(/-/g, '_').toUpperCase()}`];
    if (fromEnv !== undefined) given.set(key, fromEnv);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--full' || arg === '--quick') continue;
    if (arg === '--force-sizes') {
      options.forceSizes = true;
      continue;
    }
    const [flag, inline] = arg.replace(/^--/, '').split('=', 2);
    const key = FLAGS[flag];
    if (!arg.startsWith('--') || !key) throw new Error(`unknown argument "${arg}"\n\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${flag} needs a value\n\n${USAGE}`);
    given.set(key, value);
  }
  for (const [key, value] of given) apply(options, key, value);
  return options;
}

function apply(options: BenchOptions, key: keyof BenchOptions, value: string): void {
  const positive = (text: string, what: string): number => {
    const number = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(number) || number < 1) throw new Error(`${what} must be a positive integer, got "${text}"`);
    return number;
  };
  switch (key) {
    case 'sizes':
      options.sizes = value.split(',').map((part) => positive(part.trim(), 'each size')).sort((a, b) => a - b);
      return;
    case 'sections': {
      const sections = value.split(',').map((part) => part.trim());
      const unknown = sections.filter((section) => !(SECTIONS as readonly string[]).includes(section));
      if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; use ${SECTIONS.join(', ')}`);
      options.sections = sections as Section[];
      return;
    }
    case 'scaleFrequency':
      if ((parseDuration(value) ?? 0) < 1000) throw new Error(`frequency must be a duration of at least 1s like "1m", got "${value}"`);
      options.scaleFrequency = value;
      return;
    case 'out':
      options.out = value;
      return;
    case 'runs':
    case 'accounts':
    case 'connections':
    case 'scaleRecords':
    case 'scaleCycles':
    case 'idleConnections':
    case 'idleWindowSeconds':
    case 'workerCache':
    case 'recordsMaxSize':
    case 'recordsPages':
    case 'consoleConnections':
    case 'consoleRuns':
      options[key] = positive(value, `--${Object.keys(FLAGS).find((flag) => FLAGS[flag] === key)}`);
      return;
    default:
      throw new Error(`${key} cannot be set`);
  }
}
