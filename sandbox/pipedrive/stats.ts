// What the Pipedrive sandbox observed, for tests to assert on: requests by kind, refusals by limit, every refresh
// with its overlap per grant, and the peak of data requests in flight.
import { RefreshOverlap, type TimedRefresh } from '../common/refresh-log';
import { RequestStats } from '../common/request-stats';

export type RefreshRecord = TimedRefresh;

export interface PipedriveSandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'revoke', 'users.me', 'persons.list' (first pages), 'persons.list.next', 'persons.get', 'persons.search', 'persons.create', …, 'webhooks.create', 'other'. */
  requests: Record<string, number>;
  /** Calls refused on purpose: 'burst', 'search', 'daily' (429s), 'cloudflare' (HTML 403s), 'scope' (403s). */
  refusals: Record<string, number>;
  refreshes: RefreshRecord[];
  maxConcurrentRefreshesPerGrant: number;
  maxConcurrentDataRequests: number;
  /** Each company's daily token budget and what today's calls spent of it. */
  budgets: Record<string, { used: number; limit: number }>;
}

export class StatsRecorder extends RequestStats {
  private readonly refreshes = new RefreshOverlap();

  /** Call when a refresh arrives; call the returned function when it is answered. */
  refreshStarted(grantId: string): (ok: boolean) => void {
    return this.refreshes.started(grantId);
  }

  snapshot(budgets: PipedriveSandboxStats['budgets']): PipedriveSandboxStats {
    const { requests, refusals, maxConcurrentDataRequests } = this.counts();
    return { requests, refusals, refreshes: this.refreshes.log.snapshot(), maxConcurrentRefreshesPerGrant: this.refreshes.maxConcurrentPerGrant, maxConcurrentDataRequests, budgets };
  }

  override reset(): void {
    super.reset();
    this.refreshes.reset();
  }
}
