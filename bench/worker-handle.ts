// Starts bench/worker-process.ts as its own process (so its CPU and memory are its own) and reads its probe.
import type { ChildProcess } from 'node:child_process';
import { stopProcess } from '../devstack/processes';
import { spawnWorkerProcess, waitUntilPolling } from '../devstack/worker-process';

export const PROBE_LINE = 'BENCH_WORKER_PROBE';

/** Per `collection.command`: how many commands, how many documents they carried, how long the server took. */
export type CommandCounters = Record<string, { commands: number; documents: number; ms: number }>;

export interface WorkerProbe {
  pid: number;
  commands: CommandCounters;
}

export interface WorkerHandle {
  /** The worker's node process (not a wrapper), for /proc. */
  pid: number;
  probe(): Promise<WorkerProbe>;
  stop(): Promise<void>;
}

/**
 * `isPolling(pid)` tells when the worker is ready: its pollers show up on the task queue under its identity (Temporal's
 * default identity starts with the pid), whatever the worker logs.
 */
export async function startWorkerProcess(
  env: Record<string, string>,
  logFile: string,
  isPolling: (pid: number) => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<WorkerHandle> {
  const child = spawnWorkerProcess('bench/worker-process.ts', env, logFile);
  const deadline = Date.now() + timeoutMs;
  const port = await waitForProbeLine(child, timeoutMs, logFile);
  await waitUntilPolling(child, isPolling, { deadline, logFile });
  return {
    pid: child.pid as number,
    async probe() {
      const response = await fetch(`http://127.0.0.1:${port}/probe`);
      return (await response.json()) as WorkerProbe;
    },
    stop: () => stopProcess(child),
  };
}

function waitForProbeLine(child: ChildProcess, timeoutMs: number, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`the bench worker did not start within ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = new RegExp(`${PROBE_LINE} (\\d+)`).exec(buffered);
      if (!match) {
        buffered = buffered.slice(-200);
        return;
      }
      cleanup();
      resolve(Number(match[1]));
    };
    const onExit = (code: number | null) => fail(new Error(`the bench worker exited with code ${code} before it was ready (log: ${logFile})`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (error: Error) => {
      cleanup();
      void stopProcess(child).finally(() => reject(error));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** What the worker did between two probes. */
export function commandsBetween(before: WorkerProbe, after: WorkerProbe): CommandCounters {
  const delta: CommandCounters = {};
  for (const [key, counter] of Object.entries(after.commands)) {
    const earlier = before.commands[key] ?? { commands: 0, documents: 0, ms: 0 };
    const commands = counter.commands - earlier.commands;
    if (commands > 0) delta[key] = { commands, documents: counter.documents - earlier.documents, ms: counter.ms - earlier.ms };
  }
  return delta;
}

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

export function writeCommands(counters: CommandCounters, collections: readonly string[]): number {
  return Object.entries(counters)
    .filter(([key]) => {
      const [collection, command] = key.split('.');
      return collections.includes(collection) && WRITE_COMMANDS.has(command);
    })
    .reduce((sum, [, counter]) => sum + counter.commands, 0);
}
