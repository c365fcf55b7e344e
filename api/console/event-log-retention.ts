// Keeps the event log to TRIBUTARY_LOG_RETENTION_DAYS on every database: FerretDB ignores TTL indexes, so the API
// deletes old hours itself (MongoDB's TTL index does the same there), with the statistics and failing deliveries kept
// beside them.
import { hourOf } from '../../store/event-log';
import type { Store } from '../../store/store';

/** Where the first purge of a database starts looking back from the cutoff: nothing older can exist uncounted. */
const FIRST_PURGE_LOOKBACK_MS = 60 * 86_400_000;
/** Hour buckets deleted between two progress marks: a purge cut short resumes from the last mark. */
const MAX_HOURS_PER_PURGE = 24 * 7;

export class EventLogRetention {
  constructor(
    private readonly store: Store,
    readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get cutoff(): Date {
    return new Date(this.now().getTime() - this.retentionDays * 86_400_000);
  }

  /** Deletes what is older than the retention; returns how many events went. Safe to run from several processes. */
  async purge(): Promise<number> {
    const cutoff = this.cutoff;
    let removed = 0;
    for (;;) {
      const through = await this.store.eventRollups.progress('purged-through');
      const from = through === null ? new Date(cutoff.getTime() - FIRST_PURGE_LOOKBACK_MS) : new Date(`${through}:00:00.000Z`);
      const until = new Date(Math.min(cutoff.getTime(), from.getTime() + MAX_HOURS_PER_PURGE * 3_600_000));
      removed += await this.store.events.purgeBefore(until, from);
      // The hour the cutoff falls in is only thinned: the next purge starts there again.
      const advanced = await this.store.eventRollups.advance('purged-through', through, hourOf(until));
      if (!advanced || until.getTime() >= cutoff.getTime()) break;
    }
    await this.store.eventRollups.purgeBefore(hourOf(cutoff));
    await this.store.webhookDeliveries.purgeFailingBefore(cutoff);
    return removed;
  }
}
