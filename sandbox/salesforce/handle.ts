// What a test, the bench or the dev stack holds of a running Salesforce sandbox: its URL, the truth it keeps, and the knobs it turns.
import type { FaultControls } from './faults';
import type { SalesforceObject, SalesforceRecord } from './fields';
import type { SalesforceSandboxOptions } from './options';
import type { SandboxStats } from './stats';

export interface SalesforceSandbox {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  /** This org's id (00D…), as the identity URL of its token answers names it. */
  orgId: string;
  /** The body of Tributary's `POST /integrations` that registers this sandbox as `key`: its client id and secret, its OAuth URLs. */
  integration(key: string): { key: string; provider: 'salesforce'; clientId: string; clientSecret: string; authorizationUrl: string; tokenUrl: string };
  close(): Promise<void>;
  setOptions(partial: Partial<SalesforceSandboxOptions>): void;
  /** Returns the new ids; many records share one SystemModstamp. */
  seed(object: SalesforceObject, count: number, opts?: { tieGroupSize?: number }): string[];
  create(object: SalesforceObject, fields: Record<string, unknown>): SalesforceRecord;
  /** Bumps LastModifiedDate and SystemModstamp. */
  update(object: SalesforceObject, id: string, fields: Record<string, unknown>, opts?: { committedLateByMs?: number }): SalesforceRecord;
  /** An automated change: bumps SystemModstamp only. */
  touch(object: SalesforceObject, id: string): SalesforceRecord;
  /** IsDeleted = true; the row stays visible to queryAll (recycle bin). */
  delete(object: SalesforceObject, id: string): void;
  /** Hard-deletes recycled rows, as Salesforce does after 15 days. */
  purgeRecycleBin(): void;
  /** Changes from now on are stamped `ms` later, as if that much time had passed. */
  advanceClock(ms: number): void;
  /** The truth, sorted by Id, without `attributes`. */
  records(object: SalesforceObject, opts?: { includeDeleted?: boolean }): SalesforceRecord[];
  /** As if a user completed OAuth. `refreshToken` is '' when the scope grants none. */
  issueGrant(opts?: { scope?: string }): { accessToken: string; refreshToken: string; instanceUrl: string; grantId: string };
  /** Every access token now answers 401. */
  expireSessions(): void;
  /** Refresh then answers invalid_grant. */
  revokeGrant(grantIdOrRefreshToken: string): void;
  stats(): SandboxStats;
  /** Clears request counts, refresh history and the day's API usage. */
  resetStats(): void;
  faults: FaultControls;
  /** Outbound Messages sent to `webhookUrl` so far (each with up to 100 notifications). */
  webhookStats(): { delivered: number; notifications: number; failed: number };
  /** Resolves once every change made so far has been delivered (or given up). */
  webhooksFlushed(): Promise<void>;
}
