// Which workflow descriptions count as stuck: the thresholds decide, and a slow start or a first retry never does.
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { msNumberToTs } from '@temporalio/common/lib/time';
import { DEFAULT_HEALTH_THRESHOLDS, problemOf } from '../../../api/connection-health';

const seconds = msNumberToTs;

/** Only the fields problemOf reads, as the client hands them over. */
function description(raw: object, status = 'RUNNING'): WorkflowExecutionDescription {
  return { workflowId: 'w', runId: 'r', status: { name: status }, closeTime: undefined, raw } as unknown as WorkflowExecutionDescription;
}

describe('problemOf', () => {
  it('when the first workflow task waits or an activity retries a few times, then nothing is stuck', () => {
    const raw = {
      pendingWorkflowTask: { attempt: 1, scheduledTime: seconds(1000) },
      pendingActivities: [{ activityId: '3', activityType: { name: 'syncModelSlice' }, attempt: 5, lastFailure: { message: '503' } }],
    };
    expect(problemOf(description(raw), DEFAULT_HEALTH_THRESHOLDS)).toBeNull();
  });

  it('when a workflow task is on its second attempt, then workflow tasks are failing since its first scheduling', () => {
    const raw = { pendingWorkflowTask: { attempt: 2, originalScheduledTime: seconds(5000), scheduledTime: seconds(9000) } };
    expect(problemOf(description(raw), DEFAULT_HEALTH_THRESHOLDS)).toEqual({ cause: 'workflow_task_failing', attempt: 2, since: new Date(5000) });
  });

  it('when an activity failed past the threshold, then the most-retried one is named with its last failure', () => {
    const raw = {
      pendingActivities: [
        { activityId: '7', activityType: { name: 'beginSyncRun' }, attempt: 21, lastFailure: { message: 'database unreachable' } },
        { activityId: '8', activityType: { name: 'refreshCredentials' }, attempt: 40, lastFailure: { message: 'token endpoint answered HTTP 503' } },
      ],
    };
    expect(problemOf(description(raw), DEFAULT_HEALTH_THRESHOLDS)).toEqual({
      cause: 'activity_failing',
      activityId: '8',
      activityType: 'refreshCredentials',
      attempt: 40,
      lastFailure: 'token endpoint answered HTTP 503',
    });
  });

  it('when the workflow has ended, then nothing syncs the connection', () => {
    expect(problemOf(description({}, 'TERMINATED'), DEFAULT_HEALTH_THRESHOLDS)).toMatchObject({ cause: 'workflow_not_running', status: 'TERMINATED' });
  });
});
