// How each kind of provider webhook is received: how a delivery proves it is the provider's, how big it may be, how its
// body reads as changes, and what the provider wants back. A provider's webhooks are one entry here.
import type { ChangeNotifications } from '../../providers/provider-definition';
import { hubSpotSignatureProblem } from '../../security/hubspot-webhook-signature';
import type { ChangeNotice } from './change-notice';
import { parseHubSpotEvents } from './hubspot-webhook-events';
import { outboundMessageAck, parseOutboundMessage } from './salesforce-outbound-message';

export interface WebhookAnswer {
  status: number;
  contentType?: string;
  body?: string;
}

/** A delivery as a signature sees it. */
export interface SignedDelivery {
  method: string;
  /** The full URL the provider called, as it saw it. */
  uri: string;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

export type WebhookAuthentication =
  /** The provider signs nothing: the URL carries the integration's random secret, checked before the body is read. */
  | { by: 'url-secret' }
  /** The provider signs each delivery with the app's client secret: checked once the (size-capped) body is read. */
  | { by: 'signature'; problem(clientSecret: string, delivery: SignedDelivery): string | null };

export interface ProviderWebhookKind {
  authentication: WebhookAuthentication;
  /** The most a delivery's body may be, counted after decompression: past it, reading stops and the answer is a 400. */
  maxBodyBytes: number;
  /** The changes a delivery announces; throws a 400 naming the field. */
  parse(rawBody: Buffer): ChangeNotice[];
  /** The answer once the delivery is handled (or found to be a repeat). */
  accepted: WebhookAnswer;
}

export const PROVIDER_WEBHOOK_KINDS: Record<ChangeNotifications['kind'], ProviderWebhookKind> = {
  'hubspot-webhooks': {
    authentication: {
      by: 'signature',
      problem: (clientSecret, delivery) =>
        hubSpotSignatureProblem(clientSecret, {
          method: delivery.method,
          uri: delivery.uri,
          rawBody: delivery.rawBody,
          timestamp: delivery.header('x-hubspot-request-timestamp'),
          signature: delivery.header('x-hubspot-signature-v3'),
        }),
    },
    // Up to 100 events a delivery, each with a property value that may be a long text.
    maxBodyBytes: 2 * 1024 * 1024,
    parse: parseHubSpotEvents,
    accepted: { status: 204 },
  },
  'salesforce-outbound-messages': {
    authentication: { by: 'url-secret' },
    // At most 100 notifications: about 25 KB when only Id is sent (as the README asks), and room for a few dozen short
    // fields more; far below what would make reading it cost anything.
    maxBodyBytes: 256 * 1024,
    parse: (rawBody) => {
      const message = parseOutboundMessage(rawBody.toString('utf8'));
      return message.notifications.map((notification) => ({
        account: message.organizationId,
        objectType: notification.objectType,
        // Notification ids are ids of the org: with the org they are unique.
        notificationId: `${message.organizationId}:${notification.id}`,
      }));
    },
    accepted: { status: 200, contentType: 'text/xml; charset=utf-8', body: outboundMessageAck(true) },
  },
};

/** The kind of webhooks a provider sends; undefined when it sends none. */
export function providerWebhookKind(provider: { changeNotifications?: ChangeNotifications }): ProviderWebhookKind | undefined {
  return provider.changeNotifications ? PROVIDER_WEBHOOK_KINDS[provider.changeNotifications.kind] : undefined;
}
