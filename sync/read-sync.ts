// Reads a sync's pages the way a run does, storing nothing: the fields it would read, then each page validated into
// the records the store would receive and the invalid ones with their problems. Offline tests and dry runs share it.
import type { Checkpoint } from './checkpoint';
import { selectFields, type FieldSelection } from './fields';
import type { ProviderHttpClient } from './http-client';
import { ProviderError } from './provider-error';
import type { SyncDefinition, SyncMode } from './sync-definition';
import { validatePage, type InvalidRecord, type ValidRecord } from './validate-page';

export interface ReadSyncOptions {
  mode: SyncMode;
  /** Where to start: `null` for a first sync or a full resync, else a checkpoint a page handed out. */
  checkpoint: Checkpoint | null;
  pageSize: number;
  /** As the engine passes it: the provider's lookback at the start of an incremental run, 0 when resuming inside one. */
  lookbackMs: number;
  /** The fields to read as `SyncContext.fields`, skipping discovery; for a sync that declares `fields`. */
  fields?: readonly string[];
  /** Otherwise the integration's and connection's extra fields (or `*`) for discovery, as a run adds them. */
  extraFields?: readonly string[];
}

/** One page as the store would receive it. */
export interface ReadPage {
  /** Valid records by id, as stored (the schema's output). */
  records: ValidRecord[];
  /** Records the schema refused: neither stored nor dropped silently, counted on the run. */
  invalid: InvalidRecord[];
  deletedIds: string[];
  checkpoint: Checkpoint | null;
}

export interface SyncRead {
  /** What discovery chose (or `fields` said), `null` for a sync that reads a fixed set. */
  fields: FieldSelection | null;
  /** Read on demand: stop iterating and nothing more is asked of the provider. */
  pages: AsyncGenerator<ReadPage, void, undefined>;
}

/**
 * Lists the account's fields first, as a run does (a required field the account lacks fails here, before any page),
 * then hands out the pages. The checks are the engine's own (selectFields, validatePage), so what comes out is what
 * a run would store.
 */
export async function readSync(sync: SyncDefinition, http: ProviderHttpClient, options: ReadSyncOptions): Promise<SyncRead> {
  const fields = await chooseFields(sync, http, options);
  async function* pages(): AsyncGenerator<ReadPage, void, undefined> {
    const context = { mode: options.mode, checkpoint: options.checkpoint, http, pageSize: options.pageSize, lookbackMs: options.lookbackMs };
    for await (const page of sync.fetchPages({ ...context, fields: fields?.selected })) {
      const { valid, invalid } = validatePage(sync, page.records, fields?.extraKinds);
      yield { records: valid, invalid, deletedIds: page.deletedIds, checkpoint: page.checkpoint };
    }
  }
  return { fields, pages: pages() };
}

async function chooseFields(sync: SyncDefinition, http: ProviderHttpClient, options: ReadSyncOptions): Promise<FieldSelection | null> {
  if (!sync.fields) return null;
  if (options.fields) return { selected: [...options.fields], missing: [], missingRequired: [], extraKinds: {} };
  const selection = selectFields(sync.fields, await sync.fields.list(http), options.extraFields ?? []);
  if (selection.missingRequired.length > 0) {
    throw new ProviderError('permanent', `the account does not let the integration user read required field(s) ${selection.missingRequired.join(', ')} of ${sync.model}`);
  }
  return selection;
}
