// What the sandbox observed, for tests to assert on: requests by kind and every refresh with its overlap per grant.

export interface RefreshRecord {
  grantId: string;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
}

export interface SandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'introspect', 'revoke', 'query', 'queryAll', 'queryMore', 'limits', 'other'. */
  requests: Record<string, number>;
  refreshes: RefreshRecord[];
  /** The highest number of overlapping refresh requests for any one grant. */
  maxConcurrentRefreshesPerGrant: number;
  /** The highest number of /services/data requests in flight at once (Salesforce limits concurrent requests per org). */
  maxConcurrentDataRequests: number;
  apiUsage: { used: number; limit: number };
}

const MAX_REFRESH_RECORDS = 10_000;

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private refreshes: RefreshRecord[] = [];
  private readonly inFlight = new Map<string, number>();
  private maxConcurrent = 0;
  private dataInFlight = 0;
  private maxDataInFlight = 0;

  count(kind: string): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
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

  /** Call when a refresh request arrives; call the returned function when it is answered. */
  refreshStarted(grantId: string): (ok: boolean) => void {
    const startedAt = Date.now();
    const overlapping = (this.inFlight.get(grantId) ?? 0) + 1;
    this.inFlight.set(grantId, overlapping);
    this.maxConcurrent = Math.max(this.maxConcurrent, overlapping);
    let finished = false;
    return (ok) => {
      if (finished) return;
      finished = true;
      const left = (this.inFlight.get(grantId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(grantId, left);
      else this.inFlight.delete(grantId);
      if (this.refreshes.length < MAX_REFRESH_RECORDS) this.refreshes.push({ grantId, startedAt, finishedAt: Date.now(), ok });
    };
  }

  snapshot(apiUsage: { used: number; limit: number }): SandboxStats {
    return {
      requests: { ...this.requests },
      refreshes: this.refreshes.map((refresh) => ({ ...refresh })),
      maxConcurrentRefreshesPerGrant: this.maxConcurrent,
      maxConcurrentDataRequests: this.maxDataInFlight,
      apiUsage,
    };
  }

  reset(): void {
    this.requests = {};
    this.refreshes = [];
    this.maxConcurrent = 0;
    // Requests in flight during a reset are still in flight; only the peak starts over.
    this.maxDataInFlight = this.dataInFlight;
  }
}
