// How the connection workflow calls its activities: where each kind goes, and that slices see the settings of the moment.
import type { ActivityOptions } from '@temporalio/common';
import type { WorkflowSettings } from '../../../contracts/connection-workflow-messages';
import { FailureType } from '../../../contracts/failure-types';

const proxied: ActivityOptions[] = [];
jest.mock('@temporalio/workflow', () => ({
  ...jest.requireActual('@temporalio/workflow'),
  proxyActivities: (options: ActivityOptions) => {
    proxied.push(options);
    return {};
  },
  workflowInfo: () => ({ taskQueue: 'tributary' }),
}));

import { connectionActivities } from '../../../workflows/connection/connection-activities';

const settings = (sliceTimeoutMs: number): WorkflowSettings => ({
  heartbeatTimeoutMs: 10_000,
  sliceTimeoutMs,
  refreshRetryForMs: 30_000,
  webhookRetryForMs: 1,
  continueAsNewAfterEvents: 1,
});

describe("the connection's activities", () => {
  beforeEach(() => proxied.splice(0));

  it('send bookkeeping and refreshes to the control queue, where sync slices never take the slots; slices stay on the main queue', () => {
    const activities = connectionActivities(true, () => settings(180_000));
    activities.refreshing();
    expect(proxied.map((options) => options.taskQueue)).toEqual(['tributary-control', 'tributary-control']);
    expect(activities.syncOptions().taskQueue).toBeUndefined();
  });

  it('keep everything on the main queue for runs started before the control queue existed', () => {
    const activities = connectionActivities(false, () => settings(180_000));
    activities.refreshing();
    expect(proxied.map((options) => options.taskQueue)).toEqual([undefined, undefined]);
  });

  it('build slice and refresh options from the settings of the moment, and never retry what a retry cannot fix', () => {
    let current = settings(180_000);
    const activities = connectionActivities(true, () => current);
    expect(activities.syncOptions().startToCloseTimeout).toBe(180_000);
    current = { ...settings(90_000), refreshRetryForMs: 5_000 };
    expect(activities.syncOptions().startToCloseTimeout).toBe(90_000);
    activities.refreshing();
    expect(proxied[1].scheduleToCloseTimeout).toBe(5_000);
    expect(activities.syncOptions().retry?.nonRetryableErrorTypes).toEqual([FailureType.credentialsExpired, FailureType.rateLimited, FailureType.providerRejected, FailureType.gone]);
    expect(proxied[1].retry?.nonRetryableErrorTypes).toEqual([FailureType.invalidGrant]);
  });
});
