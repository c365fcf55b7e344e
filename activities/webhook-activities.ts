// Delivers one webhook event to the product, signed, recording every attempt; Temporal retries until it lands.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { WebhookEvent } from '../contracts/webhook-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../security/webhook-signature';
import type { ActivityDependencies } from './dependencies';

export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
}

export function createWebhookActivities({ store, logger, metrics, settings, catalog }: ActivityDependencies) {
  return {
    async deliverWebhook(event: WebhookEvent): Promise<DeliveryResult> {
      if (!settings.webhookUrl || !settings.webhookSecret) return { delivered: false, status: null };
      // A deleted connection's events stop here, retries included; the app keeps its own metadata in every event,
      // read now rather than carried through Temporal history.
      const connection = await store.connections.find(event.connectionId);
      if (!connection) {
        logger.info({ eventId: event.id, connectionId: event.connectionId }, 'webhook dropped: the connection was deleted');
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
      await store.webhookDeliveries.record({
        eventId: event.id,
        type: event.type,
        connectionId: event.connectionId,
        attempt,
        status,
        error,
        attemptedAt: new Date(),
      });
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
