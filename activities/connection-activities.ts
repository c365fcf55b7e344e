// Activities about the connection as a whole: the settings its workflow runs with.
import type { WorkflowSettings } from '../contracts/connection-workflow-messages';
import type { ActivityDependencies } from './dependencies';

export function createConnectionActivities({ settings }: ActivityDependencies) {
  return {
    /** The settings a workflow should run with now: this worker's, or the workflow's own when the worker sets none. */
    async currentWorkflowSettings(current: WorkflowSettings): Promise<WorkflowSettings> {
      return settings.workflow ?? current;
    },
  };
}
