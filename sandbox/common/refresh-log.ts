// Refreshes as the stats report them: a bounded log of each one and, where a provider reports it, their overlap per grant.

/** Bounded, so a long run cannot grow it without end. */
const MAX_REFRESH_RECORDS = 10_000;

export class RefreshLog<Entry extends object> {
  private entries: Entry[] = [];

  add(entry: Entry): void {
    if (this.entries.length < MAX_REFRESH_RECORDS) this.entries.push(entry);
  }

  /** Copies, so a snapshot does not change as refreshes go on. */
  snapshot(): Entry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.entries = [];
  }
}

export interface TimedRefresh {
  grantId: string;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
}

/** Each refresh with when it started and finished, and the most that overlapped for any one grant. */
export class RefreshOverlap {
  readonly log = new RefreshLog<TimedRefresh>();
  private readonly inFlight = new Map<string, number>();
  private highest = 0;

  get maxConcurrentPerGrant(): number {
    return this.highest;
  }

  /** Call when a refresh arrives; call the returned function when it is answered (later calls do nothing). */
  started(grantId: string): (ok: boolean) => void {
    const startedAt = Date.now();
    const overlapping = (this.inFlight.get(grantId) ?? 0) + 1;
    this.inFlight.set(grantId, overlapping);
    this.highest = Math.max(this.highest, overlapping);
    let finished = false;
    return (ok) => {
      if (finished) return;
      finished = true;
      const left = (this.inFlight.get(grantId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(grantId, left);
      else this.inFlight.delete(grantId);
      this.log.add({ grantId, startedAt, finishedAt: Date.now(), ok });
    };
  }

  reset(): void {
    this.log.reset();
    this.highest = 0;
  }
}
