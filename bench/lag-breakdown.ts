// Where a scheduled run's start lag goes, read from workflow histories: the timer firing late, the workflow task that
// schedules beginSyncRun, the activity waiting for a worker slot, and beginSyncRun's own queries before it records the start.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { connectionWorkflowId } from '../contracts/connection-workflow-messages';
import type { BeginSyncRunInput } from '../contracts/activity-messages';

export interface LagBreakdown {
  samples: number;
  /** Mean milliseconds per segment. */
  timerLate: number;
  workflowTask: number;
  activityDispatch: number;
  beforeInsert: number;
}

/** `dueOf` gives the due time of a run (by run id) for runs that were scheduled ones; others are skipped. */
export async function lagBreakdown(
  client: Client,
  connectionIds: string[],
  dueOf: (runId: string) => number | undefined,
  startOf: (runId: string) => number | undefined,
): Promise<LagBreakdown> {
  const sums = { timerLate: 0, workflowTask: 0, activityDispatch: 0, beforeInsert: 0 };
  let samples = 0;
  for (const connectionId of connectionIds) {
    const history = await client.workflow.getHandle(connectionWorkflowId(connectionId)).fetchHistory();
    let timerFiredAt: number | null = null;
    const scheduled = new Map<string, { runId: string; at: number; timerFiredAt: number }>();
    for (const event of history.events ?? []) {
      const at = tsToMs(event.eventTime);
      if (event.timerFiredEventAttributes) timerFiredAt = at;
      const activity = event.activityTaskScheduledEventAttributes;
      if (activity?.activityType?.name === 'beginSyncRun' && timerFiredAt !== null) {
        const payload = activity.input?.payloads?.[0];
        const input = payload ? defaultPayloadConverter.fromPayload<BeginSyncRunInput>(payload) : null;
        if (input) scheduled.set(String(event.eventId), { runId: input.runId, at, timerFiredAt });
        timerFiredAt = null;
      }
      const started = event.activityTaskStartedEventAttributes;
      const begin = started ? scheduled.get(String(started.scheduledEventId)) : undefined;
      if (!begin) continue;
      const due = dueOf(begin.runId);
      const recordedStart = startOf(begin.runId);
      if (due === undefined || recordedStart === undefined) continue;
      sums.timerLate += begin.timerFiredAt - due;
      sums.workflowTask += begin.at - begin.timerFiredAt;
      sums.activityDispatch += at - begin.at;
      sums.beforeInsert += recordedStart - at;
      samples++;
    }
  }
  const mean = (sum: number) => (samples === 0 ? Number.NaN : sum / samples);
  return {
    samples,
    timerLate: mean(sums.timerLate),
    workflowTask: mean(sums.workflowTask),
    activityDispatch: mean(sums.activityDispatch),
    beforeInsert: mean(sums.beforeInsert),
  };
}
