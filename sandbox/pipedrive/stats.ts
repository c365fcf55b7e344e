// What the Pipedrive sandbox observed, for tests to assert on: requests by kind, refusals by limit, every refresh
// with its overlap per grant, and the peak of data requests in flight.

export interface RefreshRecord {
  grantId: string;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
}

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

const MAX_REFRESH_RECORDS = 10_000;

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private refusals: Record<string, number> = {};
  private refreshes: RefreshRecord[] = [];
  private readonly refreshesInFlight = new Map<string, number>();
  private maxConcurrentRefreshes = 0;
  private dataInFlight = 0;
  private maxDataInFlight = 0;

  count(kind: string): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
  }

  refused(reason: string): void {
    this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
  }

  /** Call when a data request arrives; call the returned function once it is answered or abandoned. */
  dataRequestStarted(): () => void {
    this.dataInFlight++;
    this.maxDataInFlight = Math.max(this.maxDataInFlight, this.dataInFlight);
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.dataInFlight--;
    };
  }

  /** Call when a refresh arrives; call the returned function when it is answered. */
  refreshStarted(grantId: string): (ok: boolean) => void {
    const startedAt = Date.now();
    const overlapping = (this.refreshesInFlight.get(grantId) ?? 0) + 1;
    this.refreshesInFlight.set(grantId, overlapping);
    this.maxConcurrentRefreshes = Math.max(this.maxConcurrentRefreshes, overlapping);
    let finished = false;
    return (ok) => {
      if (finished) return;
      finished = true;
      const left = (this.refreshesInFlight.get(grantId) ?? 1) - 1;
      if (left > 0) this.refreshesInFlight.set(grantId, left);
      else this.refreshesInFlight.delete(grantId);
      if (this.refreshes.length < MAX_REFRESH_RECORDS) this.refreshes.push({ grantId, startedAt, finishedAt: Date.now(), ok });
    };
  }

  snapshot(budgets: PipedriveSandboxStats['budgets']): PipedriveSandboxStats {
    return {
      requests: { ...this.requests },
      refusals: { ...this.refusals },
      refreshes: this.refreshes.map((refresh) => ({ ...refresh })),
      maxConcurrentRefreshesPerGrant: this.maxConcurrentRefreshes,
      maxConcurrentDataRequests: this.maxDataInFlight,
      budgets,
    };
  }

  reset(): void {
    this.requests = {};
    this.refusals = {};
    this.refreshes = [];
    this.maxConcurrentRefreshes = 0;
    // Requests in flight during a reset are still in flight; only the peak starts over.
    this.maxDataInFlight = this.dataInFlight;
  }
}
