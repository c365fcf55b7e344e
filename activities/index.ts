// Builds every activity from its dependencies; workflows import the resulting type only.
import { createConnectionActivities } from './connection-activities';
import { createActionActivities } from './action-activities';
import { createCredentialActivities } from './credential-activities';
import type { ActivityDependencies } from './dependencies';
import { createSyncRunActivities } from './sync-run-activities';
import { createWebhookActivities } from './webhook-activities';

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createSyncRunActivities(dependencies),
    ...createCredentialActivities(dependencies),
    ...createWebhookActivities(dependencies),
    ...createConnectionActivities(dependencies),
    ...createActionActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * The activities served on the control queue (see contracts/task-queues.ts): short, and each one something a
 * connection must not wait for behind sync slices. Everything else (sync slices) stays on the main queue.
 */
export const CONTROL_ACTIVITY_NAMES = [
  'refreshCredentials',
  'setConnectionStatus',
  'beginSyncRun',
  'finishSyncRun',
  'failSyncRun',
  'deliverWebhook',
  'currentWorkflowSettings',
] as const satisfies readonly (keyof Activities)[];

export type ControlActivities = Pick<Activities, (typeof CONTROL_ACTIVITY_NAMES)[number]>;

export function controlActivitiesOf(activities: Activities): ControlActivities {
  return Object.fromEntries(CONTROL_ACTIVITY_NAMES.map((name) => [name, activities[name]])) as ControlActivities;
}
export type { ActivityDependencies, ActivitySettings } from './dependencies';
