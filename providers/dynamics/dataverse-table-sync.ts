// Builds a Dataverse sync for one table: a full read (with change tracking when the table has it) whose last page
// hands out a delta link; later runs read changes and deletes from that link. A table without change tracking is read
// by `modifiedon` instead, and swept whole now and then to find deletes, which the run's log says.
import type { z } from 'zod';
import {
  defineSync,
  FullResyncNeeded,
  ProviderError,
  type AvailableField,
  type Checkpoint,
  type FieldKind,
  type HttpResponse,
  type ProviderHttpClient,
  type SyncDefinition,
  type SyncPage,
} from '../../sync';
import { ODATA_HEADERS, EXPIRED_DELTA_TOKEN } from './web-api';

/** Dataverse pages hold at most 5000 rows (MS page-results.md). */
const MAX_PAGE_SIZE = 5000;
/**
 * Our clock is not Dataverse's: the `modifiedon` watermark of a table without change tracking starts this much before
 * the run did. What is read again is unchanged and not announced.
 */
export const CLOCK_MARGIN_MS = 60_000;
/** A table without change tracking is swept whole this often by default, to find the rows deleted since. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60_000;

export interface DataverseTableSyncOptions<Schema extends z.ZodType<Record<string, unknown>>> {
  model: string;
  description: string;
  /** The Web API's entity set (`contacts`) and the table's logical name (`contact`). */
  entitySet: string;
  logicalName: string;
  primaryKey: string;
  schema: Schema;
  defaultFrequency: string;
  /** Columns read when the environment has them (Web API property names: lookups as `_parentcustomerid_value`). */
  wanted: readonly string[];
  /** Without change tracking, how often a run reads everything to find deletes (default DEFAULT_SWEEP_INTERVAL_MS). */
  sweepIntervalMs?: number;
  version?: number;
}

