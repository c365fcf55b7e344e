// Runs one action: the write in an activity, waits for refreshes and rate limits on the workflow's side, then announces it.
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  sleep,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import type { ActionOutcome, ActionWorkflowInput } from '../contracts/action-messages';
import { FailureType, type CredentialsExpiredDetails, type RateLimitedDetails } from '../contracts/failure-types';
import type { ActionWebhookEvent } from '../contracts/webhook-events';
import { rateLimitWaitMs } from '../contracts/provider-waits';
import { credentialsExpiredSignal } from './connection-workflow';
import { webhookDeliveryWorkflow } from './webhook-delivery-workflow';

/** Refreshes or rate-limit waits in a row before the action is failed instead of looping. */
const MAX_WAITS = 10;
/**
 * The action activity heartbeats while it waits for the provider: a killed worker's attempt is retried once this
 * passes without a beat, instead of after the 2-minute start-to-close timeout.
 */
const ACTION_HEARTBEAT_TIMEOUT = '15 seconds';

export async function actionWorkflow(input: ActionWorkflowInput): Promise<ActionOutcome> {
  // Each patch is decided once per run (docs/releasing-workflow-changes.md): an action started by an earlier
  // release replays as it was written. Activity options travel in the schedule command, so the timeout is patched too.
  const heartbeats = patched('action-heartbeat-timeout');
  const stopsWhenGone = patched('action-stops-when-gone');

  const acting = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    ...(heartbeats ? { heartbeatTimeout: ACTION_HEARTBEAT_TIMEOUT } : {}),
    retry: {
      initialInterval: '1 second',
      maximumInterval: '30 seconds',
      maximumAttempts: 8,
      nonRetryableErrorTypes: [FailureType.credentialsExpired, FailureType.rateLimited, FailureType.providerRejected, FailureType.gone],
    },
  });
  const bookkeeping = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '30 seconds' } });
  const waiting = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 3 } });

  try {
    let outcome: ActionOutcome | null = null;
    /** Rate-limit waits so far: what a backoff without a provider hint grows with. */
    let rateLimitWaits = 0;
    for (let waits = 0; outcome === null; waits++) {
      if (waits >= MAX_WAITS) {
        outcome = await bookkeeping.failAction({ actionId: input.actionId, code: 'failed', message: `gave up after ${MAX_WAITS} refreshes or rate-limit waits` });
        break;
      }
      try {
        outcome = await acting.runAction({ actionId: input.actionId });
      } catch (error) {
        const failure = failureOf(error);
        // Its connection is gone: there is no outcome to record and no one to announce it to.
        if (stopsWhenGone && failure?.type === FailureType.gone) throw error;
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
          // The wait syncs take (contracts/provider-waits.ts), on a timer that holds no worker slot: a timer's duration
          // is not compared on replay, and histories from before kept their fixed wait, so this needs no patch.
          await sleep(rateLimitWaitMs(failure.details?.[0] as RateLimitedDetails, rateLimitWaits, Math.random));
          rateLimitWaits++;
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
        // The life it belongs to travels with the delivery, which stops if that life has ended (absent: unknown).
        args: [event, { retryForMs: input.webhookRetryForMs, ...(input.incarnation !== undefined ? { incarnation: input.incarnation } : {}) }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (startError) {
      if (!(startError instanceof WorkflowExecutionAlreadyStartedError)) throw startError;
    }
    return outcome;
  } catch (error) {
    const failure = failureOf(error);
    if (stopsWhenGone && failure?.type === FailureType.gone) {
      // Ends the workflow failed, saying why, instead of an activity retried for ever against a deleted action.
      throw ApplicationFailure.create({ type: FailureType.gone, message: `action stopped: ${failure.message}`, nonRetryable: true });
    }
    throw error;
  }
}

function failureOf(error: unknown): ApplicationFailure | null {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : null;
}
