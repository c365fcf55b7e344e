// Webhooks registered through `POST /api/v1/webhooks`: per company, at most 40 per user, removed with the app's
// install (type `application`) or after 3 days without a successful delivery, banned for a while after 10 failures.
import type { ChangeEvent } from './company';
import { ENTITY } from './fields';

export interface Webhook {
  id: number;
  company: string;
  companyId: number;
  /** The user whose token created it, and the user whose permissions it is checked against. */
  ownerId: number;
  userId: number;
  eventAction: string;
  eventObject: string;
  subscriptionUrl: string;
  httpAuthUser: string | null;
  httpAuthPassword: string | null;
  name: string;
  /** The install that created it: uninstalling removes it. */
  grantId: string | null;
  addMs: number;
  active: boolean;
  removeReason: string | null;
  /** First attempts that failed since the last success; at 10 the webhook is banned for a while. */
  firstAttemptFailures: number;
  bannedUntilMs: number;
  lastSuccessMs: number | null;
  lastDeliveryMs: number | null;
  lastHttpStatus: number | null;
}

export class WebhookRegistry {
  private readonly webhooks = new Map<number, Webhook>();
  private nextId = 1;

  add(webhook: Omit<Webhook, 'id' | 'active' | 'removeReason' | 'firstAttemptFailures' | 'bannedUntilMs' | 'lastSuccessMs' | 'lastDeliveryMs' | 'lastHttpStatus'>): Webhook {
    const created: Webhook = { ...webhook, id: this.nextId++, active: true, removeReason: null, firstAttemptFailures: 0, bannedUntilMs: 0, lastSuccessMs: null, lastDeliveryMs: null, lastHttpStatus: null };
    this.webhooks.set(created.id, created);
    return created;
  }

  list(company: string): Webhook[] {
    return [...this.webhooks.values()].filter((webhook) => webhook.company === company && webhook.active);
  }

  get(company: string, id: number): Webhook | undefined {
    const webhook = this.webhooks.get(id);
    return webhook && webhook.company === company && webhook.active ? webhook : undefined;
  }

  countForUser(company: string, userId: number): number {
    return this.list(company).filter((webhook) => webhook.userId === userId).length;
  }

  remove(webhook: Webhook, reason: string): void {
    webhook.active = false;
    webhook.removeReason = reason;
  }

  /** The app was uninstalled: its webhooks go with it. */
  removeForGrant(grantId: string): void {
    for (const webhook of this.webhooks.values()) if (webhook.active && webhook.grantId === grantId) this.remove(webhook, 'app_uninstalled');
  }

  /** Active webhooks of the company that subscribe to this event. */
  matching(company: string, event: ChangeEvent): Webhook[] {
    return this.list(company).filter(
      (webhook) => (webhook.eventAction === '*' || webhook.eventAction === event.action) && (webhook.eventObject === '*' || webhook.eventObject === ENTITY[event.object]),
    );
  }
}

/** A webhook as `/api/v1/webhooks` shows it; the Basic password is never echoed back. */
export function toApiWebhook(webhook: Webhook) {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
  return {
    id: webhook.id,
    company_id: webhook.companyId,
    owner_id: webhook.ownerId,
    user_id: webhook.userId,
    event_action: webhook.eventAction,
    event_object: webhook.eventObject,
    subscription_url: webhook.subscriptionUrl,
    is_active: webhook.active ? 1 : 0,
    add_time: time(webhook.addMs),
    remove_time: null,
    type: 'application',
    http_auth_user: webhook.httpAuthUser,
    http_auth_password: webhook.httpAuthPassword === null ? null : '******',
    additional_data: [],
    remove_reason: webhook.removeReason,
    last_delivery_time: time(webhook.lastDeliveryMs),
    last_http_status: webhook.lastHttpStatus,
    admin_id: webhook.ownerId,
    version: '2.0',
    name: webhook.name,
  };
}
