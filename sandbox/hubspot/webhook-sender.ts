// Sends HubSpot webhook subscription events for the portal's changes: JSON arrays of up to 100, signed with v3.
import { createHmac, randomInt } from 'node:crypto';
import { NotificationQueue } from '../common/notification-queue';
import type { ResolvedOptions } from './options';
import type { HubSpotObject } from './properties';

export type ChangeKind = 'creation' | 'propertyChange' | 'deletion' | 'restore';

export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
}

const OBJECT_TYPE: Record<HubSpotObject, string> = { contacts: 'contact', companies: 'company' };

/** HubSpot's v3 signature: base64 HMAC-SHA256 with the app's client secret over method, URI, body and timestamp. */
export function signHubSpotRequest(clientSecret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', clientSecret).update(`${method}${uri}${body}${timestamp}`).digest('base64');
}

export class HubSpotWebhookSender {
  private readonly queue: NotificationQueue<HubSpotWebhookEvent>;
  private nextEventId = randomInt(1, 1_000_000);
  private readonly appId = randomInt(100_000, 999_999);

  constructor(private readonly options: ResolvedOptions, private readonly portalId: () => number) {
    this.queue = new NotificationQueue(100, (events) => this.deliver(events));
  }

  get stats() {
    return this.queue.stats;
  }

  changed(object: HubSpotObject, id: string, kind: ChangeKind, properties: Record<string, unknown> = {}): void {
    if (!this.options.webhookUrl) return;
    const base = {
      portalId: this.portalId(),
      appId: this.appId,
      occurredAt: Date.now(),
      attemptNumber: 0,
      objectId: Number(id),
      changeSource: 'CRM_UI',
    };
    const type = OBJECT_TYPE[object];
    // A property change is one event per property, as HubSpot subscriptions are per property.
    const names = kind === 'propertyChange' ? Object.keys(properties) : [null];
    for (const name of names.length > 0 ? names : [null]) {
      this.queue.push({
        ...base,
        eventId: this.nextEventId++,
        subscriptionId: type === 'contact' ? 1001 : 2001,
        subscriptionType: `${type}.${kind}`,
        ...(name === null ? {} : { propertyName: name, propertyValue: String(properties[name] ?? '') }),
      });
    }
  }

  flushed(): Promise<void> {
    return this.queue.flushed();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async deliver(events: HubSpotWebhookEvent[]): Promise<boolean> {
    const url = this.options.webhookUrl;
    const body = JSON.stringify(events);
    const timestamp = String(Date.now());
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': signHubSpotRequest(this.options.clientSecret, 'POST', url, body, timestamp),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await answer.arrayBuffer();
    return answer.ok;
  }
}
