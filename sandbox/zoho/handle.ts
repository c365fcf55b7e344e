// What a test, the bench or the dev stack holds of a running Zoho CRM sandbox: its URL, the truth it keeps, and the knobs it turns.
import type { FaultControls } from './faults';
import type { ModuleName } from './modules';
import type { ZohoSandboxOptions } from './options';
import type { ZohoSandboxStats } from './stats';

/** A record as the truth: `id` and every field (hidden ones too), as the API would show them. */
export type ZohoRecord = Record<string, unknown>;

export interface ZohoDataCentreHandle {
  location: string;
  /** e.g. http://127.0.0.1:40123: the redirect's `accounts-server`, where codes and refresh tokens of this DC work. */
  accountsUrl: string;
  /** The token answer's `api_domain`; CRM calls go to `{apiUrl}/crm/v8/…`. */
  apiUrl: string;
}

export interface ZohoOrgHandle {
  name: string;
  location: string;
  /** `org[0].id` of `GET /crm/v8/org`: the account id. */
  orgId: string;
  /** The integration user's CRM user id and Zoho user id. */
  userId: string;
  zuid: string;
  email: string;
  utcOffsetMinutes: number;
  accountsServer: string;
  apiDomain: string;
  /** Generated records whose Modified_Time seconds come in tie groups (`tieGroupSize` fixes their size). */
  seed(module: ModuleName, count: number, opts?: { tieGroupSize?: number }): string[];
  /** Checked as an API insert would be (mandatory fields, types, lookups); unique fields are not enforced here. */
  create(module: ModuleName, values: Record<string, unknown>): ZohoRecord;
  update(module: ModuleName, id: string, values: Record<string, unknown>): ZohoRecord;
  /** One mass update now: `tieGroupSize` records share each Modified_Time second (default: all share one). */
  updateMany(module: ModuleName, ids: readonly string[], values: Record<string, unknown>, opts?: { tieGroupSize?: number }): ZohoRecord[];
  /** An import now: new records, `tieGroupSize` sharing each second (default: all share one). */
  importNow(module: ModuleName, count: number, opts?: { tieGroupSize?: number }): string[];
  /** To the recycle bin, or past it with `permanent`. */
  delete(module: ModuleName, id: string, opts?: { permanent?: boolean }): void;
  emptyRecycleBin(module: ModuleName): number;
  /** The truth, in id order. */
  records(module: ModuleName): ZohoRecord[];
  deleted(module: ModuleName): { id: string; display_name: string | null; type: 'recycle' | 'permanent'; deleted_time: string }[];
  /** Changes from now on are stamped `ms` later, and page tokens age by as much. */
  advanceClock(ms: number): void;
  /** The user's live refresh tokens for the app, and the live access tokens of each. */
  tokens(): { refreshTokens: { id: string; liveAccessTokens: number }[] };
}

export interface ZohoGrant {
  accessToken: string;
  refreshToken: string;
  refreshTokenId: string;
  expiresIn: number;
  apiDomain: string;
  accountsServer: string;
  location: string;
  orgId: string;
}

export interface ZohoSandbox {
  /** The first data centre's accounts server, which also serves the control API at `/__sandbox`. */
  url: string;
  clientId: string;
  clientSecret: string;
  dataCentres: ZohoDataCentreHandle[];
  dataCentre(location: string): ZohoDataCentreHandle;
  orgs: ZohoOrgHandle[];
  /** By name; without one, the first org. */
  org(name?: string): ZohoOrgHandle;
  close(): Promise<void>;
  setOptions(partial: Partial<ZohoSandboxOptions>): void;
  /** Seeds the first org (the shared control API's `/seed`). */
  seed(module: ModuleName, count: number, opts?: { tieGroupSize?: number }): string[];
  /** As if the org's user consented with `prompt=consent` (a new refresh token, counted against the cap). */
  issueGrant(opts?: { org?: string; scopes?: string[] }): ZohoGrant;
  /** Every access token now answers INVALID_TOKEN. */
  expireSessions(): void;
  /** Deletes a refresh token (by token, its id, or one of its access tokens) and its access tokens. */
  revokeGrant(token: string): void;
  stats(): ZohoSandboxStats;
  resetStats(): void;
  faults: FaultControls;
  /** Notification callbacks sent so far. */
  notificationStats(): { delivered: number; notifications: number; failed: number };
  notificationsFlushed(): Promise<void>;
}
