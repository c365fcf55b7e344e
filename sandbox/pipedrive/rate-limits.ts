// Pipedrive's token-based limits: a daily token budget per company (each call costs tokens, reset at midnight),
// a rolling 2-second burst limit per access token with a tighter one for search, the x-ratelimit-* headers, and
// Cloudflare's block of a host that keeps hammering after its 429s.
import type { SandboxClock } from '../common/clock';
import type { Plan } from './options';

export const BURST_WINDOW_MS = 2000;
const CLOUDFLARE_WINDOW_MS = 60_000;

/** Daily budget per seat: 30,000 tokens × the plan's multiplier. */
const PLAN_MULTIPLIER: Record<Plan, number> = { lite: 1, growth: 2, premium: 5, ultimate: 7 };
/** Burst per rolling 2 s for OAuth apps, by plan. */
const OAUTH_BURST: Record<Plan, number> = { lite: 80, growth: 160, premium: 400, ultimate: 480 };

export type Refusal = 'burst' | 'search' | 'daily';

export interface CompanyLimits {
  domain: string;
  plan: Plan;
  seats: number;
}

export interface LimitSettings {
  dailyTokenBudget: number | null;
  burstLimit: number | null;
  searchBurstLimit: number;
  dailyBudgetHeaders: boolean;
  cloudflareBlockAfter429s: number;
  cloudflareBlockSeconds: number;
}

class RollingWindow {
  stamps: number[] = [];

  count(now: number): number {
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] <= now - BURST_WINDOW_MS) drop++;
    if (drop > 0) this.stamps = this.stamps.slice(drop);
    return this.stamps.length;
  }

  /** Whole seconds until the oldest call leaves the window (the window's length when it is empty). */
  resetSeconds(now: number): number {
    return this.stamps.length === 0 ? BURST_WINDOW_MS / 1000 : Math.max(1, Math.ceil((this.stamps[0] + BURST_WINDOW_MS - now) / 1000));
  }
}

export function dailyBudget(company: CompanyLimits, settings: LimitSettings): number {
  return settings.dailyTokenBudget ?? 30_000 * PLAN_MULTIPLIER[company.plan] * company.seats;
}

export class RateLimits {
  private readonly spent = new Map<string, { day: string; used: number }>();
  private readonly bursts = new Map<string, RollingWindow>();
  private readonly searches = new Map<string, RollingWindow>();
  private readonly refusals = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly clock: SandboxClock,
    private readonly settings: () => LimitSettings,
  ) {}

  /**
   * Counts one call that costs `cost` tokens, or names the limit that refuses it (a refused call spends nothing, so
   * a client that waits gets in). Returns the headers to send either way.
   */
  admit(company: CompanyLimits, token: string, cost: number, isSearch: boolean): { refusedBy: Refusal | null; headers: Record<string, string> } {
    const settings = this.settings();
    const now = this.clock.now();
    const burst = this.window(this.bursts, token);
    const search = this.window(this.searches, token);
    const burstLimit = settings.burstLimit ?? OAUTH_BURST[company.plan];
    const budget = dailyBudget(company, settings);
    const day = this.day(company.domain);
    let refusedBy: Refusal | null = null;
    if (burstLimit > 0 && burst.count(now) >= burstLimit) refusedBy = 'burst';
    else if (isSearch && settings.searchBurstLimit > 0 && search.count(now) >= settings.searchBurstLimit) refusedBy = 'search';
    else if (budget > 0 && day.used + cost > budget) refusedBy = 'daily';
    if (refusedBy === null) {
      burst.stamps.push(now);
      if (isSearch) search.stamps.push(now);
      day.used += cost;
    } else this.noteRefusal(company.domain, now, settings);
    const window = isSearch ? search : burst;
    const limit = isSearch ? settings.searchBurstLimit : burstLimit;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.count(now))),
      'x-ratelimit-reset': String(window.resetSeconds(now)),
    };
    if (settings.dailyBudgetHeaders) {
      headers['x-daily-ratelimit-token-limit'] = String(budget);
      headers['x-daily-ratelimit-token-remaining'] = String(Math.max(0, budget - day.used));
    }
    return { refusedBy, headers };
  }

  /** A 429 answered for another reason (a storm) counts toward Cloudflare's patience too. */
  noteRefusal(domain: string, now = this.clock.now(), settings = this.settings()): void {
    if (settings.cloudflareBlockAfter429s <= 0) return;
    const recent = (this.refusals.get(domain) ?? []).filter((at) => at > now - CLOUDFLARE_WINDOW_MS);
    recent.push(now);
    this.refusals.set(domain, recent);
    if (recent.length >= settings.cloudflareBlockAfter429s) {
      this.blockedUntil.set(domain, now + settings.cloudflareBlockSeconds * 1000);
      this.refusals.set(domain, []);
    }
  }

  blocked(domain: string): boolean {
    return (this.blockedUntil.get(domain) ?? 0) > this.clock.now();
  }

  usage(company: CompanyLimits): { used: number; limit: number } {
    return { used: this.day(company.domain).used, limit: dailyBudget(company, this.settings()) };
  }

  /** Spends the rest of the day's budget, as a storm of other apps in the same company would. */
  exhaust(company: CompanyLimits): void {
    this.day(company.domain).used = Math.max(this.day(company.domain).used, dailyBudget(company, this.settings()));
  }

  reset(): void {
    this.spent.clear();
    this.bursts.clear();
    this.searches.clear();
    this.refusals.clear();
    this.blockedUntil.clear();
  }

  /** The budget resets at midnight (UTC here; Pipedrive uses the server's time zone). */
  private day(domain: string): { day: string; used: number } {
    const today = new Date(this.clock.now()).toISOString().slice(0, 10);
    let entry = this.spent.get(domain);
    if (!entry || entry.day !== today) this.spent.set(domain, (entry = { day: today, used: 0 }));
    return entry;
  }

  private window(windows: Map<string, RollingWindow>, token: string): RollingWindow {
    let window = windows.get(token);
    if (!window) windows.set(token, (window = new RollingWindow()));
    return window;
  }
}
