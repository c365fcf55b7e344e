// Builds every activity from its dependencies; workflows import the resulting type only.
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
    ...createActionActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDependencies, ActivitySettings } from './dependencies';
