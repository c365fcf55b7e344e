// Runs a Tributary worker as its own process (to measure it, or to kill it) and tells when it really polls.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { signalGroup, spawnLogged, stopProcess } from './processes';

const ROOT = join(__dirname, '..');
/** TASK_QUEUE_TYPE_ACTIVITY in temporal.api.enums.v1.TaskQueueType. */
const ACTIVITY_TASK_QUEUE = 2;

export interface WorkerProcess {
  /** The worker's node process itself (not a wrapper), for /proc and for its poller identity. */
  pid: number;
  child: ChildProcess;
  /** SIGTERM: the worker hands its tasks back and exits. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would: nothing is handed back. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** `entry` relative to the repository, e.g. `worker/main.ts`. Node with `--import tsx`, so the pid is the worker's own. */
export function spawnWorkerProcess(entry: string, env: Record<string, string>, logFile: string): ChildProcess {
  return spawnLogged(process.execPath, ['--import', 'tsx', join(ROOT, entry)], { cwd: ROOT, env: { ...process.env, ...env }, logFile });
}

/**
 * Resolves once `isPolling(pid)` holds; stops the process and throws if it exits or the deadline passes first.
 * A poller on the task queue is the only sure sign of a ready worker: it bundles or loads workflows first.
 */
export async function waitUntilPolling(
  child: ChildProcess,
  isPolling: (pid: number) => Promise<boolean>,
  { deadline, logFile }: { deadline: number; logFile: string },
): Promise<void> {
  const pid = child.pid as number;
  while (!(await isPolling(pid).catch(() => false))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`the worker process did not start polling (exit code ${child.exitCode}; log: ${logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Whether a worker of this pid polls the task queue's activities (the SDK's default identity is `<pid>@<host>`). */
export function pollsTaskQueue(client: Client, taskQueue: string, namespace = 'default'): (pid: number) => Promise<boolean> {
  return async (pid) => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: ACTIVITY_TASK_QUEUE,
    });
    return pollers.some((poller) => poller.identity?.startsWith(`${pid}@`));
  };
}

/** Starts worker/main.ts (or another entry) and resolves once it polls. */
export async function startWorkerProcess(options: {
  env: Record<string, string>;
  logFile: string;
  isPolling: (pid: number) => Promise<boolean>;
  entry?: string;
  timeoutMs?: number;
}): Promise<WorkerProcess> {
  const child = spawnWorkerProcess(options.entry ?? 'worker/main.ts', options.env, options.logFile);
  await waitUntilPolling(child, options.isPolling, { deadline: Date.now() + (options.timeoutMs ?? 120_000), logFile: options.logFile });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid: child.pid as number,
    child,
    stop: () => stopProcess(child),
    async kill() {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
}
