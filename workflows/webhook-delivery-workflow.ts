// Delivers one webhook event durably: retried with backoff for hours, visible in the Temporal UI while it tries.
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { controlTaskQueue } from '../contracts/task-queues';
import type { WebhookEvent } from '../contracts/webhook-events';

export interface WebhookDeliveryOptions {
  retryForMs: number;
  /**
   * The life of the connection id the event belongs to (see ConnectionDocument.incarnation): null for the id's first
   * life. A delivery whose life has ended (the connection deleted, even if created again since) stops. Absent from
   * deliveries started by code that does not know it: the activity then works it out from the event.
   */
  incarnation?: string | null;
}

export async function webhookDeliveryWorkflow(event: WebhookEvent, options: WebhookDeliveryOptions): Promise<boolean> {
  // On the control queue, so deliveries never wait behind sync slices for a slot. Patched: a delivery that scheduled
  // its activity on the workflow's own queue before this existed replays as it was written.
  const onControlQueue = patched('webhook-delivery-on-control-queue');
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: options.retryForMs,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    ...(onControlQueue ? { taskQueue: controlTaskQueue(workflowInfo().taskQueue) } : {}),
  });
  // The life is an argument, not a command: histories from before it replay unchanged.
  const result = await deliverWebhook(event, options.incarnation === undefined ? {} : { incarnation: options.incarnation });
  return result.delivered;
}
