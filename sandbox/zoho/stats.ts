// What the Zoho sandbox observed, for tests to assert on: requests by kind (and by data centre), limit refusals,
// token endpoint outcomes, every refresh with its outcome, and the peak of concurrent data requests.

export interface ZohoSandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'revoke', 'org', 'users', 'fields', 'list', 'nextPage', 'deleted', 'search', 'insert', 'update', 'upsert', 'watch', 'other'. */
  requests: Record<string, number>;
  /** The API requests of each data centre, by kind. */
  requestsByDataCentre: Record<string, Record<string, number>>;
  /** Limit refusals: 'credits', 'concurrency', 'subConcurrency'. */
  refusals: Record<string, number>;
  /** Token endpoint answers without an access token, by `error` ('invalid_code', 'Access Denied', …). */
  tokenErrors: Record<string, number>;
  refreshes: { refreshTokenId: string; ok: boolean; error?: string; at: number }[];
  /** Credits spent in the current window, by org name. */
  creditsUsed: Record<string, number>;
  maxConcurrentDataRequests: number;
}

const MAX_REFRESH_RECORDS = 10_000;

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private byDataCentre: Record<string, Record<string, number>> = {};
  private refusals: Record<string, number> = {};
  private tokenErrors: Record<string, number> = {};
  private refreshes: ZohoSandboxStats['refreshes'] = [];
  private inFlight = 0;
  private maxInFlight = 0;

  count(kind: string, location?: string): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
    if (location) {
      const counts = (this.byDataCentre[location] ??= {});
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }

  refused(limit: string): void {
    this.refusals[limit] = (this.refusals[limit] ?? 0) + 1;
  }

  tokenError(error: string): void {
    this.tokenErrors[error] = (this.tokenErrors[error] ?? 0) + 1;
  }

  refreshed(refreshTokenId: string, ok: boolean, error?: string): void {
    if (this.refreshes.length < MAX_REFRESH_RECORDS) this.refreshes.push({ refreshTokenId, ok, ...(error ? { error } : {}), at: Date.now() });
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

  snapshot(creditsUsed: Record<string, number>): ZohoSandboxStats {
    return {
      requests: { ...this.requests },
      requestsByDataCentre: Object.fromEntries(Object.entries(this.byDataCentre).map(([location, counts]) => [location, { ...counts }])),
      refusals: { ...this.refusals },
      tokenErrors: { ...this.tokenErrors },
      refreshes: this.refreshes.map((r) => ({ ...r })),
      creditsUsed,
      maxConcurrentDataRequests: this.maxInFlight,
    };
  }

  reset(): void {
    this.requests = {};
    this.byDataCentre = {};
    this.refusals = {};
    this.tokenErrors = {};
    this.refreshes = [];
    // Requests in flight during a reset are still in flight; only the peak starts over.
    this.maxInFlight = this.inFlight;
  }
}
