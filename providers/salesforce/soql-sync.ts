// Builds an incremental Salesforce sync for one object: SOQL in (SystemModstamp, Id) order, resumable after any page.
import type { z } from 'zod';
import { defineSync, paginateByNextUrl, ProviderError, type AvailableField, type Checkpoint, type FieldKind, type ProviderHttpClient, type SyncDefinition, type SyncPage } from '../../sync';
import { SALESFORCE_API_PATH } from './api-version';

interface QueryResponse {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: (Record<string, unknown> & { attributes?: unknown; Id: string; SystemModstamp: string; IsDeleted?: boolean })[];
}

export interface SoqlSyncOptions<Schema extends z.ZodType<Record<string, unknown>>> {
  model: string;
  object: string;
  description: string;
  /** Read when the org has them and lets the integration user see them. */
  fields: readonly string[];
  /** A record means nothing without these: an org that hides one fails the run. */
  required?: readonly string[];
  schema: Schema;
  defaultFrequency: string;
  /** Bump it when what the sync stores changes: every connection then reads everything once (SyncDefinition.version). */
  version?: number;
}

/** What the checkpoint and delete detection are made of: always selected. */
const SYSTEM_FIELDS = ['Id', 'SystemModstamp', 'IsDeleted'];

export function soqlSync<Schema extends z.ZodType<Record<string, unknown>>>(options: SoqlSyncOptions<Schema>): SyncDefinition<Schema> {
  const defaultFields = [...new Set([...SYSTEM_FIELDS, ...(options.required ?? []), ...options.fields])];
  return defineSync({
    model: options.model,
    description: options.description,
    version: options.version,
    schema: options.schema,
    idOf: (record) => String(record.Id),
    rawIdOf: (raw) => {
      const id = (raw as { Id?: unknown } | null)?.Id;
      return typeof id === 'string' ? id : null;
    },
    fields: {
      wanted: options.fields,
      required: options.required ?? [],
      system: SYSTEM_FIELDS,
      list: (http) => describeFields(http, options.object),
      valueOf: (record, field) => record[field],
    },
    defaultFrequency: options.defaultFrequency,
    // SystemModstamp also moves for automated, invisible changes; they are not news to the app.
    ignoredFields: ['SystemModstamp'],
    async *fetchPages({ checkpoint, http, pageSize, lookbackMs, fields: selected }): AsyncIterable<SyncPage> {
      const fields = selected && selected.length > 0 ? selected : defaultFields;
      yield* queryAllPages(http, buildQuery(options.object, fields, checkpoint, lookbackMs), { checkpoint, pageSize });
    },
  });
}

/**
 * Reads a SOQL query the one way a Salesforce sync may, full resyncs included: with `queryAll`, each `IsDeleted` row
 * a delete, and each page's checkpoint the last (SystemModstamp, Id) read. With `query`, a full resync that had to
 * start a new query from its checkpoint (its session or query cursor died) would no longer see rows deleted after it
 * read them live, yet could read rows changed later still: its cursor would then pass the deletes, beyond the next
 * incremental sync's lookback, and they would stay live for good. With queryAll the new query returns them as
 * deleted whenever the cursor would pass them. `soql` must select Id, SystemModstamp and IsDeleted and order by
 * SystemModstamp, Id (as `buildQuery` does); a query that does not is refused before any request.
 */
