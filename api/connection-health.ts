// Whether a connection's workflow can make progress, read from Temporal: workflow tasks that keep failing (a bad
// deploy, nondeterminism) or an activity that keeps failing are invisible in the database, which still says "active".
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type HealthState = 'ok' | 'stuck' | 'unknown';
/** Why a connection is stuck, as a bounded label (metrics) and for an operator's runbook (docs/operating.md). */
export type StuckCause = 'workflow_task_failing' | 'activity_failing' | 'workflow_not_running';

export interface ConnectionHealth {
  state: HealthState;
  cause: StuckCause | null;
  /** In words, with the last failure's message as Temporal recorded it; null when ok. */
  reason: string | null;
  /** When the problem began, as far as Temporal says; null when ok or not known. */
  since: Date | null;
}

export interface HealthThresholds {
  /** A workflow task on this attempt or later is failing, not unlucky: the first retry already failed. */
  workflowTaskAttempts: number;
  /** An activity retried this often is failing for good (with the workflow's one-minute retry cap, a quarter hour). */
  activityAttempts: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = { workflowTaskAttempts: 2, activityAttempts: 20 };

const OK: ConnectionHealth = { state: 'ok', cause: null, reason: null, since: null };
/** Events looked at (newest first) to find the failure text and start time of a problem; enough for any recent one. */
const HISTORY_EVENTS_SEARCHED = 200;

export class ConnectionHealthReader {
  constructor(
    private readonly temporal: Client,
    private readonly thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
  ) {}

  /** Never throws: a Temporal that cannot be asked makes the health `unknown`, and the rest of the answer stands. */
  async read(workflowId: string): Promise<ConnectionHealth> {
    let description: WorkflowExecutionDescription;
    try {
      description = await this.temporal.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        return { state: 'stuck', cause: 'workflow_not_running', reason: 'the connection has no workflow: nothing syncs it', since: null };
      }
      return { state: 'unknown', cause: null, reason: `Temporal could not be asked: ${(error as Error).message}`, since: null };
    }
    const problem = problemOf(description, this.thresholds);
    if (!problem) return OK;
    try {
      return describeProblem(problem, await this.recentEvents(description));
    } catch {
      return describeProblem(problem, []); // the failure text is a courtesy: stuck is known without it
    }
  }

  private async recentEvents(description: WorkflowExecutionDescription): Promise<HistoryEvent[]> {
    const response = await this.temporal.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: this.temporal.options.namespace,
      execution: { workflowId: description.workflowId, runId: description.runId },
      maximumPageSize: HISTORY_EVENTS_SEARCHED,
    });
    return response.history?.events ?? [];
  }
}

/** What is wrong, from the description alone (cheap); the history is read only for a connection that has a problem. */
export type Problem =
  | { cause: 'workflow_not_running'; status: string; closedAt: Date | null }
  | { cause: 'workflow_task_failing'; attempt: number; since: Date | null }
  | { cause: 'activity_failing'; activityId: string; activityType: string; attempt: number; lastFailure: string | null };

export function problemOf(description: WorkflowExecutionDescription, thresholds: HealthThresholds): Problem | null {
  if (description.status.name !== 'RUNNING') {
    return { cause: 'workflow_not_running', status: description.status.name, closedAt: description.closeTime ?? null };
  }
  const task = description.raw.pendingWorkflowTask;
  if (task && (task.attempt ?? 1) >= thresholds.workflowTaskAttempts) {
    const since = optionalTsToMs(task.originalScheduledTime) ?? optionalTsToMs(task.scheduledTime);
    return { cause: 'workflow_task_failing', attempt: task.attempt ?? 0, since: since === undefined ? null : new Date(since) };
  }
  const failing = (description.raw.pendingActivities ?? [])
    .filter((activity) => (activity.attempt ?? 1) >= thresholds.activityAttempts && activity.lastFailure)
    .sort((a, b) => (b.attempt ?? 0) - (a.attempt ?? 0))[0];
  if (failing) {
    return {
      cause: 'activity_failing',
      activityId: failing.activityId ?? '',
      activityType: failing.activityType?.name ?? 'activity',
      attempt: failing.attempt ?? 0,
      lastFailure: failing.lastFailure?.message ?? null,
    };
  }
  return null;
}

export function describeProblem(problem: Problem, newestFirst: HistoryEvent[]): ConnectionHealth {
  switch (problem.cause) {
    case 'workflow_not_running':
      return {
        state: 'stuck',
        cause: problem.cause,
        reason: `the connection's workflow is ${problem.status.toLowerCase()}: nothing syncs it`,
        since: problem.closedAt,
      };
    case 'workflow_task_failing': {
      // Retried workflow tasks leave no event of their own: the first failure is the one in the history.
      const failed = newestFirst.find((event) => event.workflowTaskFailedEventAttributes);
      const message = failed?.workflowTaskFailedEventAttributes?.failure?.message;
      return {
        state: 'stuck',
        cause: problem.cause,
        reason: `workflow tasks keep failing (attempt ${problem.attempt})${message ? `: ${message}` : ''}`,
        since: problem.since,
      };
    }
    case 'activity_failing': {
      // An activity's retries add no events either: its scheduling is when it began failing, at the latest.
      const scheduled = newestFirst.find((event) => event.activityTaskScheduledEventAttributes?.activityId === problem.activityId);
      const since = optionalTsToMs(scheduled?.eventTime);
      return {
        state: 'stuck',
        cause: problem.cause,
        reason: `${problem.activityType} keeps failing (attempt ${problem.attempt})${problem.lastFailure ? `: ${problem.lastFailure}` : ''}`,
        since: since === undefined ? null : new Date(since),
      };
    }
  }
}
