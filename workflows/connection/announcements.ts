// The webhooks a connection announces to the app, each delivered by its own child workflow so retries for hours never hold it back.
import { ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AuthWebhookEvent, SyncWebhookEvent } from '../../contracts/webhook-events';
import { webhookDeliveryWorkflow } from '../webhook-delivery-workflow';
import type { ConnectionState } from './connection-state';
import { authEvent } from './webhook-events';

/** The child workflow that delivers an event: one per event id, so a replay or a second start finds it running. */
export const deliveryWorkflowId = (event: { id: string }): string => `webhook:${event.id}`;

export class Announcements {
  /** Owed by signal handlers, which start no child workflow: sent from the main loop. */
  readonly #owed: AuthWebhookEvent[] = [];

  constructor(private readonly state: ConnectionState) {}

  /** An `auth` event about this connection; `error` null means the operation succeeded. Its id is the workflow's uuid4. */
  auth(operation: AuthWebhookEvent['operation'], error: string | null): AuthWebhookEvent {
    return authEvent(this.state, operation, error, uuid4(), new Date());
  }

  owe(event: AuthWebhookEvent): void {
    this.#owed.push(event);
  }

  /** The events owed, oldest first, each taken as it is handed out: one owed while an earlier is sent comes too. */
  *owed(): Generator<AuthWebhookEvent> {
    while (this.#owed.length > 0) yield this.#owed.shift() as AuthWebhookEvent;
  }

  async send(event: SyncWebhookEvent | AuthWebhookEvent): Promise<void> {
    try {
      await startChild(webhookDeliveryWorkflow, {
        workflowId: deliveryWorkflowId(event),
        args: [event, { retryForMs: this.state.settings.webhookRetryForMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      // Already started by this workflow before a replay or continue-as-new: the event is on its way.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
