// Salesforce's Outbound Messages as the engine receives them: unsigned SOAP, so the URL carries the integration's secret.
import type { ProviderWebhooks } from '../provider-webhooks';
import { outboundMessageAck, parseOutboundMessage } from './outbound-message';

export const salesforceWebhooks: ProviderWebhooks = {
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
  // The sObject's `xsi:type`.
  modelsByObjectType: { Contact: 'contacts', Account: 'accounts' },
};
