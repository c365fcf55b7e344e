// HubSpot's burst limits: a rolling 10-second window per app and account (reported on every answer in the
// X-HubSpot-RateLimit-* headers) and a per-second limit on search. OAuth calls carry no daily headers.

export const TEN_SECONDS_MS = 10_000;
/** What the headers report when enforcement is off: HubSpot's allowance for public OAuth apps. */
const NOMINAL_TEN_SECONDLY_LIMIT = 110;

class RollingWindow {
  private stamps: number[] = [];

  constructor(private readonly windowMs: number) {}

  count(now: number): number {
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] <= now - this.windowMs) drop++;
    if (drop > 0) this.stamps = this.stamps.slice(drop);
    return this.stamps.length;
  }

  add(now: number): void {
    this.stamps.push(now);
  }
}

export class RateLimits {
  private readonly tenSecondly = new RollingWindow(TEN_SECONDS_MS);
  private readonly searchSecondly = new RollingWindow(1000);

  constructor(private readonly limits: () => { tenSecondly: number; searchPerSecond: number }) {}

  /**
   * Counts one data call, or names the policy that refuses it (a refused call is not counted, so a client that waits
   * the window out gets in). Returns the headers to send either way.
   */
  admit(isSearch: boolean, now = Date.now()): { refusedBy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | null; headers: Record<string, string> } {
    const { tenSecondly, searchPerSecond } = this.limits();
    const max = tenSecondly > 0 ? tenSecondly : NOMINAL_TEN_SECONDLY_LIMIT;
    let used = this.tenSecondly.count(now);
    let refusedBy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | null = null;
    if (tenSecondly > 0 && used >= tenSecondly) refusedBy = 'TEN_SECONDLY_ROLLING';
    else if (isSearch && searchPerSecond > 0 && this.searchSecondly.count(now) >= searchPerSecond) refusedBy = 'SECONDLY';
    if (refusedBy === null) {
      this.tenSecondly.add(now);
      if (isSearch) this.searchSecondly.add(now);
      used++;
    }
    return { refusedBy, headers: this.headers(max, used) };
  }

  /** For answers a fault cut short: the window as it stands. */
  currentHeaders(now = Date.now()): Record<string, string> {
    const { tenSecondly } = this.limits();
    return this.headers(tenSecondly > 0 ? tenSecondly : NOMINAL_TEN_SECONDLY_LIMIT, this.tenSecondly.count(now));
  }

  private headers(max: number, used: number): Record<string, string> {
    return {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS_MS),
      'X-HubSpot-RateLimit-Max': String(max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, max - used)),
    };
  }
}
