// What the sandbox observed, for tests to assert on: requests by kind and every refresh with its overlap per grant.
import { RefreshOverlap, type TimedRefresh } from '../common/refresh-log';
import { RequestStats } from '../common/request-stats';

export type RefreshRecord = TimedRefresh;

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

export class StatsRecorder extends RequestStats {
  private readonly refreshes = new RefreshOverlap();

  /** Call when a refresh request arrives; call the returned function when it is answered. */
  refreshStarted(grantId: string): (ok: boolean) => void {
    return this.refreshes.started(grantId);
  }

  snapshot(apiUsage: { used: number; limit: number }): SandboxStats {
    const { requests, maxConcurrentDataRequests } = this.counts();
    return { requests, refreshes: this.refreshes.log.snapshot(), maxConcurrentRefreshesPerGrant: this.refreshes.maxConcurrentPerGrant, maxConcurrentDataRequests, apiUsage };
  }

  override reset(): void {
    super.reset();
    this.refreshes.reset();
  }
}
