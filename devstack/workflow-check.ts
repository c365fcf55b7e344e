// `npm run dev`'s check of workflow code before a worker runs it: bundles the workflows as they are on disk and, when
// the bundle differs from the one the worker runs, replays the replay corpus against it in this process.
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCorpus, replayCorpus, type ReplayFailure } from './replay-corpus';

const WORKFLOWS_ENTRY = join(__dirname, '..', 'workflows', 'index.ts');

export type WorkflowCheckResult =
  /** `replayed`: how many histories replayed (0 when the bundle was the running one, or no corpus was asked for). */
  | { outcome: 'bundled'; bundlePath: string; hash: string; replayed: number; ms: number }
  | { outcome: 'nondeterministic'; failures: ReplayFailure[]; histories: number; ms: number }
  | { outcome: 'unbundlable'; message: string; ms: number };

export interface WorkflowCheckRequest {
  /** Where to write the bundle when it may run: the worker loads exactly the code that was checked. */
  bundlePath: string;
  /** The hash of the bundle the worker runs now; null for the stack's first worker, which nothing is replayed for. */
  runningHash: string | null;
  /** Where the histories are (tests point it elsewhere); the repository's corpus by default. */
  historiesDir?: string;
}

let runtimeInstalled = false;

export async function checkWorkflowCode({ bundlePath, runningHash, historiesDir }: WorkflowCheckRequest): Promise<WorkflowCheckResult> {
  const startedAt = Date.now();
  installQuietRuntime();
  let code: string;
  try {
    ({ code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, logger: quietLogger() }));
  } catch (error) {
    return { outcome: 'unbundlable', message: error instanceof Error ? error.message : String(error), ms: Date.now() - startedAt };
  }
  const hash = createHash('sha256').update(code).digest('hex');
  let replayed = 0;
  // A sync file or activity changes no workflow code: only a changed bundle can break a running connection's replay.
  if (runningHash !== null && hash !== runningHash) {
    const corpus = readCorpus(historiesDir);
    const failures = await replayCorpus({ workflowBundle: { code } }, corpus);
    if (failures.length > 0) return { outcome: 'nondeterministic', failures, histories: corpus.length, ms: Date.now() - startedAt };
    replayed = corpus.length;
  }
  mkdirSync(dirname(bundlePath), { recursive: true });
  // Write then rename: a worker must never load a half-written bundle.
  writeFileSync(`${bundlePath}.tmp`, code);
  renameSync(`${bundlePath}.tmp`, bundlePath);
  return { outcome: 'bundled', bundlePath, hash, replayed, ms: Date.now() - startedAt };
}

/**
 * The replay worker runs on this process's SDK runtime. A nondeterministic history is an answer here, not a problem:
 * the core's own warning for each, and the replay worker's state changes, would only be noise in the terminal.
 */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } } });
  runtimeInstalled = true;
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => process.stderr.write(`${message}\n`) };
}
