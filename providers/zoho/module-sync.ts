// Builds a Zoho CRM sync for one module: its records in Modified_Time order (If-Modified-Since, page tokens), then its
// deleted-records list, resumable after any page.
import type { z } from 'zod';
import { defineSync, ProviderError, type Checkpoint, type ProviderHttpClient, type SyncDefinition, type SyncPage } from '../../sync';
import { listModuleFields } from './module-fields';
import { ifModifiedSince, zohoSeconds } from './zoho-time';

/** `fields` names at most 50 fields per request; `ids` at most 100 records (ZC get-records). */
export const MAX_FIELDS_PER_REQUEST = 50;
const MAX_IDS_PER_REQUEST = 100;
/** `per_page` at most 200. */
const MAX_PER_PAGE = 200;
/**
 * Deletes are listed by Zoho's clock (`deleted_time`), the watermark is ours: each run reads deletes from a minute
 * before the last one started. Deletes read twice delete nothing twice.
 */
const CLOCK_MARGIN_MS = 60_000;
/** A page token that can no longer be followed: expired, refused for another query, or past its 100,000 records. */
const STALE_PAGE_TOKEN = new Set(['EXPIRED_VALUE', 'TOKEN_BOUND_DATA_MISMATCH', 'PAGINATION_LIMIT_EXCEEDED']);

interface ZohoRecord {
  id: string;
  Modified_Time?: unknown;
  [field: string]: unknown;
}

interface RecordsAnswer {
  data: ZohoRecord[];
  info?: { more_records?: boolean; next_page_token?: string | null };
}

interface DeletedAnswer {
  data: { id: string }[];
  info?: { more_records?: boolean };
}

export interface ZohoModuleSyncOptions<Schema extends z.ZodType<Record<string, unknown>>> {
  model: string;
  /** The module's API name in the URL: `Contacts`, `Accounts`. */
  module: string;
  description: string;
  schema: Schema;
  defaultFrequency: string;
  /** Read when the org has them and the user's profile lets it see them. */
  fields: readonly string[];
  /** A record means nothing without these: an org that hides one fails the run. */
  required?: readonly string[];
  /** Bump it when what the sync stores changes: every connection then reads everything once (SyncDefinition.version). */
  version?: number;
}

/**
 * Where a run stands.
 * - `records`: listing the module by Modified_Time from `querySince` (a whole second, exclusive; null: from the
 *   start), next at `pageToken`; every record modified before `resumeSec` is stored, so a token that can no longer
 *   be followed is replaced by a new listing from `resumeSec` (that second read again: ties run on across pages).
 * - `deleted`: listing the recycle bin and permanent deletes since `deletesSince`, next at `page`.
 * - `done`: the next run lists records modified from `cursor` (the latest Modified_Time stored; that second is read
 *   again, as a change made later in the same second shares it) and deletes from `deletesSince`.
 */
type RunState = {
  phase: 'records' | 'deleted';
  querySince: number | null;
  pageToken: string | null;
  resumeSec: number | null;
  cursor: number | null;
  /** Epoch ms; null on a first sync or full resync, which reads no deletes (what it does not see is deleted). */
  deletesSince: number | null;
  page: number;
  runStartedAt: number;
};

export function zohoModuleSync<Schema extends z.ZodType<Record<string, unknown>>>(options: ZohoModuleSyncOptions<Schema>): SyncDefinition<Schema> {
  const system = ['Modified_Time'];
  const defaultFields = [...new Set([...system, ...(options.required ?? []), ...options.fields])];
  const listPath = `/crm/v8/${options.module}`;

  return defineSync({
    model: options.model,
    description: options.description,
    version: options.version,
    schema: options.schema,
    idOf: (record) => String(record.id),
    rawIdOf: (raw) => {
      const id = (raw as { id?: unknown } | null)?.id;
      return typeof id === 'string' ? id : null;
    },
    fields: {
      wanted: options.fields,
      required: options.required ?? [],
      system,
      list: (http) => listModuleFields(http, options.module),
      valueOf: (record, field) => record[field],
    },
    defaultFrequency: options.defaultFrequency,
    async *fetchPages({ checkpoint, http, pageSize, lookbackMs, fields: selected }): AsyncIterable<SyncPage> {
      const fields = selected && selected.length > 0 ? selected : defaultFields;
      const perPage = Math.min(pageSize, MAX_PER_PAGE);
      const state = stateOf(checkpoint, lookbackMs);
      const done = (): Checkpoint => ({ phase: 'done', cursor: state.cursor, deletesSince: state.runStartedAt - CLOCK_MARGIN_MS });
      const afterRecords = (): Checkpoint => (state.deletesSince === null ? done() : { ...state, phase: 'deleted', page: 1 });

      if (state.phase === 'records') {
        let endYielded = false;
        for (;;) {
          let answer: RecordsAnswer | null;
          try {
            answer = await listRecords(http, listPath, fields, perPage, state.querySince, state.pageToken);
          } catch (error) {
            if (!(state.pageToken && state.resumeSec !== null && isStalePageToken(error))) throw error;
            state.querySince = state.resumeSec - 1;
            state.pageToken = null;
            continue;
          }
          const records = answer?.data ?? [];
          if (records.length === 0) break;
          const seconds = records.map((record) => zohoSeconds(record.Modified_Time, `${options.module} ${record.id} Modified_Time`));
          state.resumeSec = seconds[seconds.length - 1];
          state.cursor = Math.max(state.cursor ?? Number.NEGATIVE_INFINITY, ...seconds);
          const next = answer?.info?.more_records ? answer.info.next_page_token : null;
          state.pageToken = next ?? null;
          const wide = await withRemainingFields(http, listPath, records, fields);
          if (next) {
            yield { records: wide, deletedIds: [], checkpoint: { ...state } };
            continue;
          }
          yield { records: wide, deletedIds: [], checkpoint: afterRecords() };
          endYielded = true;
          break;
        }
        if (state.deletesSince === null) {
          if (!endYielded) yield { records: [], deletedIds: [], checkpoint: done() };
          return;
        }
        state.phase = 'deleted';
        state.page = 1;
      }

      // Deletes, newest first: one made while paging pushes the others down, so a page may repeat an id, never skip one.
      for (;;) {
        const answer = await http.get<DeletedAnswer | undefined>(`${listPath}/deleted`, {
          query: { type: 'all', per_page: MAX_PER_PAGE, page: state.page },
          headers: { 'If-Modified-Since': ifModifiedSince(Math.floor((state.deletesSince as number) / 1000)) },
        });
        const deletedIds = (answer?.data ?? []).map((entry) => String(entry.id));
        const more = deletedIds.length > 0 && answer?.info?.more_records === true;
        state.page += 1;
        yield { records: [], deletedIds, checkpoint: more ? { ...state } : done() };
        if (!more) return;
      }
    },
  });
}

