// How the connection workflow calls its activities: bookkeeping and refreshes on the control queue, slices with the run's settings.
import { ActivityCancellationType, proxyActivities, workflowInfo, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { WorkflowSettings } from '../../contracts/connection-workflow-messages';
import { FailureType } from '../../contracts/failure-types';
import { controlTaskQueue } from '../../contracts/task-queues';

export interface ConnectionActivities {
  /** Run records, statuses and settings: short, and retried while the database is down. */
  bookkeeping: ActivityInterfaceFor<Activities>;
  /** Options for one sync slice, built from the settings of the moment. */
  syncOptions(): ActivityOptions;
  /** The credential refresh, with the settings of the moment. */
  refreshing(): ActivityInterfaceFor<Activities>;
}

/**
 * `settings` is read at each call: a run start or continue-as-new may have brought new ones from the worker, and a
 * run's begin may answer with newer ones.
 */
export function connectionActivities(onControlQueue: boolean, settings: () => WorkflowSettings): ConnectionActivities {
  // Refreshes and bookkeeping go to the control task queue, whose slots sync slices can never fill.
  const controlQueue = onControlQueue ? { taskQueue: controlTaskQueue(workflowInfo().taskQueue) } : {};
  const bookkeeping = proxyActivities<Activities>({
    ...controlQueue,
    startToCloseTimeout: '1 minute',
    // The database may be down for a while; bookkeeping waits for it rather than failing a run.
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const syncOptions = (): ActivityOptions => ({
    startToCloseTimeout: settings().sliceTimeoutMs,
    heartbeatTimeout: settings().heartbeatTimeoutMs,
    // A delete waits until the slice has really stopped writing, not just until it was asked to.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: '1 second',
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes: [FailureType.credentialsExpired, FailureType.rateLimited, FailureType.providerRejected, FailureType.gone],
    },
  });
  const refreshing = () =>
    proxyActivities<Activities>({
      ...controlQueue,
      startToCloseTimeout: '1 minute',
      // The refresh heartbeats while it waits for the token endpoint: a dead worker's attempt is given up in seconds.
      heartbeatTimeout: '15 seconds',
      scheduleToCloseTimeout: settings().refreshRetryForMs,
      retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.invalidGrant] },
    });
  return { bookkeeping, syncOptions, refreshing };
}
