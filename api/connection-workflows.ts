// The API's door into Temporal: start a connection's workflow, signal it, ask it for its live state. Temporal's
// "no such workflow" is translated here, into a false result, so use cases never import @temporalio/client.
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { actionWorkflowId, type ActionWorkflowInput } from '../contracts/action-messages';
import type { ConnectionChange, ConnectionState, SyncRequest, WorkflowSettings } from '../contracts/connection-workflow-messages';
import { connectionWorkflowId } from '../contracts/connection-workflow-messages';
import type { WebhookEvent } from '../contracts/webhook-events';
import { ConnectionIdAttribute, IntegrationAttribute, ProviderAttribute, StatusAttribute } from '../contracts/search-attributes';
import {
  actionWorkflow,
  connectionChangedSignal,
  connectionWorkflow,
  credentialsExpiredSignal,
  deleteRequestedSignal,
  reauthorizedSignal,
  syncRequestedSignal,
  webhookDeliveryWorkflow,
} from '../workflows';

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
  async start(input: Omit<ConnectionState, 'settings'>): Promise<void> {
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

  /** False when no workflow runs for the connection (the change is stored; there is nothing to tell). */
  async change(connectionId: string, change: ConnectionChange): Promise<boolean> {
    return whileRunning(() => this.client.workflow.getHandle(this.workflowId(connectionId)).signal(connectionChangedSignal, change));
  }

  /**
   * Asks the connection's workflow to refresh credentials that a caller outside a sync (the proxy, an action) found
   * expired at `generation`. False when no workflow runs for the connection (nothing will refresh).
   */
  async credentialsExpired(connectionId: string, generation: number): Promise<boolean> {
    return whileRunning(() => this.client.workflow.getHandle(this.workflowId(connectionId)).signal(credentialsExpiredSignal, { generation }));
  }

  /**
   * Asks the connection's workflow to stop its runs and end once none of them writes any more, and waits up to
   * `waitMs`. `stopped`: it did. `not-running`: there was none. `terminated`: it did not end in time (no worker, or a
   * worker of a release that cannot delete) and was terminated; a slice still running somewhere stops at its next
   * page, when it finds its run gone.
   */
  async stopForDelete(connectionId: string, waitMs: number): Promise<'stopped' | 'not-running' | 'terminated'> {
    const handle = this.client.workflow.getHandle(this.workflowId(connectionId));
    if (!(await whileRunning(() => handle.signal(deleteRequestedSignal)))) return 'not-running';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), waitMs);
    });
    try {
      const outcome = await Promise.race([handle.result().then(() => 'ended' as const, () => 'ended' as const), timedOut]);
      if (outcome === 'ended') return 'stopped';
    } finally {
      clearTimeout(timer);
    }
    await whileRunning(() => handle.terminate('connection deleted: the workflow did not stop in time'));
    return 'terminated';
  }

  /**
   * Starts an action's workflow once per action id: a request repeating the key while it runs attaches to it
   * (USE_EXISTING), and one after it finished starts nothing (REJECT_DUPLICATE): the stored outcome is the answer.
   * `ended`: its workflow had already ended, so whatever the action's stored state, no workflow will change it.
   */
  async startAction(input: Omit<ActionWorkflowInput, 'connectionWorkflowId' | 'webhookRetryForMs'>): Promise<'running' | 'ended'> {
    try {
      await this.client.workflow.start(actionWorkflow, {
        workflowId: actionWorkflowId(input.actionId, this.workflowIdPrefix),
        taskQueue: this.taskQueue,
        args: [{ ...input, connectionWorkflowId: this.workflowId(input.connectionId), webhookRetryForMs: this.settings.webhookRetryForMs }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Action ${input.action} on connection ${input.connectionId}`,
      });
      return 'running';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      return 'ended';
    }
  }

  /**
   * Delivers a webhook the API itself owes (a refused re-authorisation, which never reaches the connection's
   * workflow) by the same durable delivery workflow the connection workflows use.
   */
  /**
   * Sends an event again on request (the console's redeliver button): a new run of the same delivery workflow, so it
   * is signed, retried and recorded like the first, and stops if the connection's life has ended meanwhile.
   */
  async redeliver(event: WebhookEvent, incarnation: string | null): Promise<void> {
    await this.client.workflow.start(webhookDeliveryWorkflow, {
      workflowId: redeliveryWorkflowId(event.id),
      taskQueue: this.taskQueue,
      args: [event, { retryForMs: this.settings.webhookRetryForMs, incarnation }],
      staticSummary: `Redelivery of webhook ${event.id}`,
    });
  }

  async announce(event: WebhookEvent): Promise<void> {
    await this.client.workflow.start(webhookDeliveryWorkflow, {
      workflowId: `webhook:${event.id}`,
      taskQueue: this.taskQueue,
      args: [event, { retryForMs: this.settings.webhookRetryForMs }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
  }
}

/** The delivery workflow of a redelivery: its own id, which the delivery activity recognises (a success ends a failure). */
export const redeliveryWorkflowId = (eventId: string): string => `webhook:${eventId}:redelivery:${randomUUID().slice(0, 8)}`;

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
