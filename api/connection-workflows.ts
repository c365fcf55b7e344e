// The API's door into Temporal: start a connection's workflow, signal it, ask it for its live state. Temporal's
// "no such workflow" is translated here, into a false result, so use cases never import @temporalio/client.
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ConnectionWorkflowInput, SyncRequest, WorkflowSettings } from '../contracts/connection-workflow-messages';
import type { WebhookEvent } from '../contracts/webhook-events';
import { connectionWorkflowId } from '../contracts/connection-workflow-messages';
import { ConnectionIdAttribute, IntegrationAttribute, ProviderAttribute, StatusAttribute } from '../contracts/search-attributes';
import { connectionWorkflow, reauthorizedSignal, syncRequestedSignal, webhookDeliveryWorkflow } from '../workflows';

export class ConnectionWorkflows {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    readonly settings: WorkflowSettings,
    /** Set when several deployments share one Temporal namespace; see `connectionWorkflowId`. */
    private readonly workflowIdPrefix = '',
  ) {}

  workflowId(connectionId: string): string {
    return connectionWorkflowId(connectionId, this.workflowIdPrefix);
  }

  /** Idempotent: starting a connection whose workflow already runs leaves that one alone. */
  async start(input: Omit<ConnectionWorkflowInput, 'settings'>): Promise<void> {
    await this.client.workflow.start(connectionWorkflow, {
      workflowId: this.workflowId(input.connectionId),
      taskQueue: this.taskQueue,
      args: [{ ...input, settings: this.settings }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      staticSummary: `Sync ${input.provider} connection ${input.connectionId}`,
      staticDetails: `Integration **${input.integration}**; models: ${Object.keys(input.models).join(', ')}`,
      typedSearchAttributes: [
        { key: ConnectionIdAttribute, value: input.connectionId },
        { key: IntegrationAttribute, value: input.integration },
        { key: ProviderAttribute, value: input.provider },
        { key: StatusAttribute, value: input.status },
      ],
    });
  }

  /** False when no workflow runs for the connection. */
  async requestSync(connectionId: string, request: SyncRequest): Promise<boolean> {
    return whileRunning(() => this.client.workflow.getHandle(this.workflowId(connectionId)).signal(syncRequestedSignal, request));
  }

  /**
   * Tells a running workflow that credentials of `generation` were stored by a re-authorisation (only the number
   * crosses into Temporal). False when no workflow runs for the connection: the caller starts one.
   */
  async reauthorize(connectionId: string, generation: number): Promise<boolean> {
    return whileRunning(() => this.client.workflow.getHandle(this.workflowId(connectionId)).signal(reauthorizedSignal, { generation }));
  }

  /**
   * Delivers a webhook the API itself owes (a refused re-authorisation, which never reaches the connection's
   * workflow) by the same durable delivery workflow the connection workflows use.
   */
  async announce(event: WebhookEvent): Promise<void> {
    await this.client.workflow.start(webhookDeliveryWorkflow, {
      workflowId: `webhook:${event.id}`,
      taskQueue: this.taskQueue,
      args: [event, { retryForMs: this.settings.webhookRetryForMs }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
  }

  /** False when no workflow was running (already ended): nothing to stop. */
  async terminate(connectionId: string, reason: string): Promise<boolean> {
    return whileRunning(() => this.client.workflow.getHandle(this.workflowId(connectionId)).terminate(reason));
  }
}

/** True once `call` succeeded; false when Temporal says the workflow does not exist or has ended. */
async function whileRunning(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
