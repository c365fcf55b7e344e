// Builds a Pipedrive sync for one v2 list endpoint (persons, organizations): records in update_time order from a
// checkpoint, the company's custom fields by their hashes, reported deletes checked by id, and a daily full read.
import type { z } from 'zod';
import {
  defineSync,
  paginateByCursor,
  ProviderError,
  type AvailableField,
  type Checkpoint,
  type FieldKind,
  type ProviderHttpClient,
  type SyncDefinition,
  type SyncPage,
} from '../../sync';

/** The v2 list endpoints' largest page. */
export const LIST_LIMIT_MAX = 500;
/** `ids` takes at most 100 ids. */
const IDS_MAX = 100;

/** A person or organization as the v2 lists return it: what the sync relies on, the rest kept as it comes. */
export interface PipedriveItem {
  id: number;
  update_time: string;
  custom_fields?: Record<string, unknown> | null;
  [field: string]: unknown;
}

interface ListAnswer {
  data: PipedriveItem[] | null;
  additional_data?: { next_cursor?: string | null } | null;
}

interface FieldsAnswer {
  data: { field_code: string; field_type: string; is_custom_field: boolean }[] | null;
  additional_data?: { next_cursor?: string | null } | null;
}

/** Custom fields are keyed by a 40-character hash (`personFields.field_code`); standard fields by their names. */
export const isCustomFieldCode = (field: string): boolean => /^[0-9a-f]{40}$/.test(field);

/** Values of a standard field sit on the item; a custom field's under `custom_fields`. */
export function valueOf(record: Record<string, unknown>, field: string): unknown {
  if (!isCustomFieldCode(field)) return record[field];
  const custom = record.custom_fields;
  return custom && typeof custom === 'object' ? (custom as Record<string, unknown>)[field] : undefined;
}

/**
 * Pipedrive's field types as the loose kinds extra fields are checked against. Enum values are option ids (numbers),
 * sets lists of them; monetary and address values are objects.
 */
const KIND_OF_TYPE: Record<string, FieldKind> = {
  varchar: 'string', varchar_auto: 'string', varchar_options: 'string', text: 'string', phone: 'string',
  int: 'number', double: 'number', enum: 'number', user: 'number', org: 'number', people: 'number',
  date: 'date', time: 'string',
};

export interface V2ListSyncOptions<Schema extends z.ZodType<Record<string, unknown>>> {
  model: string;
  /** The endpoint under /api/v2: `persons`, `organizations`. */
  object: string;
  /** Its field list under /api/v2: `personFields`, `organizationFields`. */
  fieldsPath: string;
  description: string;
  schema: Schema;
  defaultFrequency: string;
  /** Standard fields the unified model and apps rely on (v2 returns every standard field anyway). */
  wanted: readonly string[];
  version?: number;
}

/**
 * Where a run stands: every record whose update_time is before `updatedSince` is stored. Pipedrive stamps whole
 * seconds and many records share one (imports, bulk edits), so a resume reads that second again: what it re-reads is
 * unchanged and not announced, and no record of the second can be skipped, whatever order Pipedrive gives ties.
 */
function updatedSinceOf(checkpoint: Checkpoint | null): number | null {
  if (checkpoint === null) return null;
  const since = Date.parse(String(checkpoint.updatedSince));
  if (!Number.isFinite(since)) throw new ProviderError('permanent', `checkpoint ${JSON.stringify(checkpoint)} is not a Pipedrive list position`);
  return since;
}

