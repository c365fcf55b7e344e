// What a sync is: its model's schema, how often it runs, and how to fetch its pages (exported through sync/index.ts).
import type { z } from 'zod';
import type { Checkpoint } from './checkpoint';
import type { FieldList } from './fields';
import type { ProviderHttpClient } from './http-client';

import type { SyncMode } from '../contracts/sync-mode';

export type { SyncMode };

/** One page of what the provider returned. Records are raw: the engine validates them against the model's schema. */
export interface SyncPage {
  records: unknown[];
  /** Ids the provider reports as deleted (tombstones, archived rows, recycle-bin entries). */
  deletedIds: string[];
  /** Where to resume if everything after this page is lost. Saved only after the page is stored. */
  checkpoint: Checkpoint | null;
  /**
   * What the run's log should say with this page, in words an operator acts on: a capability the account lacks and
   * what the sync does instead ("contact has no change tracking: …"). Absent: nothing.
   */
  note?: string;
}

export interface SyncContext {
  mode: SyncMode;
  /** `null` on a first sync or a full resync; otherwise the checkpoint of the last stored page. */
  checkpoint: Checkpoint | null;
  /** Authenticated client for the connection's provider: base URL, token and error handling are done. */
  http: ProviderHttpClient;
  /** Preferred records per page; providers may return fewer. */
  pageSize: number;
  /**
   * How far before `checkpoint` to start reading again (the provider's lookback for late-visible changes). Non-zero
   * only when an incremental run starts from the last run's cursor: inside a run, re-reading could move the
   * checkpoint backwards. Records re-read this way are recognised as unchanged by their content hash.
   */
  lookbackMs: number;
  /**
   * The fields to read this run, for a sync that declares `fields`: the ones it wants (and the connection's custom
   * fields) that the customer's account has and lets the integration user see. Absent for a sync without `fields`.
   */
  fields?: readonly string[];
}

export interface SyncDefinition<Schema extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  /** The model's name in Tributary's API and storage, e.g. `contacts`. */
  model: string;
  description: string;
  schema: Schema;
  idOf(record: z.infer<Schema>): string;
  /** The id of a record as the provider sent it, even one the schema rejects, so the run can say which was invalid. */
  rawIdOf?(raw: unknown): string | null;
  /**
   * The fields the sync reads, for providers whose accounts differ in what they have (field-level security, editions,
   * custom fields). With it the engine asks `fields.list` what exists before a run and passes the selection in
   * `SyncContext.fields`; without it the sync reads what it always reads.
   */
  fields?: FieldList;
  /**
   * Bump it when what the sync stores changes (fields, schema, mapping): every connection then runs one full resync
   * at its next run, so records already stored get the new shape. Absent: 1.
   */
  version?: number;
  /** How often the model syncs unless the connection says otherwise (`30s`, `5m`, `1h`). */
  defaultFrequency: string;
  /** Fields that change without the record meaningfully changing; they do not make a record "updated". */
  ignoredFields?: readonly string[];
  /** Yields pages in a stable order so that a checkpoint after any page is a correct resume point. */
  fetchPages(context: SyncContext): AsyncIterable<SyncPage>;
  /**
   * For a provider whose lists never show deleted records, and whose webhooks report deletes instead
   * (`ChangeNotice.deletedId`): which of these reported ids (at most 100 at a time) are really gone at the provider
   * now. After a run's last page the engine asks it about the deletes reported for the model and applies its answer,
   * so a report that is stale or wrong (a record restored since, a redelivery out of order) deletes nothing. Without
   * it, reported deletes are applied as reported.
   */
  confirmDeletes?(context: { http: ProviderHttpClient; ids: readonly string[] }): Promise<string[]>;
  /**
   * For a provider that reports no deletes a sync can read: how often (`1d`) a run reads everything anyway, so a full
   * resync marks what the provider no longer has as deleted, even when a webhook reporting it was lost. Counted from
   * the start of the model's last run that read everything.
   */
  fullResyncEvery?: string;
}

/** Identity function that gives a sync file full type inference on its schema. */
export function defineSync<Schema extends z.ZodType<Record<string, unknown>>>(definition: SyncDefinition<Schema>): SyncDefinition<Schema> {
  return definition;
}
