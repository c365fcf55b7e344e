// What the HubSpot sandbox observed, for tests to assert on: requests by kind, refusals by reason, refreshes.
import { RefreshLog } from '../common/refresh-log';
import { RequestStats } from '../common/request-stats';

export interface HubSpotSandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'list', 'search', 'read', 'other'. */
  requests: Record<string, number>;
  /** Answers the sandbox refused on purpose: 'TEN_SECONDLY_ROLLING', 'SECONDLY', 'DAILY' (429s), 'searchCap' (400s). */
  refusals: Record<string, number>;
  refreshes: { grantId: string; ok: boolean; at: number }[];
  maxConcurrentDataRequests: number;
}

export class StatsRecorder extends RequestStats {
  private readonly refreshes = new RefreshLog<HubSpotSandboxStats['refreshes'][number]>();

  refreshed(grantId: string, ok: boolean): void {
    this.refreshes.add({ grantId, ok, at: Date.now() });
  }

  snapshot(): HubSpotSandboxStats {
    const { requests, refusals, maxConcurrentDataRequests } = this.counts();
    return { requests, refusals, refreshes: this.refreshes.snapshot(), maxConcurrentDataRequests };
  }

  override reset(): void {
    super.reset();
    this.refreshes.reset();
  }
}
