// HubSpot's webhooks as the engine receives them: signed (v3) with the app's client secret, a JSON array of events.
import type { ProviderWebhooks } from '../provider-webhooks';
import { parseHubSpotEvents } from './webhook-events';
import { hubSpotSignatureProblem } from './webhook-signature';

export const hubspotWebhooks: ProviderWebhooks = {
  authentication: {
    by: 'client-secret',
    authenticate: (delivery, clientSecret) =>
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
  // Subscriptions `contact.creation`, `company.propertyChange`, … : the part before the dot is the object type.
  modelsByObjectType: { contact: 'contacts', company: 'companies' },
};
