// Sends Salesforce Outbound Messages for the org's Contact and Account changes: SOAP `notifications`, up to 100 each.
import { randomBytes } from 'node:crypto';
import { NotificationQueue } from '../common/notification-queue';
import type { SalesforceObject } from './fields';
import type { ResolvedOptions } from './options';

interface Notification {
  id: string;
  object: SalesforceObject;
  recordId: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Notification ids start with 04l, as Salesforce's do. */
function notificationId(): string {
  return `04l${[...randomBytes(15)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('')}`;
}

export function outboundMessageEnvelope(orgId: string, instanceUrl: string, notifications: readonly Notification[]): string {
  const items = notifications
    .map(
      (n) => `
   <Notification>
    <Id>${n.id}</Id>
    <sObject xsi:type="sf:${n.object}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>${n.recordId}</sf:Id>
    </sObject>
   </Notification>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${orgId}</OrganizationId>
   <ActionId>04k000000000001AAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>${instanceUrl}/services/Soap/c/59.0/${orgId}</EnterpriseUrl>
   <PartnerUrl>${instanceUrl}/services/Soap/u/59.0/${orgId}</PartnerUrl>${items}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
}

export class OutboundMessageSender {
  /** One outbound message is configured per object, so each object has its own queue. */
  private readonly queues = new Map<SalesforceObject, NotificationQueue<Notification>>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly orgId: () => string,
    private readonly instanceUrl: () => string,
  ) {}

  get stats() {
    const total = { delivered: 0, notifications: 0, failed: 0 };
    for (const queue of this.queues.values()) {
      total.delivered += queue.stats.delivered;
      total.notifications += queue.stats.notifications;
      total.failed += queue.stats.failed;
    }
    return total;
  }

  changed(object: SalesforceObject, recordId: string): void {
    if (!this.options.webhookUrl || object === 'Opportunity') return;
    let queue = this.queues.get(object);
    if (!queue) {
      queue = new NotificationQueue<Notification>(100, (batch) => this.deliver(batch));
      this.queues.set(object, queue);
    }
    queue.push({ id: notificationId(), object, recordId });
  }

  async flushed(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.flushed()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /**
   * Salesforce counts a message delivered only when the answer acknowledges it; otherwise it sends it again. Like an
   * org's Outbound Message endpoint, `webhookUrl` is set to the integration's `providerWebhook.url`, which ends in its
   * secret: the message itself carries no credential.
   */
  private async deliver(batch: Notification[]): Promise<boolean> {
    const answer = await fetch(this.options.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: outboundMessageEnvelope(this.orgId(), this.instanceUrl(), batch),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await answer.text();
    return answer.ok && /<Ack>\s*true\s*<\/Ack>/.test(text);
  }
}
