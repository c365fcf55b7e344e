// Scenario u: a release. Connections sync on the previous release's worker (built from its git commit), which is
// SIGTERMed mid-sync and replaced by the current code; the syncs must finish without a single failed workflow task.
import type { Client } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pollsTaskQueue, startWorkerProcess, type WorkerProcess } from '../devstack/worker-process';
import type { ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack, type ChaosStack } from './stack';
import { verify } from './verify';
import { HOURLY, landedMidRun, runsInFlight, seedOrg, waitForSyncUnderWay, type OrgSize } from './workload';
import { workerEnvironment } from '../worker/config';

const ROOT = join(__dirname, '..');
/** The commit this branch of the code started from: the release running in production when it ships. */
export const DEFAULT_PREVIOUS_RELEASE = 'b854739';
/** WorkflowTaskFailedCause UNHANDLED_COMMAND: the server saw new events while the task ran and asks again; routine. */
const UNHANDLED_COMMAND = 1;

export interface UpgradeParams {
  connections: number;
  org: OrgSize;
  pageDelayMs: number;
  settleTimeoutMs: number;
  /** A git revision of the previous release (`--from`). */
  from?: string;
}

/** The previous release's source: a detached git worktree sharing this checkout's node_modules. Removed by `remove`. */
interface PreviousRelease {
  rev: string;
  sha: string;
  dir: string;
  remove(): void;
}

function checkOutPrevious(rev: string): PreviousRelease {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const sha = git('rev-parse', '--short', `${rev}^{commit}`);
  const parent = mkdtempSync(join(tmpdir(), 'tributary-previous-'));
  const dir = join(parent, 'tree');
  git('worktree', 'add', '--detach', dir, sha);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    try {
      git('worktree', 'remove', '--force', dir);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      git('worktree', 'prune');
    }
    rmSync(parent, { recursive: true, force: true });
  };
  // A run interrupted by Ctrl-C or a kill must not leave a worktree registered in the repository.
  process.once('exit', remove);
  // The dependencies of today (a release that changed them would need its own install; this one links ours).
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { rev, sha, dir, remove };
}

/** Workflow tasks that failed in any workflow of the task queue (connections and webhook deliveries), in words. */
async function failedWorkflowTasks(client: Client, taskQueue: string): Promise<string[]> {
  const failures: string[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const failed = event.workflowTaskFailedEventAttributes;
      if (!failed || failed.cause === UNHANDLED_COMMAND) continue;
      failures.push(`${execution.workflowId}: workflow task failed (cause ${failed.cause}): ${failed.failure?.message ?? 'no message'}`);
    }
  }
  return failures;
}

/**
 * Waits until the runs the previous release started have ended on the current code, or a workflow task fails: a
 * nondeterminism error retries forever, so waiting for the runs alone would only end in a timeout that names nothing.
 */
async function failuresWhileRunsFinish(stack: ChaosStack, connectionIds: string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failures = await failedWorkflowTasks(stack.temporal, stack.taskQueue);
    if (failures.length > 0 || (await runsInFlight(stack, connectionIds)) === 0) return failures;
    if (Date.now() > deadline) return [`the runs in flight at the upgrade had not ended ${timeoutMs / 1000} s later`];
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function upgrade(context: ChaosContext, params: UpgradeParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const previous = checkOutPrevious(params.from ?? DEFAULT_PREVIOUS_RELEASE);
  const onSignal = (signal: NodeJS.Signals) => {
    previous.remove();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let oldWorker: WorkerProcess | null = null;
  const stack = await startChaosStack(context, { name: 'chaos-upgrade' });
  try {
    const ids = Array.from({ length: params.connections }, (_, i) => `upgrade-${i + 1}`);
    seedOrg(stack.sandbox, params.org);
    stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
    // The previous release bundles its own workflow code at start, as its deployment did: not today's bundle.
    const env = workerEnvironment({ ...stack.workerConfig, TRIBUTARY_WORKFLOW_BUNDLE: undefined });
    const logFile = join(context.logDir, 'chaos-upgrade-previous-worker.log');
    oldWorker = await startWorkerProcess({
      entry: relative(ROOT, join(previous.dir, 'worker', 'main.ts')),
      env: { ...env, LOG_LEVEL: 'warn' },
      logFile,
      isPolling: pollsTaskQueue(stack.temporal, stack.taskQueue),
      timeoutMs: 240_000,
    });
    context.log(`  previous release ${previous.sha} (${previous.rev}) polling as pid ${oldWorker.pid}`);
    await stack.connectAll(ids, HOURLY);

    const underWay = await waitForSyncUnderWay(stack, ids);
    const replacedAt = new Date();
    await oldWorker.stop(); // SIGTERM, as a deploy does
    oldWorker = null;
    stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
    await stack.worker.start();
    const landing = await landedMidRun(stack, underWay, replacedAt);
    context.log(`  replaced by the current code ${Math.round((Date.now() - replacedAt.getTime()) / 100) / 10} s after SIGTERM; ${landing.text}`);

    const scenario = 'u. upgrade mid-sync';
    const faults = `worker of release ${previous.sha} SIGTERMed mid-sync and replaced by the current code, ${params.connections} connections × 2 models`;
    const stuck = await failuresWhileRunsFinish(stack, ids, params.settleTimeoutMs);
    if (stuck.length > 0) {
      // The current code cannot continue these workflows: no point in settling, report what is stored and why.
      const tally = await verify(stack, ids);
      tally.problems.unshift(...stuck);
      return { scenario, faults, tally, notes: [landing.text], seconds: (Date.now() - startedAt) / 1000 };
    }
    const result = await conclude(stack, ids, { scenario, faults, notes: [landing.text], startedAt, settleTimeoutMs: params.settleTimeoutMs });
    if (!landing.landed) result.tally.problems.push(landing.text);
    // Nondeterminism shows as failed workflow tasks (retried forever), not as lost records: look for them again.
    result.tally.problems.push(...(await failedWorkflowTasks(stack.temporal, stack.taskQueue)));
    return result;
  } finally {
    await oldWorker?.stop();
    await stack.close();
    previous.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
