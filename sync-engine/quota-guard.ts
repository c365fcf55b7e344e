// Keeps a sync from spending a customer's whole daily API allowance: reads the usage every answer reports and
// refuses to start the next request once a share of it is used.
import { ProviderError } from '../sync/provider-error';

export interface QuotaPolicy {
  /** The response header that reports usage, e.g. Salesforce's `Sforce-Limit-Info: api-usage=18000/100000`. */
  header: string;
  /** Reads the header: named groups `used` and `limit`. */
  pattern: RegExp;
  /** Stop starting new requests once used/limit reaches this share (0 < share ≤ 1). */
  maxShare: number;
  /** How long to wait then before trying again (one request tells whether the window has room again). */
  waitMs: number;
}

export class QuotaGuard {
  private latest: { used: number; limit: number } | null = null;

  constructor(private readonly policy: QuotaPolicy) {}

  /** Every answer, errors included, carries the current usage. */
  observe(headers: Headers): void {
    const groups = this.policy.pattern.exec(headers.get(this.policy.header) ?? '')?.groups;
    const used = Number(groups?.used);
    const limit = Number(groups?.limit);
    if (Number.isFinite(used) && Number.isFinite(limit) && limit > 0) this.latest = { used, limit };
  }

  /** Called before each request: the page already fetched has been stored by then, so nothing is lost by stopping. */
  assertRoom(): void {
    if (!this.latest || this.latest.used / this.latest.limit < this.policy.maxShare) return;
    const { used, limit } = this.latest;
    throw new ProviderError(
      'rate_limited',
      `daily API quota guard: ${used} of ${limit} requests used, at or above the ${Math.round(this.policy.maxShare * 100)}% this sync may take; new pages wait`,
      { waitMs: this.policy.waitMs },
    );
  }
}
