// The task queues of one deployment: connection workflows and their sync slices on the main queue, control work beside it.

/**
 * Token refreshes, run bookkeeping, status writes and webhook deliveries: short activities a connection cannot wait
 * for behind hours of sync slices, so they have a queue (and worker slots) of their own.
 */
export function controlTaskQueue(taskQueue: string): string {
  return `${taskQueue}-control`;
}