export async function* queryAllPages(
  http: ProviderHttpClient,
  soql: string,
  { checkpoint, pageSize }: { checkpoint: Checkpoint | null; pageSize: number },
): AsyncIterable<SyncPage> {
  const select = /^\s*SELECT\s+(.*?)\s+FROM\s/is.exec(soql)?.[1].split(',').map((field) => field.trim().toLowerCase()) ?? [];
  const missing = ['Id', 'SystemModstamp', 'IsDeleted'].filter((field) => !select.includes(field.toLowerCase()));
  if (missing.length > 0) throw new ProviderError('permanent', `the sync's SOQL must select ${missing.join(', ')}: ${soql}`);
  if (!/\sORDER\s+BY\s+SystemModstamp(\s+ASC)?\s*,\s*Id(\s+ASC)?\s*$/i.test(soql)) {
    throw new ProviderError('permanent', `the sync's SOQL must end with ORDER BY SystemModstamp, Id, so a page's checkpoint is a resume point: ${soql}`);
  }
  // Always a fresh query from the checkpoint, never a saved nextRecordsUrl: query locators expire after minutes.
  const pages = paginateByNextUrl<QueryResponse>(http, {
    path: `${SALESFORCE_API_PATH}/queryAll`,
    query: { q: soql },
    headers: { 'Sforce-Query-Options': `batchSize=${pageSize}` },
    nextUrl: ({ body }) => (body.done ? undefined : body.nextRecordsUrl),
  });
  let position = checkpoint;
  for await (const { body } of pages) {
    const records: unknown[] = [];
    const deletedIds: string[] = [];
    // Every row carries `attributes` (its type and URL): metadata, not data worth storing.
    for (const { attributes: _attributes, ...record } of body.records) {
      if (record.IsDeleted === true) deletedIds.push(record.Id);
      else records.push(record);
    }
    const last = body.records.at(-1);
    if (last) position = { systemModstamp: last.SystemModstamp, id: last.Id };
    yield { records, deletedIds, checkpoint: position };
  }
}

interface DescribeResponse {
  fields: { name: string; type: string; custom: boolean }[];
}

/** Salesforce's field types as the loose kinds custom-field values are checked against. */
const KIND_OF_TYPE: Record<string, FieldKind> = {
  string: 'string', textarea: 'string', picklist: 'string', multipicklist: 'string', email: 'string', phone: 'string',
  url: 'string', id: 'string', reference: 'string', combobox: 'string', encryptedstring: 'string',
  double: 'number', currency: 'number', percent: 'number', int: 'number', long: 'number',
  boolean: 'boolean', date: 'date', datetime: 'datetime',
};

/** The fields the org has and the integration user may read: describe leaves out those field-level security hides. */
export async function describeFields(http: ProviderHttpClient, object: string): Promise<AvailableField[]> {
  const { fields } = await http.get<DescribeResponse>(`${SALESFORCE_API_PATH}/sobjects/${object}/describe`);
  return fields.map((field) => ({ name: field.name, kind: KIND_OF_TYPE[field.type] ?? 'any', custom: field.custom === true }));
}

/**
 * Resumes strictly after the last (SystemModstamp, Id) read: many rows share one timestamp, so Id breaks ties. With a
 * lookback it starts `lookbackMs` before that timestamp instead, re-reading the window to catch late commits.
 */
export function buildQuery(object: string, fields: readonly string[], checkpoint: Checkpoint | null, lookbackMs = 0): string {
  let where = '';
  if (checkpoint) {
    const stamp = toSoqlDateTime(String(checkpoint.systemModstamp));
    const id = String(checkpoint.id);
    if (!/^[A-Za-z0-9]{15,18}$/.test(id)) throw new Error(`checkpoint id "${id}" is not a Salesforce Id`);
    where =
      lookbackMs > 0
        ? ` WHERE SystemModstamp >= ${new Date(Date.parse(stamp) - lookbackMs).toISOString()}`
        : ` WHERE SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > '${id}')`;
  }
  return `SELECT ${fields.join(', ')} FROM ${object}${where} ORDER BY SystemModstamp ASC, Id ASC`;
}

/** Salesforce returns `2026-01-05T10:00:00.000+0000`; SOQL takes unquoted ISO-8601 literals. */
export function toSoqlDateTime(value: string): string {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalised);
  if (Number.isNaN(time)) throw new Error(`"${value}" is not a Salesforce datetime`);
  return new Date(time).toISOString();
}
