// Delivers one webhook event durably: retried with backoff for hours, visible in the Temporal UI while it tries.
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { controlTaskQueue } from '../contracts/task-queues';
import type { WebhookEvent } from '../contracts/webhook-events';

export async function webhookDeliveryWorkflow(event: WebhookEvent, options: { retryForMs: number }): Promise<boolean> {
  // On the control queue, so deliveries never wait behind sync slices for a slot. Patched: a delivery that scheduled
  // its activity on the workflow's own queue before this existed replays as it was written.
  const onControlQueue = patched('webhook-delivery-on-control-queue');
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: options.retryForMs,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    ...(onControlQueue ? { taskQueue: controlTaskQueue(workflowInfo().taskQueue) } : {}),
  });
  const result = await deliverWebhook(event);
  return result.delivered;
}
