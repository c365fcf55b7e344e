// `npm run bench [-- --full | --sizes … --runs …]`: measures Tributary on the real stack and prints one markdown table,
// also written to .data/bench/results.md. Not a test: figures depend on the machine and on what else runs on it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseBenchOptions, USAGE } from './options';
import { runBench, stopRunningBench } from './run-bench';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = parseBenchOptions(argv, process.env, join(__dirname, '..', '.data', 'bench', 'results.md'));
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // npm and tsx relay the terminal's Ctrl-C again: a second signal must not cut the cleanup short.
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the worker and the services the bench started`);
    void stopRunningBench().finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const { markdown } = await runBench(options, log);
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  process.stdout.write(`\n${markdown}`);
  log(`written to ${out}`);
}

main().then(
  // Connections and timers of the services' clients may linger; the bench is done.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
