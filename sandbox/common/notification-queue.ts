// Collects a sandbox's change notifications and delivers them in batches, one request at a time, as providers do.

export interface NotificationDeliveryStats {
  /** Requests answered with success. */
  delivered: number;
  /** Notifications in those requests. */
  notifications: number;
  /** Requests that failed (no answer, an error status, no acknowledgement) and were retried or given up. */
  failed: number;
}

/**
 * Batches of at most `batchSize`, sent in order by one loop; a failed batch is retried a few times with a short
 * backoff and then dropped (real providers retry for hours; a sandbox that outlives its test must not).
 */
export class NotificationQueue<T> {
  private readonly pending: T[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  readonly stats: NotificationDeliveryStats = { delivered: 0, notifications: 0, failed: 0 };

  constructor(
    private readonly batchSize: number,
    /** Resolves true when the receiver acknowledged the batch. */
    private readonly send: (batch: T[]) => Promise<boolean>,
  ) {}

  push(notification: T): void {
    if (this.closed) return;
    this.pending.push(notification);
    // A macrotask later, so a burst of changes made in one go leaves in full batches.
    this.draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  /** Resolves once everything queued so far has been delivered or given up. */
  async flushed(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    await this.flushed();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && !this.closed) {
        const batch = this.pending.splice(0, this.batchSize);
        for (let attempt = 1; attempt <= 3 && !this.closed; attempt++) {
          let acknowledged = false;
          try {
            acknowledged = await this.send(batch);
          } catch {
            acknowledged = false;
          }
          if (acknowledged) {
            this.stats.delivered++;
            this.stats.notifications += batch.length;
            break;
          }
          this.stats.failed++;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    } finally {
      this.draining = null;
    }
  }
}
