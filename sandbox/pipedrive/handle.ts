// What a test, the bench or the dev stack holds of a running Pipedrive sandbox: its URL, the truth it keeps, and the knobs it turns.
import type { FaultControls } from './faults';
import type { CustomFieldType, PipedriveObject } from './fields';
import type { PipedriveSandboxOptions } from './options';
import type { ApiItem } from './record-values';
import type { PipedriveSandboxStats } from './stats';
import type { WebhookDeliveryStats } from './webhook-sender';

type Item = ApiItem;
type Values = Record<string, unknown>;
/** Which company (of a sandbox serving several) a call is about; the first one when absent. */
export type CompanyChoice = { company?: string };

export interface SandboxCompany {
  domain: string;
  id: number;
  /** What token answers call `api_domain`: this company's own listener, e.g. http://127.0.0.1:40125. */
  apiDomain: string;
  adminUserId: number;
  userIds: number[];
}

export interface PipedriveSandbox {
  /** The OAuth host (oauth.pipedrive.com) and the /__sandbox control API, e.g. http://127.0.0.1:40123. */
  url: string;
  companies: SandboxCompany[];
  /** The API base of a company (default: the first). */
  apiDomain(company?: string): string;
  close(): Promise<void>;
  setOptions(partial: Partial<PipedriveSandboxOptions>): void;
  /** Returns the new ids; many records share one update second. */
  seed(object: PipedriveObject, count: number, opts?: { tieGroupSize?: number } & CompanyChoice): number[];
  /** Changes made here count as made in Pipedrive's UI by the company's admin (`change_source: app`). */
  create(object: PipedriveObject, values: Values, opts?: CompanyChoice): Item;
  update(object: PipedriveObject, id: number, values: Values, opts?: CompanyChoice): Item;
  /** A bulk edit: every record gets the same update second. */
  updateMany(object: PipedriveObject, ids: readonly number[], values: Values, opts?: CompanyChoice): Item[];
  /** Soft delete: gone from lists and search; purged after `deletedRetentionMs`. */
  delete(object: PipedriveObject, id: number, opts?: CompanyChoice): void;
  /** `fromId` is merged into `intoId`: a delete and a change, as webhooks v2 announce it. */
  merge(object: PipedriveObject, fromId: number, intoId: number, opts?: CompanyChoice): Item;
  /** Deleted records vanish now instead of after the retention. */
  purgeDeleted(opts?: CompanyChoice): void;
  /** Moves the sandbox clock forward (codes, refresh-token idleness, purges, search lag, budgets). */
  advanceClock(ms: number): void;
  /** The truth, ascending by id, as the API renders items. */
  records(object: PipedriveObject, opts?: { includeDeleted?: boolean } & CompanyChoice): Item[];
  fields(object: PipedriveObject, opts?: CompanyChoice): Values[];
  /** A user adds a custom field (null on every record); returns it as the field endpoints show it. */
  addCustomField(object: PipedriveObject, spec: { name: string; type: CustomFieldType; options?: string[] }, opts?: CompanyChoice): Values;
  /** As if a user of the company installed the app. */
  issueGrant(opts?: { company?: string; userId?: number; scopes?: string[] }): { accessToken: string; refreshToken: string; expiresIn: number; apiDomain: string; grantId: string; companyId: number; userId: number };
  /** Every access token now answers 401. */
  expireSessions(): void;
  /** The app was uninstalled: refresh answers "Invalid grant", access tokens 401, its webhooks are gone. */
  revokeGrant(grantIdOrToken: string): void;
  stats(): PipedriveSandboxStats;
  /** Clears request counts, refresh history, today's budgets and the burst windows. */
  resetStats(): void;
  faults: FaultControls;
  /** The registered webhooks of a company, as `/api/v1/webhooks` lists them. */
  webhooks(opts?: CompanyChoice): Values[];
  webhookStats(): WebhookDeliveryStats;
  /** Resolves once every delivery started so far has succeeded or been given up (retries included). */
  webhooksFlushed(): Promise<void>;
}
