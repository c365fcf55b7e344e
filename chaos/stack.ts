// One scenario's Tributary: the test stack (own database, task queue, sandbox org, webhook receiver, API in this
// process) with workers as separate processes that the scenario kills, drains and restarts.
import { join } from 'node:path';
import { stopProcess } from '../devstack/processes';
import { pollsTaskQueue, startWorkerProcess, type WorkerProcess } from '../devstack/worker-process';
import { startTestStack, type TestStack } from '../test/support/test-stack';
import type { ChaosContext } from './context';
import { workerEnvironment } from '../worker/config';

export interface ChaosStackOptions {
  name: string;
  /** A killed worker's sync slice is retried elsewhere after this long without a heartbeat. */
  heartbeatTimeoutMs?: number;
  maxSliceMs?: number;
  webhookRetryForMs?: number;
  webhookTimeoutSeconds?: number;
}

export interface ChaosWorker {
  /** For logs and reports: `worker`, `worker-2`, … */
  readonly label: string;
  start(): Promise<void>;
  /** SIGKILL, then nothing runs until `start`. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /**
   * SIGTERM, as a deploy or a scale-down does, and up to `graceMs` for the worker to hand its tasks back and exit by
   * itself before it is killed. Says how it ended: `code 0` is a clean drain.
   */
  drain(graceMs: number): Promise<string>;
  readonly running: boolean;
  /** The running process's pid (its poller identity is `<pid>@host`); null while stopped. */
  readonly pid: number | null;
  /** Every pid this worker has had, so the scenario can check that none outlived it. */
  readonly startedPids: number[];
  /** Exits nobody asked for (a worker that crashed on its own is a finding): restarted, and reported. */
  readonly unexpectedExits: string[];
}

export interface ChaosStack extends TestStack {
  /** The first worker process: every scenario has it. */
  worker: ChaosWorker;
  /** Another worker process on the same task queue and database, stopped with the stack. Not started yet. */
  addWorker(): ChaosWorker;
  /** Connects each id to the stack's sandbox org; throws unless 201. */
  connectAll(connectionIds: string[], syncs: Record<string, { frequency: string }>): Promise<void>;
}

export async function startChaosStack(context: ChaosContext, options: ChaosStackOptions): Promise<ChaosStack> {
  const stack = await startTestStack({
    name: options.name,
    inProcessWorker: false,
    temporalAddress: context.services.temporalAddress,
    mongoUri: context.services.mongoUri,
    maxSliceMs: options.maxSliceMs ?? 10_000,
    workflow: {
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 5000,
      webhookRetryForMs: options.webhookRetryForMs ?? 3_600_000,
    },
  });
  const env = {
    ...workerEnvironment({ ...stack.workerConfig, TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS: options.webhookTimeoutSeconds ?? 5 }),
    LOG_LEVEL: 'warn',
  };
  const isPolling = pollsTaskQueue(stack.temporal, stack.taskQueue);
  const workers: ChaosWorker[] = [];
  const state = { stopping: false };
  const addWorker = () => {
    const label = workers.length === 0 ? 'worker' : `worker-${workers.length + 1}`;
    const worker = chaosWorker(context, { label, env, logFile: join(context.logDir, `${options.name}-${label}.log`), isPolling, state });
    workers.push(worker);
    return worker;
  };

  return {
    ...stack,
    worker: addWorker(),
    addWorker,
    async connectAll(connectionIds, syncs) {
      for (const connectionId of connectionIds) {
        const created = await stack.connectSalesforce(connectionId, syncs);
        if (created.status !== 201) throw new Error(`connect ${connectionId}: ${created.status} ${JSON.stringify(created.body)}`);
      }
    },
    async close() {
      state.stopping = true;
      await Promise.all(workers.map((worker) => worker.stop()));
      await stack.close();
    },
  };
}

function chaosWorker(
  context: ChaosContext,
  { label, env, logFile, isPolling, state }: { label: string; env: Record<string, string>; logFile: string; isPolling: (pid: number) => Promise<boolean>; state: { stopping: boolean } },
): ChaosWorker {
  let current: WorkerProcess | null = null;
  const unexpectedExits: string[] = [];
  const startedPids: number[] = [];

  const worker: ChaosWorker = {
    label,
    get running() {
      return current !== null;
    },
    get pid() {
      return current?.pid ?? null;
    },
    startedPids,
    unexpectedExits,
    async start() {
      if (current || state.stopping || context.interrupted?.aborted) return;
      const started = await startWorkerProcess({ env, logFile, isPolling });
      startedPids.push(started.pid);
      current = started;
      started.child.once('exit', (code, signal) => {
        if (current !== started) return; // killed or stopped on purpose
        current = null;
        if (context.interrupted?.aborted) return; // the suite is being stopped: nothing restarts
        unexpectedExits.push(`${label} ${started.pid} exited on its own (${signal ?? `code ${code}`})`);
        context.log(`  ! ${unexpectedExits.at(-1)}; restarting it`);
        if (!state.stopping) void worker.start().catch((error: unknown) => context.log(`  ! ${label} restart failed: ${String(error)}`));
      });
    },
    async kill() {
      const victim = current;
      current = null;
      await victim?.kill();
    },
    async stop() {
      const running = current;
      current = null;
      await running?.stop();
    },
    async drain(graceMs) {
      const running = current;
      current = null;
      if (!running) return 'not running';
      const child = running.child;
      await stopProcess(child, graceMs);
      return child.signalCode ? `killed by ${child.signalCode}` : `code ${child.exitCode}`;
    },
  };
  return worker;
}
