// Delivers webhooks v2: one POST per event and webhook, `{meta, data, previous}` with the HTTP Basic credentials
// chosen at registration; retried 3 times after 3, 30 and 150 s (`meta.attempt` counts), a 10 s timeout, a ban
// after 10 failed first attempts, and on request duplicates and out-of-order arrival.
import { randomUUID } from 'node:crypto';
import type { Delays } from '../common/delays';
import type { SandboxClock } from '../common/clock';
import type { ChangeEvent, Company } from './company';
import { ENTITY } from './fields';
import type { Webhook, WebhookRegistry } from './webhook-registry';

export const RETRY_DELAYS_MS = [3_000, 30_000, 150_000];
const BAN_AFTER_FIRST_ATTEMPT_FAILURES = 10;
const BAN_MS = 30 * 60_000;
const GIVE_UP_AFTER_MS = 3 * 86_400_000;

export interface WebhookDeliveryStats {
  /** Events announced to at least one webhook. */
  events: number;
  /** POSTs answered 2xx (duplicates included). */
  delivered: number;
  /** POSTs that failed (error status, no answer in time, refused connection). */
  failed: number;
  /** Events given up after the last retry. */
  givenUp: number;
  /** Events not sent because their webhook was banned. */
  lostWhileBanned: number;
  /** Extra copies sent by the duplicates knob. */
  duplicates: number;
}

export interface WebhookQuirks {
  /** Share of successful deliveries sent a second time (same `meta.id`). */
  duplicateShare: number;
  /** Each first attempt waits up to this long, so later events can overtake earlier ones. */
  maxReorderDelayMs: number;
}

export interface WebhookSettings {
  webhookTimeScale: number;
  webhookTimeoutMs: number;
}

export class WebhookSender {
  readonly stats: WebhookDeliveryStats = { events: 0, delivered: 0, failed: 0, givenUp: 0, lostWhileBanned: 0, duplicates: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly registry: WebhookRegistry,
    private readonly clock: SandboxClock,
    private readonly delays: Delays,
    private readonly settings: () => WebhookSettings,
    private readonly quirks: () => WebhookQuirks,
  ) {}

  announce(company: Company, event: ChangeEvent): void {
    if (this.closed) return;
    const webhooks = this.registry.matching(company.domain, event);
    if (webhooks.length > 0) this.stats.events++;
    for (const webhook of webhooks) {
      if (webhook.bannedUntilMs > this.clock.now()) {
        this.stats.lostWhileBanned++;
        continue;
      }
      const delivery = this.deliver(webhook, payload(company, webhook, event)).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  /** Resolves once every delivery started so far has succeeded or been given up (retries included). */
  async flushed(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const abort of this.aborts) abort.abort();
    // Deliveries waiting for a retry wake up, see the sender closed and stop.
    this.delays.cancelAll();
    await this.flushed();
  }

  private async deliver(webhook: Webhook, body: { meta: Record<string, unknown>; data: unknown; previous: unknown }): Promise<void> {
    const { maxReorderDelayMs, duplicateShare } = this.quirks();
    if (maxReorderDelayMs > 0) await this.delays.wait(Math.floor(Math.random() * maxReorderDelayMs));
    for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length + 1 && !this.closed && webhook.active; attempt++) {
      body.meta.attempt = attempt;
      const status = await this.post(webhook, body);
      webhook.lastDeliveryMs = this.clock.now();
      webhook.lastHttpStatus = status;
      if (status !== null && status >= 200 && status < 300) {
        this.stats.delivered++;
        webhook.lastSuccessMs = this.clock.now();
        webhook.firstAttemptFailures = 0;
        if (duplicateShare > 0 && Math.random() < duplicateShare && (await this.post(webhook, body)) !== null) this.stats.duplicates++;
        return;
      }
      this.stats.failed++;
      if (attempt === 1 && ++webhook.firstAttemptFailures >= BAN_AFTER_FIRST_ATTEMPT_FAILURES) {
        webhook.bannedUntilMs = this.clock.now() + BAN_MS * this.settings().webhookTimeScale;
        webhook.firstAttemptFailures = 0;
      }
      if (this.clock.now() - (webhook.lastSuccessMs ?? webhook.addMs) > GIVE_UP_AFTER_MS) {
        this.registry.remove(webhook, 'no_successful_delivery_for_3_days');
        break;
      }
      if (attempt <= RETRY_DELAYS_MS.length) await this.delays.wait(RETRY_DELAYS_MS[attempt - 1] * this.settings().webhookTimeScale);
    }
    if (!this.closed) this.stats.givenUp++;
  }

  /** The receiver's status, or null when it did not answer in time (or at all). */
  private async post(webhook: Webhook, body: unknown): Promise<number | null> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.settings().webhookTimeoutMs);
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Pipedrive Webhooks' };
      if (webhook.httpAuthUser !== null) {
        headers.authorization = `Basic ${Buffer.from(`${webhook.httpAuthUser}:${webhook.httpAuthPassword ?? ''}`).toString('base64')}`;
      }
      const answer = await fetch(webhook.subscriptionUrl, { method: 'POST', headers, body: JSON.stringify(body), signal: abort.signal, redirect: 'manual' });
      await answer.arrayBuffer();
      return answer.status;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }
}

/** One event for one webhook; Pipedrive sends several ids as strings, so they are strings here too. */
function payload(company: Company, webhook: Webhook, event: ChangeEvent) {
  return {
    meta: {
      action: event.action,
      entity: ENTITY[event.object],
      entity_id: String(event.id),
      id: randomUUID(),
      company_id: String(company.id),
      user_id: String(event.origin.userId),
      correlation_id: randomUUID(),
      timestamp: new Date(event.atMs).toISOString(),
      version: '2.0',
      webhook_id: String(webhook.id),
      webhook_owner_id: String(webhook.ownerId),
      change_source: event.origin.source,
      is_bulk_edit: false,
      attempt: 1,
      host: `${company.domain}.pipedrive.com`,
      permitted_user_ids: company.users.map((user) => String(user.id)),
      type: 'general',
      ...(event.mergedToId !== undefined ? { merged_to_id: String(event.mergedToId) } : {}),
      ...(event.mergedFromId !== undefined ? { merged_from_id: String(event.mergedFromId) } : {}),
    } as Record<string, unknown>,
    data: event.data,
    previous: event.previous,
  };
}
