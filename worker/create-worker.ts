// Wires a Temporal worker: the workflows bundle plus activities built from a store, the catalog and settings.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities';

export interface TributaryWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** How long in-flight activities may run on after shutdown begins before they are cancelled (SDK default: 0). */
  shutdownGraceTimeMs?: number;
}

export async function createTributaryWorker(options: TributaryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(options.dependencies),
    ...(options.shutdownGraceTimeMs === undefined ? {} : { shutdownGraceTime: options.shutdownGraceTimeMs }),
  });
}
