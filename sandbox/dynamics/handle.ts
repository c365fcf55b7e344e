// What a test, the bench or the dev stack holds of a running Dynamics 365 sandbox: its URL, the truth it keeps, and the knobs it turns.
import type { FaultControls } from './faults';
import type { DynamicsSandboxOptions } from './options';
import type { DynamicsSandboxStats } from './stats';
import type { EntitySet } from './tables';

/** A row as the truth: every property (secured ones unmasked), with its etag. */
export type DataverseRecord = Record<string, unknown>;

export interface DynamicsEnvironmentHandle {
  name: string;
  /** The org URL, e.g. http://127.0.0.1:40123 (what a customer types on the connect screen; the scope's resource). */
  url: string;
  /** `{url}/api/data/v9.2`. */
  apiUrl: string;
  organizationId: string;
  /** The systemuser id WhoAmI answers for the signed-in user. */
  userId: string;
  /** Generated rows whose modifiedon seconds come in tie groups (`tieGroupSize` fixes their size). */
  seed(entitySet: EntitySet, count: number, opts?: { tieGroupSize?: number }): string[];
  create(entitySet: EntitySet, values: Record<string, unknown>, opts?: { id?: string }): DataverseRecord;
  update(entitySet: EntitySet, id: string, values: Record<string, unknown>): DataverseRecord;
  /** One bulk edit now: `tieGroupSize` rows share each modifiedon second (default: all share one). */
  updateMany(entitySet: EntitySet, ids: readonly string[], values: Record<string, unknown>, opts?: { tieGroupSize?: number }): DataverseRecord[];
  /** An import now: new rows, `tieGroupSize` sharing each second (default: all share one). */
  importNow(entitySet: EntitySet, count: number, opts?: { tieGroupSize?: number }): string[];
  /** A hard delete: the row is gone; change tracking reports it as `$deletedEntity`. */
  delete(entitySet: EntitySet, id: string): void;
  /** The truth, by primary key in SQL Server order. */
  records(entitySet: EntitySet): DataverseRecord[];
  setChangeTracking(entitySet: EntitySet, enabled: boolean): void;
  /** Changes from now on are stamped `ms` later, and delta tokens age by as much. */
  advanceClock(ms: number): void;
}

export interface DynamicsSandbox {
  /** The login host, e.g. http://127.0.0.1:40123: `{url}/{tenant}/oauth2/v2.0/authorize|token`, and `/__sandbox`. */
  url: string;
  tenantId: string;
  environments: DynamicsEnvironmentHandle[];
  /** By name; without one, the first environment. */
  environment(name?: string): DynamicsEnvironmentHandle;
  close(): Promise<void>;
  setOptions(partial: Partial<DynamicsSandboxOptions>): void;
  /** Seeds the first environment (the shared control API's `/seed`). */
  seed(entitySet: EntitySet, count: number, opts?: { tieGroupSize?: number }): string[];
  /** As if the user signed in and consented for `environment` (default: the first). */
  issueGrant(opts?: { environment?: string; offlineAccess?: boolean }): { accessToken: string; refreshToken: string; expiresIn: number; grantId: string; environmentUrl: string; tenantId: string };
  /** Every access token now answers 401. */
  expireSessions(): void;
  /** Every refresh token now answers invalid_grant AADSTS700082 (as after 90 idle days). */
  expireRefreshTokens(): void;
  /** The user's sessions were revoked: refreshes answer invalid_grant AADSTS50173. */
  revokeGrant(grantIdOrToken: string): void;
  stats(): DynamicsSandboxStats;
  resetStats(): void;
  faults: FaultControls;
  /** Webhook notifications sent to `webhookUrl` so far (one per change). */
  webhookStats(): { delivered: number; notifications: number; failed: number };
  webhooksFlushed(): Promise<void>;
}
