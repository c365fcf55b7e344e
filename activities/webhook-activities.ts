// Delivers one webhook event to the product, signed, recording every attempt; Temporal retries until it lands.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { WebhookEvent } from '../contracts/webhook-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../security/webhook-signature';
import type { ActivityDependencies } from './dependencies';
import { logEvent } from '../store/event-log';

/** A redelivery asked for by the API runs as `webhook:<event id>:redelivery:<n>` (see api/connection-workflows.ts). */
const isRedelivery = (workflowId: string) => workflowId.includes(':redelivery:');

export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
}

/** Which life of the connection id an event belongs to: an incarnation, null for the id's first life. */
type Life = string | null;

export function createWebhookActivities({ store, logger, metrics, settings, catalog }: ActivityDependencies) {
  /**
   * The life `event` was made in, or 'ended' when that life was deleted. Told by the workflow that made the event when it
   * knows; else read from what the event is about: a sync event's run and an action event's action carry their life and
   * are deleted with it. An auth event (and an action recorded before actions kept their life) was made by its
   * connection's workflow while that connection existed, so an event older than the current connection belongs to an
   * earlier life. That compares Temporal's workflow time with the API's clock; the connection's workflow should pass
   * its incarnation instead (it does not know it yet).
   */
  async function lifeOf(event: WebhookEvent, told: Life | undefined, connection: { incarnation?: string; createdAt: Date }): Promise<Life | 'ended'> {
    if (told !== undefined) return told;
    if (event.type === 'sync') {
      const run = await store.runs.find(event.id);
      return run ? (run.incarnation ?? null) : 'ended';
    }
    if (event.type === 'action') {
      const action = await store.actions.find(event.actionId);
      if (!action) return 'ended';
      if (action.incarnation !== undefined) return action.incarnation;
    }
    return Date.parse(event.at) >= connection.createdAt.getTime() ? (connection.incarnation ?? null) : 'ended';
  }

  return {
    async deliverWebhook(event: WebhookEvent, life: { incarnation?: Life } = {}): Promise<DeliveryResult> {
      if (!settings.webhookUrl || !settings.webhookSecret) return { delivered: false, status: null };
      // A deleted connection's events stop here, retries included, and so do those of a deleted life when the id was
      // created again: they must not reach the app as the new connection's. The app keeps its own metadata in every
      // event, read now rather than carried through Temporal history.
      const connection = await store.connections.find(event.connectionId);
      const incarnation = connection ? await lifeOf(event, life.incarnation, connection) : 'ended';
      if (!connection || incarnation === 'ended' || incarnation !== (connection.incarnation ?? null)) {
        logger.info({ eventId: event.id, connectionId: event.connectionId }, `webhook dropped: ${connection ? "the event's life of the connection was deleted" : 'the connection was deleted'}`);
        return { delivered: false, status: null };
      }
      // Added here, not by the workflow: which unified models a provider model feeds is catalog data, not history.
      const unified = event.type === 'sync' ? { unifiedModels: catalog.unifiedModelsOf(connection.provider, event.model) } : {};
      const body = JSON.stringify({ ...event, ...unified, metadata: connection.metadata ?? null });
      const timestamp = Math.floor(Date.now() / 1000);
      const attempt = Context.current().info.attempt;
      const log = logger.child({
        eventId: event.id,
        type: event.type,
        connectionId: event.connectionId,
        ...(event.type === 'sync' ? { model: event.model, runId: event.id } : {}),
        attempt,
      });
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(settings.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': event.id,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(body, settings.webhookSecret, timestamp),
          },
          body,
          signal: AbortSignal.timeout(settings.webhookTimeoutMs),
        });
        status = response.status;
        await response.body?.cancel();
        if (!response.ok) error = `receiver answered HTTP ${response.status}`;
      } catch (caught) {
        error = `receiver unreachable: ${(caught as Error).message}`;
      }
      const recorded = {
        eventId: event.id,
        type: event.type,
        connectionId: event.connectionId,
        incarnation,
        attempt,
        status,
        error,
        attemptedAt: new Date(),
      };
      // The first attempt keeps the event as sent, so it can be sent again on request (POST …/redeliver).
      await store.webhookDeliveries.record({ ...recorded, ...(attempt === 1 ? { event } : {}) });
      // A first attempt that lands cannot end an earlier failure, unless it is a redelivery of a failed event.
      const redelivery = isRedelivery(Context.current().info.workflowExecution?.workflowId ?? '');
      if (error || attempt > 1 || redelivery) await store.webhookDeliveries.markOutcome(recorded, Boolean(error));
      await store.events
        .insert([
          logEvent({
            source: 'delivery',
            kind: 'attempt',
            level: error ? 'warn' : 'info',
            message: error
              ? `${event.type} webhook attempt ${attempt}${redelivery ? ' (redelivery)' : ''} failed: ${error}`
              : `${event.type} webhook delivered on attempt ${attempt}${redelivery ? ' (redelivery)' : ''} (HTTP ${status})`,
            connectionId: event.connectionId,
            ...(incarnation ? { incarnation } : {}),
            integration: connection.integration,
            model: event.type === 'sync' ? event.model : null,
            runId: event.type === 'sync' ? event.id : null,
            actionId: event.type === 'action' ? event.actionId : null,
            eventId: event.id,
            data: { type: event.type, attempt, status, error, redelivery },
          }),
        ])
        .catch((caught: unknown) => log.warn({ err: (caught as Error).message }, 'delivery event not stored'));
      metrics.webhookAttempted(event.type, !error, status);
      if (error) {
        log.warn({ status, err: error }, 'webhook delivery failed');
        // Every failure is retried, 4xx and 429 included: a receiver's bad minute must not lose an event.
        throw ApplicationFailure.create({ type: 'WebhookDeliveryFailed', message: error });
      }
      log.debug({ status }, 'webhook delivered');
      return { delivered: true, status };
    },
  };
}
