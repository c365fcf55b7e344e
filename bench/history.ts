// What a connection's sync cost Temporal: history events and bytes over every run of the workflow (continue-as-new
// included), and how long the activities took, to tell engine time from orchestration time.
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { connectionWorkflowId } from '../contracts/connection-workflow-messages';

export interface HistoryCost {
  runs: number;
  events: number;
  bytes: number;
  /** Started → completed time per activity type, summed, in seconds. */
  activitySeconds: Record<string, number>;
}

export async function connectionHistory(client: Client, connectionId: string): Promise<HistoryCost> {
  const workflowId = connectionWorkflowId(connectionId);
  const cost: HistoryCost = { runs: 0, events: 0, bytes: 0, activitySeconds: {} };
  let runId: string | undefined;
  // The newest run first, then back along continuedExecutionRunId.
  for (;;) {
    const handle = client.workflow.getHandle(workflowId, runId);
    const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    const events = history.events ?? [];
    cost.runs++;
    cost.events += events.length;
    cost.bytes += description.historySize ?? 0;
    addActivityTimes(events, cost.activitySeconds);
    const previous = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return cost;
    runId = previous;
  }
}

type HistoryEvents = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>;

function addActivityTimes(events: HistoryEvents, seconds: Record<string, number>): void {
  const typeOfScheduled = new Map<string, string>();
  const startedAt = new Map<string, number>();
  for (const event of events) {
    const id = String(event.eventId);
    const time = tsToMs(event.eventTime);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeOfScheduled.set(id, scheduled.activityType?.name ?? 'unknown');
    const started = event.activityTaskStartedEventAttributes;
    if (started) startedAt.set(String(started.scheduledEventId), time);
    // Started events of retried activities are written only when the attempt ends, so pair on the completion.
    const ended = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (ended) {
      const scheduledId = String(ended.scheduledEventId);
      const type = typeOfScheduled.get(scheduledId) ?? 'unknown';
      const begin = startedAt.get(scheduledId);
      if (begin !== undefined) seconds[type] = (seconds[type] ?? 0) + (time - begin) / 1000;
    }
  }
}
