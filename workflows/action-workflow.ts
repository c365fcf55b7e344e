// Runs one action: the write in an activity, waits for refreshes and rate limits on the workflow's side, then announces it.
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  getExternalWorkflowHandle,
  proxyActivities,
  sleep,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import type { ActionOutcome, ActionWorkflowInput } from '../contracts/action-messages';
import { FailureType, type CredentialsExpiredDetails, type RateLimitedDetails } from '../contracts/failure-types';
import type { ActionWebhookEvent } from '../contracts/webhook-events';
import { credentialsExpiredSignal } from './connection-workflow';
import { webhookDeliveryWorkflow } from './webhook-delivery-workflow';

/** Refreshes or rate-limit waits in a row before the action is failed instead of looping. */
const MAX_WAITS = 10;

export async function actionWorkflow(input: ActionWorkflowInput): Promise<ActionOutcome> {
  const acting = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '30 seconds',
      maximumAttempts: 8,
      nonRetryableErrorTypes: [FailureType.credentialsExpired, FailureType.rateLimited, FailureType.providerRejected, FailureType.gone],
    },
  });
  const bookkeeping = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '30 seconds' } });
  const waiting = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 3 } });

  let outcome: ActionOutcome | null = null;
  for (let waits = 0; outcome === null; waits++) {
    if (waits >= MAX_WAITS) {
      outcome = await bookkeeping.failAction({ actionId: input.actionId, code: 'failed', message: `gave up after ${MAX_WAITS} refreshes or rate-limit waits` });
      break;
    }
    try {
      outcome = await acting.runAction({ actionId: input.actionId });
    } catch (error) {
      const failure = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : null;
      if (failure?.type === FailureType.credentialsExpired) {
        // The connection workflow owns refresh: ask it, and wait until the store holds a newer generation.
        const { generation } = failure.details?.[0] as CredentialsExpiredDetails;
        await getExternalWorkflowHandle(input.connectionWorkflowId).signal(credentialsExpiredSignal, { generation });
        const waited = await waiting.waitForCredentials({ connectionId: input.connectionId, generation, timeoutMs: 90_000 }).catch(() => null);
        if (waited?.outcome !== 'refreshed') {
          outcome = await bookkeeping.failAction({
            actionId: input.actionId,
            code: 'auth_error',
            message: waited?.outcome === 'auth_error' ? `the connection is in auth_error: ${waited.reason ?? 'reconnect needed'}` : 'credentials were not refreshed in time',
          });
        }
        continue;
      }
      if (failure?.type === FailureType.rateLimited) {
        // The same decision syncs take (activities/failures.ts), waited out on a timer that holds no worker slot.
        const { waitMs } = failure.details?.[0] as RateLimitedDetails;
        await sleep(waitMs);
        continue;
      }
      outcome = await bookkeeping.failAction({ actionId: input.actionId, code: 'failed', message: failure?.message ?? String(error) });
    }
  }

  const { output, error } = await bookkeeping.readActionResult({ actionId: input.actionId });
  const event: ActionWebhookEvent = {
    id: `action:${input.actionId}`,
    type: 'action',
    connectionId: input.connectionId,
    integration: input.integration,
    action: input.action,
    actionId: input.actionId,
    status: outcome.status,
    output,
    error,
    at: new Date().toISOString(),
  };
  try {
    await startChild(webhookDeliveryWorkflow, {
      workflowId: `webhook:${event.id}`,
      args: [event, { retryForMs: input.webhookRetryForMs }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (startError) {
    if (!(startError instanceof WorkflowExecutionAlreadyStartedError)) throw startError;
  }
  return outcome;
}
