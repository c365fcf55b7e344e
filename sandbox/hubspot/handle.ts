// What a test, the bench or the dev stack holds of a running HubSpot sandbox: its URL, the truth it keeps, and the knobs it turns.
import type { FaultControls } from './faults';
import type { HubSpotSandboxOptions } from './options';
import type { HubSpotRecord } from './portal';
import type { HubSpotObject } from './properties';
import type { HubSpotSandboxStats } from './stats';

export interface HubSpotSandbox {
  /** e.g. http://127.0.0.1:40123 (no trailing slash): the install page, the token endpoint and the API. */
  url: string;
  close(): Promise<void>;
  setOptions(partial: Partial<HubSpotSandboxOptions>): void;
  /** Returns the new ids; many records share one modified date. */
  seed(object: HubSpotObject, count: number, opts?: { tieGroupSize?: number }): string[];
  create(object: HubSpotObject, properties: Record<string, unknown>): HubSpotRecord;
  /** Moves the modified date (`lastmodifieddate` / `hs_lastmodifieddate`). */
  update(object: HubSpotObject, id: string, properties: Record<string, unknown>): HubSpotRecord;
  /** One import touching many records: `tieGroupSize` of them share each modified date (default: all share one). */
  updateMany(object: HubSpotObject, ids: readonly string[], properties: Record<string, unknown>, opts?: { tieGroupSize?: number }): HubSpotRecord[];
  /** A bulk import happening now: new records, `tieGroupSize` of them sharing each modified date (default: all one). */
  importNow(object: HubSpotObject, count: number, opts?: { tieGroupSize?: number }): string[];
  /** Into the recycle bin: gone from search and the default list, listed with `archived=true`. */
  archive(object: HubSpotObject, id: string): void;
  restore(object: HubSpotObject, id: string): HubSpotRecord;
  /** Archived records vanish entirely, as HubSpot does after 90 days. */
  purgeArchived(): void;
  /** The truth, ascending by id, with every property. */
  records(object: HubSpotObject, opts?: { includeArchived?: boolean }): HubSpotRecord[];
  /** As if a user installed the app. */
  issueGrant(opts?: { scopes?: string[] }): { accessToken: string; refreshToken: string; expiresIn: number; grantId: string };
  /** Every access token now answers 401 EXPIRED_AUTHENTICATION. */
  expireSessions(): void;
  /** The app was uninstalled: refresh answers BAD_REFRESH_TOKEN, access tokens 401. */
  revokeGrant(grantIdOrToken: string): void;
  stats(): HubSpotSandboxStats;
  resetStats(): void;
  faults: FaultControls;
  /** The webhook deliveries sent to `webhookUrl` so far (batches of up to 100 events). */
  webhookStats(): { delivered: number; notifications: number; failed: number };
  /** Resolves once every change made so far has been delivered (or given up). */
  webhooksFlushed(): Promise<void>;
}
