// Wires the Temporal workers of one process: the main one (workflows and sync slices) and the control one beside it.
import { NativeConnection, Worker, type State } from '@temporalio/worker';
import { controlActivitiesOf, createActivities, type ActivityDependencies } from '../activities';
import { controlTaskQueue } from '../contracts/task-queues';

export interface TributaryWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Activities (in practice sync slices) the main worker runs at once; default: the SDK's 100. */
  maxConcurrentSyncSlices?: number;
  /** Workflows kept in memory between their tasks (the sticky cache); default: the SDK's, from the heap limit. */
  maxCachedWorkflows?: number;
  /** Control activities (refreshes, bookkeeping, webhooks) the control worker runs at once. */
  maxConcurrentControlActivities?: number;
  /** How long in-flight activities may run on after shutdown begins before they are cancelled (SDK default: 0). */
  shutdownGraceTimeMs?: number;
}

const DEFAULT_CONTROL_SLOTS = 20;

/**
 * Two workers, run and stopped together. Sync slices hold a slot for minutes; on a queue of their own, control
 * activities find free slots however busy the syncs are (a token due for refresh is refreshed on time).
 */
export interface TributaryWorkers {
  main: Worker;
  control: Worker;
  /** Runs both until `shutdown()` (or a signal); if one fails, the other is shut down and the failure thrown. */
  run(): Promise<void>;
  shutdown(): void;
  /** RUNNING only when both poll their queues. */
  state(): State;
}

export async function createTributaryWorkers(options: TributaryWorkerOptions): Promise<TributaryWorkers> {
  const activities = createActivities(options.dependencies);
  const main = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    // Every activity, control ones included: a workflow that scheduled one here before the control queue existed
    // (or replays history from then) still finds it.
    activities,
    ...(options.maxConcurrentSyncSlices ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentSyncSlices } : {}),
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.shutdownGraceTimeMs === undefined ? {} : { shutdownGraceTime: options.shutdownGraceTimeMs }),
  });
  const control = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: controlTaskQueue(options.taskQueue),
    activities: controlActivitiesOf(activities),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentControlActivities ?? DEFAULT_CONTROL_SLOTS,
    ...(options.shutdownGraceTimeMs === undefined ? {} : { shutdownGraceTime: options.shutdownGraceTimeMs }),
  });
  const workers = [main, control];
  return {
    main,
    control,
    async run() {
      const runs = workers.map((worker) =>
        worker.run().catch((error: unknown) => {
          for (const other of workers) if (other !== worker && other.getState() === 'RUNNING') other.shutdown();
          throw error;
        }),
      );
      const outcomes = await Promise.allSettled(runs);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
    state() {
      return workers.find((worker) => worker.getState() !== 'RUNNING')?.getState() ?? 'RUNNING';
    },
  };
}
