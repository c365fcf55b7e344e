// Delivers Notifications API callbacks: one POST per run of consecutive changes of one kind to one channel, its
// `ids` batched, `operation` insert|update|delete, and the `token` and `channel_id` registered (no signature).
import { NotificationQueue, type NotificationDeliveryStats } from '../common/notification-queue';
import type { ModuleName } from './modules';

export interface PendingNotification {
  channelId: string;
  notifyUrl: string;
  token: string | null;
  returnAffectedFieldValues: boolean;
  /** The channel's org, so channels with one id in two orgs never share a callback. */
  org: string;
  apiUrl: string;
  module: ModuleName;
  operation: 'insert' | 'update' | 'delete';
  id: string;
  values: Record<string, unknown>;
}

/** Changes are queued in large batches and cut into callbacks here, so the callback size can change at run time. */
const QUEUE_BATCH = 1000;

export class NotificationSender {
  private readonly queue: NotificationQueue<PendingNotification>;
  /** By callback (one request), not by queue batch: what a receiver counts. */
  readonly stats: NotificationDeliveryStats = { delivered: 0, notifications: 0, failed: 0 };

  constructor(private readonly idsPerCallback: () => number) {
    this.queue = new NotificationQueue(QUEUE_BATCH, (batch) => this.deliver(batch));
  }

  push(notification: PendingNotification): void {
    this.queue.push(notification);
  }

  flushed(): Promise<void> {
    return this.queue.flushed();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  /** Every callback of the batch, in order; the batch counts as delivered only if each was acknowledged (2xx). */
  private async deliver(batch: PendingNotification[]): Promise<boolean> {
    let allAcknowledged = true;
    for (const run of runs(batch, this.idsPerCallback())) {
      const first = run[0];
      const body: Record<string, unknown> = {
        server_time: Date.now(),
        query_params: {},
        module: first.module,
        resource_uri: `${first.apiUrl}/crm/v8/${first.module}`,
        ids: run.map((n) => n.id),
        affected_fields: first.operation === 'update' ? run.map((n) => ({ [n.id]: Object.keys(n.values) })) : [],
        operation: first.operation,
        channel_id: first.channelId,
        token: first.token,
      };
      if (first.returnAffectedFieldValues && first.operation !== 'delete') body.affected_values = run.map((n) => ({ record_id: n.id, values: n.values }));
      try {
        const answer = await fetch(first.notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        await answer.arrayBuffer();
        if (!answer.ok) throw new Error(`callback answered ${answer.status}`);
        this.stats.delivered++;
        this.stats.notifications += run.length;
      } catch {
        this.stats.failed++;
        allAcknowledged = false;
      }
    }
    return allAcknowledged;
  }
}

/** Consecutive notifications for the same channel, module and operation, at most `size` ids each. */
function runs(batch: PendingNotification[], size: number): PendingNotification[][] {
  const out: PendingNotification[][] = [];
  for (const notification of batch) {
    const last = out[out.length - 1];
    const head = last?.[0];
    if (head && last.length < size && head.org === notification.org && head.channelId === notification.channelId && head.module === notification.module && head.operation === notification.operation) last.push(notification);
    else out.push([notification]);
  }
  return out;
}
