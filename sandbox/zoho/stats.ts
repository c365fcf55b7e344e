// What the Zoho sandbox observed, for tests to assert on: requests by kind (and by data centre), limit refusals,
// token endpoint outcomes, every refresh with its outcome, and the peak of concurrent data requests.
import { RefreshLog } from '../common/refresh-log';
import { RequestStats } from '../common/request-stats';

export interface ZohoSandboxStats {
  /** By kind: 'authorize', 'token.authorization_code', 'token.refresh_token', 'revoke', 'org', 'users', 'fields', 'list', 'nextPage', 'deleted', 'search', 'insert', 'update', 'upsert', 'watch', 'other'. */
  requests: Record<string, number>;
  /** The requests each data centre answered (its accounts server and its API domain), by kind. */
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

export class StatsRecorder extends RequestStats {
  private tokenErrors: Record<string, number> = {};
  private readonly refreshes = new RefreshLog<ZohoSandboxStats['refreshes'][number]>();

  tokenError(error: string): void {
    this.tokenErrors[error] = (this.tokenErrors[error] ?? 0) + 1;
  }

  refreshed(refreshTokenId: string, ok: boolean, error?: string): void {
    this.refreshes.add({ refreshTokenId, ok, ...(error ? { error } : {}), at: Date.now() });
  }

  snapshot(creditsUsed: Record<string, number>): ZohoSandboxStats {
    const { requests, requestsByHost, refusals, maxConcurrentDataRequests } = this.counts();
    return { requests, requestsByDataCentre: requestsByHost, refusals, tokenErrors: { ...this.tokenErrors }, refreshes: this.refreshes.snapshot(), creditsUsed, maxConcurrentDataRequests };
  }

  override reset(): void {
    super.reset();
    this.tokenErrors = {};
    this.refreshes.reset();
  }
}
