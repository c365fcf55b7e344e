// What the Dynamics sandbox observed, for tests to assert on: requests by kind (and by environment), refusals by
// error code, every refresh with its outcome, and the peak of concurrent data requests.

export interface DynamicsSandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'whoami', 'list', 'nextPage', 'delta', 'read', 'metadata', 'create', 'update', 'delete', 'other'. */
  requests: Record<string, number>;
  /** The data requests of each environment, by kind. */
  requestsByEnvironment: Record<string, Record<string, number>>;
  /** 429s by error code (0x80072322 requests, 0x80072321 execution time, 0x80072326 concurrency). */
  refusals: Record<string, number>;
  refreshes: { grantId: string; ok: boolean; error?: string; at: number }[];
  maxConcurrentDataRequests: number;
}

const MAX_REFRESH_RECORDS = 10_000;

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private byEnvironment: Record<string, Record<string, number>> = {};
  private refusals: Record<string, number> = {};
  private refreshes: DynamicsSandboxStats['refreshes'] = [];
  private inFlight = 0;
  private maxInFlight = 0;

  count(kind: string, environment?: string): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
    if (environment) {
      const counts = (this.byEnvironment[environment] ??= {});
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }

  refused(code: string): void {
    this.refusals[code] = (this.refusals[code] ?? 0) + 1;
  }

  refreshed(grantId: string, ok: boolean, error?: string): void {
    if (this.refreshes.length < MAX_REFRESH_RECORDS) this.refreshes.push({ grantId, ok, ...(error ? { error } : {}), at: Date.now() });
  }

  /** Call when a data request arrives; call the returned function once it is answered or abandoned. */
  dataRequestStarted(): () => void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
  }

  snapshot(): DynamicsSandboxStats {
    return {
      requests: { ...this.requests },
      requestsByEnvironment: Object.fromEntries(Object.entries(this.byEnvironment).map(([name, counts]) => [name, { ...counts }])),
      refusals: { ...this.refusals },
      refreshes: this.refreshes.map((r) => ({ ...r })),
      maxConcurrentDataRequests: this.maxInFlight,
    };
  }

  reset(): void {
    this.requests = {};
    this.byEnvironment = {};
    this.refusals = {};
    this.refreshes = [];
    // Requests in flight during a reset are still in flight; only the peak starts over.
    this.maxInFlight = this.inFlight;
  }
}