interface ListAnswer {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/**
 * Where a sync stands, as its checkpoint `phase`:
 * - `read`: a full read in progress (`next` is its next link; `tracked` when change tracking hands out a delta link);
 * - `delta`: done, with change tracking: the next run reads `deltaLink`;
 * - `delta-read`: reading a delta link's pages (`next`), `deltaLink` the one being read;
 * - `modified`: done, without change tracking: the next run reads rows modified at or after `since` (ms), and every
 *   row once `sweptAt` (ms, the last full read's start) is older than the sweep interval;
 * - `modified-read`: reading those rows' pages (`next`).
 */
type Phase = 'read' | 'delta' | 'delta-read' | 'modified' | 'modified-read';

export function dataverseTableSync<Schema extends z.ZodType<Record<string, unknown>>>(options: DataverseTableSyncOptions<Schema>): SyncDefinition<Schema> {
  const system = [options.primaryKey, 'createdon', 'modifiedon'];
  const defaults = [...new Set([...system, ...options.wanted])];
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const idOf = (row: Record<string, unknown>) => String(row[options.primaryKey]).toLowerCase();

  /** GET with the OData headers and the page size (several preferences share one Prefer header). */
  const get = (http: ProviderHttpClient, pathOrUrl: string, pageSize: number, extra: { tracking?: boolean; query?: Record<string, string> } = {}) =>
    http.request<ListAnswer>('GET', pathOrUrl, {
      headers: { ...ODATA_HEADERS, Prefer: [`odata.maxpagesize=${Math.min(pageSize, MAX_PAGE_SIZE)}`, ...(extra.tracking ? ['odata.track-changes'] : [])].join(',') },
      query: extra.query,
    });

  /** A page's rows and the ids it reports deleted (`$deletedEntity` items, only ever in delta answers). */
  const split = (answer: ListAnswer) => {
    const records: Record<string, unknown>[] = [];
    const deletedIds: string[] = [];
    for (const item of answer.value) {
      if (isDeletedEntity(item)) deletedIds.push(String(item.id).toLowerCase());
      else records.push(storableRow(item));
    }
    return { records, deletedIds };
  };

  /** Whether the environment tracks changes of this table (EntityDefinitions' ChangeTrackingEnabled). */
  const tracksChanges = async (http: ProviderHttpClient): Promise<boolean> => {
    const answer = await http.get<{ ChangeTrackingEnabled?: unknown }>(`EntityDefinitions(LogicalName='${options.logicalName}')`, {
      headers: ODATA_HEADERS,
      query: { $select: 'ChangeTrackingEnabled' },
    });
    return answer.ChangeTrackingEnabled === true;
  };

  const untrackedNote = `${options.logicalName} has no change tracking in this environment: changes are read by modifiedon, and deletes found by reading every row at most every ${describeInterval(sweepIntervalMs)}`;

  return defineSync({
    model: options.model,
    description: options.description,
    version: options.version,
    schema: options.schema,
    idOf: (record) => idOf(record),
    rawIdOf: (raw) => {
      const id = (raw as Record<string, unknown> | null)?.[options.primaryKey];
      return typeof id === 'string' ? id.toLowerCase() : null;
    },
    fields: {
      wanted: options.wanted,
      required: [],
      system,
      list: (http) => listColumns(http, options.logicalName),
      valueOf: (record, field) => record[field],
    },
    defaultFrequency: options.defaultFrequency,
    async *fetchPages({ checkpoint, http, pageSize, lookbackMs, fields }): AsyncIterable<SyncPage> {
      const select = (fields && fields.length > 0 ? fields : defaults).join(',');
      const phase = (checkpoint?.phase ?? null) as Phase | null;

      // A first sync, a full resync, or one resumed inside its read: every row, by primary key.
      if (checkpoint === null || phase === 'read') {
        const runStartedAt = checkpoint ? Number(checkpoint.runStartedAt) : Date.now();
        const tracked = checkpoint ? checkpoint.tracked === true : await tracksChanges(http);
        let response = checkpoint
          ? await get(http, stringAt(checkpoint, 'next'), pageSize, { tracking: tracked })
          : await get(http, options.entitySet, pageSize, { tracking: tracked, query: { $select: select } });
        for (;;) {
          const { records, deletedIds } = split(response.body);
          const next = response.body['@odata.nextLink'];
          if (next) {
            yield { records, deletedIds, checkpoint: { phase: 'read', next, tracked, runStartedAt } };
            response = await get(http, next, pageSize, { tracking: tracked });
            continue;
          }
          const deltaLink = response.body['@odata.deltaLink'];
          if (tracked && deltaLink) {
            yield { records, deletedIds, checkpoint: { phase: 'delta', deltaLink } };
            return;
          }
          // No change tracking (or it handed out no delta link): from here on by modifiedon, swept whole again later.
          yield { records, deletedIds, checkpoint: { phase: 'modified', since: runStartedAt - CLOCK_MARGIN_MS, sweptAt: runStartedAt }, note: untrackedNote };
          return;
        }
      }

      // Changes and deletes since the delta link was handed out, its pages in order; the last one hands out the next.
      if (phase === 'delta' || phase === 'delta-read') {
        const deltaLink = stringAt(checkpoint, 'deltaLink');
        const getChanges = async (url: string): Promise<HttpResponse<ListAnswer>> => {
          try {
            return await get(http, url, pageSize, { tracking: true });
          } catch (error) {
            // The environment forgot the changes since the token (ExpireChangeTrackingInDays): "perform a full sync".
            if (error instanceof ProviderError && error.details.providerCode === EXPIRED_DELTA_TOKEN) {
              throw new FullResyncNeeded(`the change-tracking token of ${options.logicalName} expired (Dataverse: "perform a full sync"); reading every row again`);
            }
            throw error;
          }
        };
        let response = await getChanges(phase === 'delta' ? deltaLink : stringAt(checkpoint, 'next'));
        for (;;) {
          const { records, deletedIds } = split(response.body);
          const next = response.body['@odata.nextLink'];
          if (next) {
            yield { records, deletedIds, checkpoint: { phase: 'delta-read', next, deltaLink } };
            response = await getChanges(next);
            continue;
          }
          const newDeltaLink = response.body['@odata.deltaLink'];
          if (!newDeltaLink) throw new ProviderError('transient', `the last page of ${options.entitySet}' changes handed out no delta link; reading them again`);
          yield { records, deletedIds, checkpoint: { phase: 'delta', deltaLink: newDeltaLink } };
          return;
        }
      }

      if (phase === 'modified' || phase === 'modified-read') {
        const since = numberAt(checkpoint, 'since');
        const sweptAt = numberAt(checkpoint, 'sweptAt');
        const runStartedAt = phase === 'modified' ? Date.now() : numberAt(checkpoint, 'runStartedAt');
        // Deletes leave no trace a query can find: only reading every row (a full run) tells which are gone.
        if (phase === 'modified' && runStartedAt - sweptAt >= sweepIntervalMs) {
          throw new FullResyncNeeded(`${untrackedNote}; the last full read was ${describeInterval(runStartedAt - sweptAt)} ago`);
        }
        const state = (extra: Checkpoint): Checkpoint => ({ since, sweptAt, runStartedAt, ...extra });
        // Ordered by modifiedon and the key, so rows sharing a second never straddle a page boundary unseen.
        let response =
          phase === 'modified-read'
            ? await get(http, stringAt(checkpoint, 'next'), pageSize)
            : await get(http, options.entitySet, pageSize, {
                query: { $select: select, $filter: `modifiedon ge ${odataDateTime(since - lookbackMs)}`, $orderby: `modifiedon asc,${options.primaryKey} asc` },
              });
        for (;;) {
          const next = response.body['@odata.nextLink'];
          if (next) {
            yield { records: response.body.value.map(storableRow), deletedIds: [], checkpoint: state({ phase: 'modified-read', next }) };
            response = await get(http, next, pageSize);
            continue;
          }
          yield { records: response.body.value.map(storableRow), deletedIds: [], checkpoint: { phase: 'modified', since: runStartedAt - CLOCK_MARGIN_MS, sweptAt }, note: untrackedNote };
          return;
        }
      }
      throw new ProviderError('permanent', `checkpoint ${JSON.stringify(checkpoint)} is not a Dataverse sync position`);
    },
  });
}

interface AttributeMetadata {
  LogicalName: string;
  AttributeType: string;
  IsCustomAttribute?: boolean;
  IsValidForRead?: boolean;
  IsSecured?: boolean;
}

const KINDS: Record<string, FieldKind> = {
  String: 'string', Memo: 'string', Uniqueidentifier: 'string', Lookup: 'string', Customer: 'string', Owner: 'string', EntityName: 'string',
  Integer: 'number', BigInt: 'number', Decimal: 'number', Double: 'number', Money: 'number', Picklist: 'number', State: 'number', Status: 'number',
  DateTime: 'datetime', Boolean: 'boolean',
};

/** Lookups read as `_<name>_value` in the Web API; everything else by its logical name. */
const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);

