// What the Dynamics sandbox observed, for tests to assert on: requests by kind (and by environment), refusals by
// error code, every refresh with its outcome, and the peak of concurrent data requests.
import { RefreshLog } from '../common/refresh-log';
import { RequestStats } from '../common/request-stats';

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

export class StatsRecorder extends RequestStats {
  private readonly refreshes = new RefreshLog<DynamicsSandboxStats['refreshes'][number]>();

  refreshed(grantId: string, ok: boolean, error?: string): void {
    this.refreshes.add({ grantId, ok, ...(error ? { error } : {}), at: Date.now() });
  }

  snapshot(): DynamicsSandboxStats {
    const { requests, requestsByHost, refusals, maxConcurrentDataRequests } = this.counts();
    return { requests, requestsByEnvironment: requestsByHost, refusals, refreshes: this.refreshes.snapshot(), maxConcurrentDataRequests };
  }

  override reset(): void {
    super.reset();
    this.refreshes.reset();
  }
}
