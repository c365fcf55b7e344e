// One scenario's Tributary: the test stack (own database, task queue, sandbox org, webhook receiver, API in this
// process) with the worker as a separate process that the scenario kills and restarts.
import { join } from 'node:path';
import { pollsTaskQueue, startWorkerProcess, type WorkerProcess } from '../devstack/worker-process';
import { startTestStack, type TestStack } from '../test/support/test-stack';
import type { ChaosContext } from './context';

export interface ChaosStackOptions {
  name: string;
  /** A killed worker's sync slice is retried elsewhere after this long without a heartbeat. */
  heartbeatTimeoutMs?: number;
  maxSliceMs?: number;
  webhookRetryForMs?: number;
  webhookTimeoutSeconds?: number;
}

export interface ChaosWorker {
  start(): Promise<void>;
  /** SIGKILL, then nothing runs until `start`. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
  /** Exits nobody asked for (a worker that crashed on its own is a finding): restarted, and reported. */
  readonly unexpectedExits: string[];
}

export interface ChaosStack extends TestStack {
  worker: ChaosWorker;
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
  const logFile = join(context.logDir, `${options.name}-worker.log`);
  const env = {
    ...stack.workerEnv,
    LOG_LEVEL: 'warn',
    TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS: String(options.webhookTimeoutSeconds ?? 5),
  };
  const isPolling = pollsTaskQueue(stack.temporal, stack.taskQueue);
  let current: WorkerProcess | null = null;
  let stopping = false;
  const unexpectedExits: string[] = [];

  const worker: ChaosWorker = {
    get running() {
      return current !== null;
    },
    unexpectedExits,
    async start() {
      if (current) return;
      const started = await startWorkerProcess({ env, logFile, isPolling });
      current = started;
      started.child.once('exit', (code, signal) => {
        if (current !== started) return; // killed or stopped on purpose
        current = null;
        unexpectedExits.push(`worker ${started.pid} exited on its own (${signal ?? `code ${code}`})`);
        context.log(`  ! ${unexpectedExits.at(-1)}; restarting it`);
        if (!stopping) void worker.start().catch((error: unknown) => context.log(`  ! worker restart failed: ${String(error)}`));
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
  };

  return {
    ...stack,
    worker,
    async connectAll(connectionIds, syncs) {
      for (const connectionId of connectionIds) {
        const created = await stack.connectSalesforce(connectionId, syncs);
        if (created.status !== 201) throw new Error(`connect ${connectionId}: ${created.status} ${JSON.stringify(created.body)}`);
      }
    },
    async close() {
      stopping = true;
      await worker.stop();
      await stack.close();
    },
  };
}
