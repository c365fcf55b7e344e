// What the HubSpot sandbox observed, for tests to assert on: requests by kind, refusals by reason, refreshes.

export interface HubSpotSandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'list', 'search', 'read', 'other'. */
  requests: Record<string, number>;
  /** Answers the sandbox refused on purpose: 'TEN_SECONDLY_ROLLING', 'SECONDLY', 'DAILY' (429s), 'searchCap' (400s). */
  refusals: Record<string, number>;
  refreshes: { grantId: string; ok: boolean; at: number }[];
  maxConcurrentDataRequests: number;
}

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private refusals: Record<string, number> = {};
  private refreshes: HubSpotSandboxStats['refreshes'] = [];
  private inFlight = 0;
  private maxInFlight = 0;

  count(kind: string): void {
    this.requests[kind] = (this.requests[kind] ?? 0) + 1;
  }

  refused(reason: string): void {
    this.refusals[reason] = (this.refusals[reason] ?? 0) + 1;
  }

  refreshed(grantId: string, ok: boolean): void {
    if (this.refreshes.length < 10_000) this.refreshes.push({ grantId, ok, at: Date.now() });
  }

  dataRequestStarted(): () => void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.inFlight--;
      }
    };
  }

  snapshot(): HubSpotSandboxStats {
    return {
      requests: { ...this.requests },
      refusals: { ...this.refusals },
      refreshes: this.refreshes.map((r) => ({ ...r })),
      maxConcurrentDataRequests: this.maxInFlight,
    };
  }

  reset(): void {
    this.requests = {};
    this.refusals = {};
    this.refreshes = [];
    this.maxInFlight = this.inFlight;
  }
}
