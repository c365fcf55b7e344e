// Which worker process runs a sync slice right now, per Temporal: a started slice's last worker identity (`<pid>@host`).
import type { ChaosStack, ChaosWorker } from './stack';
import { waitForSyncUnderWay, type RunUnderWay } from './workload';

/** PENDING_ACTIVITY_STATE_STARTED in temporal.api.enums.v1: a worker has the slice and has not handed it back. */
const STARTED = 2;

/** Pids of the worker processes running a sync slice of this connection. */
export async function sliceHolders(stack: ChaosStack, connectionId: string): Promise<Set<number>> {
  const description = await stack.temporal.workflow.getHandle(stack.workflowId(connectionId)).describe();
  const pids = new Set<number>();
  for (const activity of description.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'syncModelSlice' || activity.state !== STARTED) continue;
    const pid = Number(activity.lastWorkerIdentity?.split('@')[0]);
    if (Number.isInteger(pid) && pid > 0) pids.add(pid);
  }
  return pids;
}

/**
 * Waits for a run under way (stored pages, more to read: see waitForSyncUnderWay) whose slice one of `candidates`
 * certainly runs: the only worker holding a slice of that connection. Two holders (both models of the connection on
 * different workers) leave open which has this run, so the wait goes on. Pages stay slowed to HOLD_MS, as there.
 */
export async function waitForSliceHeldBy(
  stack: ChaosStack,
  connectionIds: string[],
  candidates: ChaosWorker[],
  { timeoutMs = 180_000 } = {},
): Promise<{ underWay: RunUnderWay; holder: ChaosWorker }> {
  const deadline = Date.now() + timeoutMs;
  let seen = 'none';
  for (;;) {
    const underWay = await waitForSyncUnderWay(stack, connectionIds, { timeoutMs: Math.max(1000, deadline - Date.now()) });
    const holders = await sliceHolders(stack, underWay.connectionId);
    seen = holders.size === 0 ? 'none' : [...holders].join(' and ');
    const holder = holders.size === 1 ? candidates.find((worker) => worker.pid !== null && holders.has(worker.pid)) : undefined;
    if (holder) return { underWay, holder };
    if (Date.now() > deadline) {
      const wanted = candidates.map((worker) => `${worker.label} (${worker.pid ?? 'stopped'})`).join(', ');
      throw new Error(`no run under way was held by one of ${wanted} alone within ${timeoutMs / 1000} s (last seen holders: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
