// The overview's runs and records changed per hour: run ends in the event log, summed per hour a minute at a time by
// the API's housekeeping, plus the minutes not summed yet read live, so the charts cost a few small reads.
import { hourOf, minuteOf, type LogEventDocument } from '../../store/event-log';
import type { HourlyRunStats } from '../../store/event-log-rollups';
import type { Store } from '../../store/store';

/** A minute is summed once this long after it ended: a run's end written a little late (clocks, a slow write) still counts. */
const SETTLE_MS = 10_000;
/** Minutes one roll-up claims at once (then reads one by one); a process that dies holding them loses those counts. */
const MINUTES_PER_CLAIM = 10;
/** How many minutes the overview reads live past the last summed one; further back a stalled roll-up shows as gaps. */
const MAX_LIVE_MINUTES = 15;
/** Where the first roll-up of a database starts: the event log begins with the release that brought it. */
const FIRST_ROLLUP_LOOKBACK_MS = 3_600_000;

const emptyStats = (): HourlyRunStats => ({ succeeded: 0, failed: 0, added: 0, updated: 0, deleted: 0 });
const MINUTE_MS = 60_000;
const nextMinute = (minute: string) => minuteOf(new Date(new Date(`${minute}:00.000Z`).getTime() + MINUTE_MS));

/** Adds run ends to per-hour totals. */
function addRunEnds(into: Map<string, HourlyRunStats>, events: readonly LogEventDocument[]): void {
  for (const event of events) {
    const hour = hourOf(event.at);
    const stats = into.get(hour) ?? emptyStats();
    const data = event.data as { status?: string; added?: number; updated?: number; deleted?: number };
    if (data.status === 'failed') stats.failed++;
    else stats.succeeded++;
    stats.added += data.added ?? 0;
    stats.updated += data.updated ?? 0;
    stats.deleted += data.deleted ?? 0;
    into.set(hour, stats);
  }
}

export class RunStatistics {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Sums the settled minutes not summed yet, up to `maxMinutes` of them; returns how many it summed. Several API
   * processes may run it: each batch of minutes is claimed by one (compare-and-set on the progress mark).
   */
  async rollUp(maxMinutes = 60): Promise<number> {
    const settled = minuteOf(new Date(this.now().getTime() - SETTLE_MS - MINUTE_MS));
    let rolled = 0;
    while (rolled < maxMinutes) {
      const through = await this.store.eventRollups.progress('rolled-through');
      const first = through === null ? minuteOf(new Date(this.now().getTime() - FIRST_ROLLUP_LOOKBACK_MS)) : nextMinute(through);
      if (first > settled) break;
      const minutes: string[] = [];
      for (let minute = first; minute <= settled && minutes.length < MINUTES_PER_CLAIM; minute = nextMinute(minute)) minutes.push(minute);
      if (!(await this.store.eventRollups.advance('rolled-through', through, minutes[minutes.length - 1]))) continue; // another process took them
      const byHour = new Map<string, HourlyRunStats>();
      for (const minute of minutes) addRunEnds(byHour, await this.store.events.runsFinishedIn(minute));
      for (const [hour, stats] of byHour) await this.store.eventRollups.add(hour, stats);
      rolled += minutes.length;
    }
    return rolled;
  }

  /** Per hour of the last `hours` (oldest first): summed hours, plus the minutes since the last roll-up read live. */
  async lastHours(hours: number): Promise<{ hour: Date; stats: HourlyRunStats }[]> {
    const now = this.now();
    const [summed, through] = await Promise.all([this.store.eventRollups.hours(), this.store.eventRollups.progress('rolled-through')]);
    const live = new Map<string, HourlyRunStats>();
    const current = minuteOf(now);
    const earliestLive = minuteOf(new Date(now.getTime() - (MAX_LIVE_MINUTES - 1) * MINUTE_MS));
    let minute = through === null || nextMinute(through) < earliestLive ? earliestLive : nextMinute(through);
    const tail: string[] = [];
    for (; minute <= current; minute = nextMinute(minute)) tail.push(minute);
    for (const events of await Promise.all(tail.map((m) => this.store.events.runsFinishedIn(m)))) addRunEnds(live, events);
    const firstHour = new Date(new Date(`${hourOf(now)}:00:00.000Z`).getTime() - (hours - 1) * 3_600_000);
    return Array.from({ length: hours }, (_, i) => {
      const hour = new Date(firstHour.getTime() + i * 3_600_000);
      const key = hourOf(hour);
      const stats = emptyStats();
      for (const part of [summed.get(key), live.get(key)]) {
        if (!part) continue;
        stats.succeeded += part.succeeded;
        stats.failed += part.failed;
        stats.added += part.added;
        stats.updated += part.updated;
        stats.deleted += part.deleted;
      }
      return { hour, stats };
    });
  }
}
