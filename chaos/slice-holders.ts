// Which worker process runs a given run's sync slice right now, per Temporal: the slice's attempt in progress and its worker identity (`<pid>@host`).
import { defaultPayloadConverter } from '@temporalio/common';
import type { SyncRunDocument } from '../store/sync-runs';
import type { ChaosStack, ChaosWorker } from './stack';
import { waitForSyncUnderWay, type RunUnderWay } from './workload';

/** PENDING_ACTIVITY_STATE_STARTED in temporal.api.enums.v1: a worker has the slice and has not handed it back. */
const STARTED = 2;

/**
 * The pid of the worker process whose attempt of `runId`'s slice is in progress, or null when none is (between two
 * slices, or an attempt that failed or timed out waiting for its retry). A connection syncs several models, each
 * with a slice of its own: the run a slice belongs to is read from the input it was scheduled with, never guessed
 * from the connection.
 */
export async function sliceHolder(stack: ChaosStack, connectionId: string, runId: string): Promise<number | null> {
  const handle = stack.temporal.workflow.getHandle(stack.workflowId(connectionId));
  const description = await handle.describe();
  const started = new Map<string, number>();
  for (const activity of description.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'syncModelSlice' || activity.state !== STARTED || !activity.activityId) continue;
    const pid = Number(activity.lastWorkerIdentity?.split('@')[0]);
    if (Number.isInteger(pid) && pid > 0) started.set(activity.activityId, pid);
  }
  if (started.size === 0) return null;
  // The same run of the workflow as the description: the pending activities' scheduling events are in its history.
  const history = await stack.temporal.workflow.getHandle(handle.workflowId, description.runId).fetchHistory();
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const pid = scheduled?.activityId ? started.get(scheduled.activityId) : undefined;
    if (pid === undefined) continue;
    const payload = scheduled?.input?.payloads?.[0];
    const input = payload ? defaultPayloadConverter.fromPayload<{ runId?: string }>(payload) : null;
    if (input?.runId === runId) return pid;
  }
  return null;
}

/**
 * Waits for a run under way (stored pages, more to read: see waitForSyncUnderWay) whose slice one of `candidates`
 * runs, per sliceHolder. Pages stay slowed to HOLD_MS, as there. `before` is the run as stored before its holder was
 * looked up: a slice that ends between the look-up and the fault (handed back after its time, or done) is then
 * counted in what the fault is compared with, not taken for the run's state before it.
 */
export async function waitForSliceHeldBy(
  stack: ChaosStack,
  connectionIds: string[],
  candidates: ChaosWorker[],
  { timeoutMs = 180_000 } = {},
): Promise<{ underWay: RunUnderWay; holder: ChaosWorker; before: SyncRunDocument }> {
  const deadline = Date.now() + timeoutMs;
  let seen = 'none';
  for (;;) {
    const underWay = await waitForSyncUnderWay(stack, connectionIds, { timeoutMs: Math.max(1000, deadline - Date.now()) });
    const before = await stack.store.runs.require(underWay.runId);
    const pid = await sliceHolder(stack, underWay.connectionId, underWay.runId);
    seen = pid === null ? `no attempt of ${underWay.runId} in progress` : `pid ${pid}`;
    const holder = pid === null ? undefined : candidates.find((worker) => worker.pid === pid);
    if (holder) return { underWay, holder, before };
    if (Date.now() > deadline) {
      const wanted = candidates.map((worker) => `${worker.label} (${worker.pid ?? 'stopped'})`).join(', ');
      throw new Error(`no run under way had its slice run by one of ${wanted} within ${timeoutMs / 1000} s (last seen: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