/**
 * The table's columns in this environment (EntityDefinitions' Attributes, not paged), as the Web API names them.
 * Columns not valid for read are left out, and so are secured ones (column security): Dataverse reads them as null
 * unless a field security profile grants the integration user read, which the metadata does not tell.
 */
export async function listColumns(http: ProviderHttpClient, logicalName: string): Promise<AvailableField[]> {
  const { value } = await http.get<{ value: AttributeMetadata[] }>(`EntityDefinitions(LogicalName='${logicalName}')/Attributes`, {
    headers: ODATA_HEADERS,
    query: { $select: 'LogicalName,AttributeType,IsCustomAttribute,IsValidForRead,IsSecured' },
  });
  return value
    .filter((attribute) => attribute.IsValidForRead !== false && attribute.IsSecured !== true)
    .map((attribute) => ({
      name: LOOKUP_TYPES.has(attribute.AttributeType) ? `_${attribute.LogicalName}_value` : attribute.LogicalName,
      kind: KINDS[attribute.AttributeType] ?? 'any',
      custom: attribute.IsCustomAttribute === true,
    }));
}

/**
 * A row as it is stored: its concurrency tag `@odata.etag` as `etag` (what an If-Match wants), and no other OData
 * annotation (none is asked for: no `odata.include-annotations`). Dotted keys are not storable document fields.
 */
function storableRow(row: Record<string, unknown>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === '@odata.etag') stored.etag = value;
    else if (!key.includes('@') && !key.includes('.')) stored[key] = value;
  }
  return stored;
}

function isDeletedEntity(item: Record<string, unknown>): boolean {
  const context = item['@odata.context'];
  return (typeof context === 'string' && context.endsWith('/$deletedEntity')) || item.reason === 'deleted';
}

/** OData datetime literals are unquoted ISO 8601 UTC; Dataverse keeps whole seconds. */
function odataDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stringAt(checkpoint: Checkpoint | null, key: string): string {
  const value = checkpoint?.[key];
  if (typeof value !== 'string' || value === '') throw new ProviderError('permanent', `checkpoint ${JSON.stringify(checkpoint)} has no ${key}`);
  return value;
}

function numberAt(checkpoint: Checkpoint | null, key: string): number {
  const value = Number(checkpoint?.[key]);
  if (!Number.isFinite(value)) throw new ProviderError('permanent', `checkpoint ${JSON.stringify(checkpoint)} has no ${key}`);
  return value;
}

function describeInterval(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