/** RFC 3339 in whole seconds, as `updated_since` takes it (`2025-01-01T10:20:00Z`). */
const rfc3339Seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function v2ListSync<Schema extends z.ZodType<Record<string, unknown>>>(options: V2ListSyncOptions<Schema>): SyncDefinition<Schema> {
  const listPath = `/api/v2/${options.object}`;

  return defineSync({
    model: options.model,
    description: options.description,
    version: options.version,
    schema: options.schema,
    idOf: (record) => String(record.id),
    rawIdOf: (raw) => {
      const id = (raw as { id?: unknown } | null)?.id;
      return typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : null;
    },
    fields: {
      wanted: options.wanted,
      required: [],
      system: ['id', 'update_time'],
      list: (http) => listFields(http, options.fieldsPath),
      valueOf,
    },
    defaultFrequency: options.defaultFrequency,
    // Pipedrive's lists never show a deleted record, and nothing else lists deletes (the changelog of recent items
    // reaches back a month and names no deleted persons): webhooks report them (confirmDeletes), and once a day a
    // full read marks whatever the company no longer has as deleted, reports lost or not.
    fullResyncEvery: '1d',
    async *fetchPages({ checkpoint, http, pageSize, lookbackMs, fields }): AsyncIterable<SyncPage> {
      const stored = updatedSinceOf(checkpoint);
      const since = stored === null ? null : stored - lookbackMs;
      // Every standard field comes anyway; custom ones only as selected (the parameter takes up to 15 keys).
      const customSelected = fields ? fields.filter(isCustomFieldCode) : null;
      const customQuery = customSelected && customSelected.length > 0 && customSelected.length <= 15 ? customSelected.join(',') : undefined;
      const keepCustom = customSelected ? new Set(customSelected) : null;

      const pages = paginateByCursor<ListAnswer>(http, {
        path: listPath,
        query: {
          limit: Math.min(pageSize, LIST_LIMIT_MAX),
          sort_by: 'update_time',
          sort_direction: 'asc',
          updated_since: since === null ? undefined : rfc3339Seconds(since),
          custom_fields: customQuery,
        },
        cursorParam: 'cursor',
        nextCursor: (body) => body.additional_data?.next_cursor,
      });
      let position: Checkpoint | null = checkpoint;
      for await (const { body } of pages) {
        const records = (body.data ?? []).map((record) => (keepCustom ? withCustomFields(record, keepCustom) : record));
        const last = records.at(-1);
        if (last) {
          if (typeof last.update_time !== 'string' || Number.isNaN(Date.parse(last.update_time))) {
            throw new ProviderError('permanent', `${options.object} ${String(last.id)} has no readable update_time`);
          }
          position = { updatedSince: last.update_time };
        }
        yield { records, deletedIds: [], checkpoint: position };
      }
    },
    // A delete webhook names a record; whether it is gone now, one list call by id says (a live one is listed).
    async confirmDeletes({ http, ids }) {
      const numeric = ids.filter((id) => /^\d{1,15}$/.test(id));
      const live = new Set<string>();
      for (let at = 0; at < numeric.length; at += IDS_MAX) {
        const chunk = numeric.slice(at, at + IDS_MAX);
        const answer = await http.get<ListAnswer>(listPath, { query: { ids: chunk.join(','), limit: IDS_MAX } });
        for (const record of answer.data ?? []) live.add(String(record.id));
      }
      // An id that is no Pipedrive id names nothing stored: "gone" deletes nothing and lets the report be forgotten.
      return ids.filter((id) => !live.has(id));
    },
  });
}

/** Only the selected custom fields are stored: the others would make every edit of them look like a change. */
function withCustomFields(record: PipedriveItem, keep: ReadonlySet<string>): PipedriveItem {
  const custom = record.custom_fields;
  if (!custom || typeof custom !== 'object') return record;
  return { ...record, custom_fields: Object.fromEntries(Object.entries(custom).filter(([code]) => keep.has(code))) };
}

/** The company's fields: standard ones by name, custom ones by hash, with their types. */
export async function listFields(http: ProviderHttpClient, fieldsPath: string): Promise<AvailableField[]> {
  const fields: AvailableField[] = [];
  const pages = paginateByCursor<FieldsAnswer>(http, {
    path: `/api/v2/${fieldsPath}`,
    query: { limit: LIST_LIMIT_MAX },
    cursorParam: 'cursor',
    nextCursor: (body) => body.additional_data?.next_cursor,
  });
  for await (const { body } of pages) {
    for (const field of body.data ?? []) {
      fields.push({ name: field.field_code, kind: KIND_OF_TYPE[field.field_type] ?? 'any', custom: field.is_custom_field === true });
    }
  }
  return fields;
}