/** One page of the module in Modified_Time order; null when nothing matches (204) or nothing changed since (304). */
async function listRecords(
  http: ProviderHttpClient,
  path: string,
  fields: readonly string[],
  perPage: number,
  sinceSec: number | null,
  pageToken: string | null,
): Promise<RecordsAnswer | null> {
  try {
    const { body } = await http.request<RecordsAnswer | undefined>('GET', path, {
      query: { fields: fields.slice(0, MAX_FIELDS_PER_REQUEST).join(','), sort_by: 'Modified_Time', sort_order: 'asc', per_page: perPage, page_token: pageToken ?? undefined },
      headers: sinceSec === null ? {} : { 'If-Modified-Since': ifModifiedSince(sinceSec) },
    });
    return body ?? null;
  } catch (error) {
    if (error instanceof ProviderError && error.details.status === 304) return null;
    throw error;
  }
}

/**
 * A selection of more than 50 fields (an org's many custom fields, `*`) is read in parts: the listing names the first
 * 50, and the rest are read for the page's records by id, 50 fields and 100 ids at a time, and merged in. A record
 * changed between the two reads is read whole again by the next run (its Modified_Time moved past the cursor).
 */
export async function withRemainingFields(http: ProviderHttpClient, path: string, records: ZohoRecord[], fields: readonly string[]): Promise<ZohoRecord[]> {
  const rest = fields.slice(MAX_FIELDS_PER_REQUEST);
  if (rest.length === 0) return records;
  const byId = new Map(records.map((record) => [record.id, { ...record }]));
  for (let f = 0; f < rest.length; f += MAX_FIELDS_PER_REQUEST) {
    const part = rest.slice(f, f + MAX_FIELDS_PER_REQUEST);
    for (let i = 0; i < records.length; i += MAX_IDS_PER_REQUEST) {
      const ids = records.slice(i, i + MAX_IDS_PER_REQUEST).map((record) => record.id);
      const answer = await http.get<RecordsAnswer | undefined>(path, { query: { ids: ids.join(','), fields: part.join(',') } });
      for (const extra of answer?.data ?? []) {
        const record = byId.get(extra.id);
        if (record) for (const field of part) if (field in extra) record[field] = extra[field];
      }
    }
  }
  return records.map((record) => byId.get(record.id)!);
}

function isStalePageToken(error: unknown): boolean {
  return error instanceof ProviderError && error.details.status === 400 && STALE_PAGE_TOKEN.has(error.details.providerCode ?? '');
}

/** A new run's state from the last run's cursor (reading its last second again, and the lookback), or a resumed one. */
function stateOf(checkpoint: Checkpoint | null, lookbackMs: number): RunState {
  if (checkpoint === null || checkpoint.phase === 'done') {
    const cursor = numberOrNull(checkpoint?.cursor);
    const deletesSince = checkpoint === null ? null : numberOrNull(checkpoint.deletesSince);
    const lookbackSec = Math.ceil(lookbackMs / 1000);
    return {
      phase: 'records',
      querySince: cursor === null ? null : cursor - 1 - lookbackSec,
      pageToken: null,
      resumeSec: null,
      cursor,
      deletesSince,
      page: 1,
      runStartedAt: Date.now(),
    };
  }
  const phase = checkpoint.phase;
  if (phase !== 'records' && phase !== 'deleted') throw new ProviderError('permanent', `checkpoint ${JSON.stringify(checkpoint)} is not a Zoho sync position`);
  return {
    phase,
    querySince: numberOrNull(checkpoint.querySince),
    pageToken: typeof checkpoint.pageToken === 'string' && checkpoint.pageToken !== '' ? checkpoint.pageToken : null,
    resumeSec: numberOrNull(checkpoint.resumeSec),
    cursor: numberOrNull(checkpoint.cursor),
    deletesSince: numberOrNull(checkpoint.deletesSince),
    page: Math.max(1, Number(checkpoint.page) || 1),
    runStartedAt: Number(checkpoint.runStartedAt) || Date.now(),
  };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
