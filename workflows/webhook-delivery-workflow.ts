// Delivers one webhook event durably: retried with backoff for hours, visible in the Temporal UI while it tries.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebhookEvent } from '../contracts/webhook-events';

export async function webhookDeliveryWorkflow(event: WebhookEvent, options: { retryForMs: number }): Promise<boolean> {
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: options.retryForMs,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const result = await deliverWebhook(event);
  return result.delivered;
}
