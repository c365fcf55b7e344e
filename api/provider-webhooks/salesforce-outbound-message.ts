// Reads a Salesforce Outbound Message (SOAP `notifications`) and writes the `Ack` answer Salesforce waits for.

export interface OutboundMessage {
  organizationId: string;
  notifications: { id: string; objectType: string; recordId: string | null }[];
}

// Element names with any (or no) namespace prefix: Salesforce uses a default namespace, other senders a prefix.
const element = (name: string) => new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>`, 'g');
const firstText = (xml: string, name: string) => {
  const match = element(name).exec(xml);
  return match ? match[1].trim() : null;
};

/**
 * Only the few fields we act on are read; the body is size-limited by the route, and nothing in it is evaluated
 * (no entities, no DTDs), so a regular-expression reader is enough and safe. Null when it is not a notifications message.
 */
export function parseOutboundMessage(xml: string): OutboundMessage | null {
  if (!/<(?:[\w.-]+:)?notifications[\s>]/.test(xml)) return null;
  const organizationId = firstText(xml, 'OrganizationId');
  if (!organizationId || !/^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(organizationId)) return null;
  const notifications: OutboundMessage['notifications'] = [];
  for (const [, body] of xml.matchAll(element('Notification'))) {
    const id = firstText(body, 'Id');
    const type = /xsi:type="(?:[\w.-]+:)?(\w+)"/.exec(body)?.[1];
    if (!id || !type) return null;
    const sObject = element('sObject').exec(body)?.[1] ?? '';
    notifications.push({ id, objectType: type, recordId: firstText(sObject, 'Id') });
  }
  return notifications.length > 0 ? { organizationId, notifications } : null;
}

/** `Ack` true tells Salesforce the message is handled; anything else and it redelivers for up to 24 hours. */
export function outboundMessageAck(ack: boolean): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
    `<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>${ack}</Ack></notificationsResponse>` +
    '</soapenv:Body></soapenv:Envelope>'
  );
}
