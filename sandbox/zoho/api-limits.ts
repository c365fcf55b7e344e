// Zoho CRM's API limits, per org: credits in a rolling 24-hour window (most calls cost 1, writes 1 per 10 records),
// concurrent calls, and a lower sub-concurrency for heavy calls. A refused call costs nothing.
import { InFlight } from '../common/in-flight';

export type LimitName = 'credits' | 'concurrency' | 'subConcurrency';

export interface Limits {
  dailyCredits: number;
  creditWindowMs: number;
  concurrency: number;
  heavyConcurrency: number;
}

interface OrgUsage {
  /** Credits spent, with when, oldest first. */
  spent: { at: number; credits: number }[];
  /** Their sum, kept as they come and go: a busy org makes thousands of calls a minute. */
  total: number;
  inFlight: InFlight;
  heavyInFlight: InFlight;
}

export class ApiLimits {
  private readonly orgs = new Map<string, OrgUsage>();

  constructor(private readonly limits: () => Limits) {}

  /**
   * Admits one call of `org` costing `credits`, or names the limit refusing it. Concurrency is checked first: a call
   * over it fails at once whatever the credits say. Call `finished` once an admitted call is answered or abandoned.
   */
  admit(org: string, credits: number, heavy: boolean, now = Date.now()): { refusedBy: LimitName | null; finished: () => void } {
    const { dailyCredits, concurrency, heavyConcurrency } = this.limits();
    const usage = this.usage(org, now);
    if (concurrency > 0 && usage.inFlight.count >= concurrency) return { refusedBy: 'concurrency', finished: () => undefined };
    if (heavy && heavyConcurrency > 0 && usage.heavyInFlight.count >= heavyConcurrency) return { refusedBy: 'subConcurrency', finished: () => undefined };
    if (dailyCredits > 0 && usage.total + credits > dailyCredits) return { refusedBy: 'credits', finished: () => undefined };
    usage.spent.push({ at: now, credits });
    usage.total += credits;
    const finished = usage.inFlight.start();
    const heavyFinished = heavy ? usage.heavyInFlight.start() : () => undefined;
    return {
      refusedBy: null,
      finished: () => {
        finished();
        heavyFinished();
      },
    };
  }

  /** Credits spent in the current window, by org. */
  creditsUsed(now = Date.now()): Record<string, number> {
    return Object.fromEntries([...this.orgs.keys()].map((org) => [org, this.usage(org, now).total]));
  }

  /** Seconds until the oldest spend in the window drops out (when a credit refusal would first pass). */
  secondsUntilCreditsFree(org: string, now = Date.now()): number {
    const oldest = this.usage(org, now).spent[0];
    return oldest ? Math.max(1, Math.ceil((oldest.at + this.limits().creditWindowMs - now) / 1000)) : 1;
  }

  private usage(org: string, now: number): OrgUsage {
    let usage = this.orgs.get(org);
    if (!usage) this.orgs.set(org, (usage = { spent: [], total: 0, inFlight: new InFlight(), heavyInFlight: new InFlight() }));
    const { creditWindowMs } = this.limits();
    let drop = 0;
    while (drop < usage.spent.length && usage.spent[drop].at <= now - creditWindowMs) usage.total -= usage.spent[drop++].credits;
    if (drop > 0) usage.spent = usage.spent.slice(drop);
    return usage;
  }
}
