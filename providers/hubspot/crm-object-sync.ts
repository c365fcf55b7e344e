// Builds a HubSpot sync for one CRM object: the list endpoint for a first sync or full resync, then keyset searches on
// the modified date for changes and the archived list for deletes, resumable after any page.
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

/** The list endpoint's largest page. */
const LIST_LIMIT_MAX = 100;
/** The search endpoint's largest page (raised from 100 to 200 in 2024). */
export const SEARCH_LIMIT = 200;
/**
 * Our clock is not HubSpot's, and its search index trails writes: the hand-over from a list to the first search, and
 * the archive watermark, start this much early. What is re-read is unchanged and not announced.
 */
export const CLOCK_MARGIN_MS = 60_000;

export interface HubSpotObjectRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

interface ListResponse {
  results: HubSpotObjectRecord[];
  paging?: { next?: { after?: string } };
}

interface SearchResponse {
  total: number;
  results: HubSpotObjectRecord[];
}

/**
 * Where the search stands, as a keyset (HubSpot allows one sort per search and promises no order among ties):
 * - `from` V: every record modified before V is stored;
 * - `tie` V, I: also those modified at V with an id up to I (ids read in id order);
 * - `after` V: every record modified at or before V is stored.
 */
type Stage = 'from' | 'tie' | 'after';

interface SearchPosition {
  stage: Stage;
  modifiedAt: number;
  afterId: string;
}

export interface CrmObjectSyncOptions<Schema extends z.ZodType<Record<string, unknown>>> {
  model: string;
  /** The CRM v3 object type in the URL, e.g. `contacts`. */
  object: string;
  description: string;
  schema: Schema;
  defaultFrequency: string;
  /** The property that moves on every change and that search filters on: `lastmodifieddate` or `hs_lastmodifieddate`. */
  modifiedProperty: string;
  properties: readonly string[];
  /** Bump it when what the sync stores changes: every connection then reads everything once (SyncDefinition.version). */
  version?: number;
}

export function crmObjectSync<Schema extends z.ZodType<Record<string, unknown>>>(options: CrmObjectSyncOptions<Schema>): SyncDefinition<Schema> {
  const systemProperties = ['hs_object_id', 'createdate', options.modifiedProperty];
  const defaultProperties = [...new Set([...systemProperties, ...options.properties])];
  const listPath = `/crm/v3/objects/${options.object}`;
  const searchPath = `${listPath}/search`;

  const modifiedMs = (record: HubSpotObjectRecord): number => {
    const ms = Date.parse(record.properties[options.modifiedProperty] ?? record.updatedAt);
    if (Number.isNaN(ms)) throw new ProviderError('permanent', `${options.object} ${record.id} has no readable ${options.modifiedProperty}`);
    return ms;
  };

  /** One keyset page: never `after`, so the 10,000-result cap is never reached and concurrent edits cannot shift pages. */
  const searchPage = (http: ProviderHttpClient, position: SearchPosition, properties: readonly string[]) => {
    const value = String(position.modifiedAt);
    const filters =
      position.stage === 'tie'
        ? [
            { propertyName: options.modifiedProperty, operator: 'EQ', value },
            ...(position.afterId ? [{ propertyName: 'hs_object_id', operator: 'GT', value: position.afterId }] : []),
          ]
        : [{ propertyName: options.modifiedProperty, operator: position.stage === 'from' ? 'GTE' : 'GT', value }];
    const sortBy = position.stage === 'tie' ? 'hs_object_id' : options.modifiedProperty;
    return http.post<SearchResponse>(searchPath, {
      filterGroups: [{ filters }],
      sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }],
      properties,
      limit: SEARCH_LIMIT,
    });
  };

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
      wanted: options.properties,
      required: [],
      system: systemProperties,
      list: (http) => listProperties(http, options.object),
      valueOf: (record, field) => (record.properties as Record<string, unknown> | undefined)?.[field],
    },
    defaultFrequency: options.defaultFrequency,
    async *fetchPages({ checkpoint, http, pageSize, lookbackMs, fields }): AsyncIterable<SyncPage> {
      const properties = fields && fields.length > 0 ? fields : defaultProperties;
      const listLimit = Math.min(pageSize, LIST_LIMIT_MAX);
      const fresh = checkpoint === null || checkpoint.phase === 'done';
      const runStartedAt = fresh ? Date.now() : Number(checkpoint.runStartedAt);

      // A first sync or a full resync: every live record, by id. The list's cursor is stable under concurrent edits.
      if (checkpoint === null || checkpoint.phase === 'list') {
        const pages = paginateByCursor<ListResponse>(http, {
          path: listPath,
          query: { limit: listLimit, properties: properties.join(','), archived: 'false' },
          cursorParam: 'after',
          nextCursor: (body) => body.paging?.next?.after,
          startAt: checkpoint?.listAfter ? String(checkpoint.listAfter) : undefined,
        });
        for await (const { body, next } of pages) {
          if (next) {
            yield { records: body.results, deletedIds: [], checkpoint: { phase: 'list', listAfter: next, runStartedAt } };
            continue;
          }
          // Whatever changed since this run started (a little earlier, for clocks) is the next run's business.
          const handOver = runStartedAt - CLOCK_MARGIN_MS;
          yield { records: body.results, deletedIds: [], checkpoint: done({ stage: 'from', modifiedAt: handOver, afterId: '' }, handOver) };
        }
        return;
      }

      let position = positionOf(checkpoint);
      const archivedSince = Number(checkpoint.archivedSince);
      // A new run re-reads the lookback window: HubSpot's search index shows some changes only seconds after later ones.
      if (fresh && lookbackMs > 0) position = { stage: 'from', modifiedAt: position.modifiedAt - lookbackMs, afterId: '' };
      const state = (phase: string, extra: Checkpoint = {}): Checkpoint => ({ phase, ...position, archivedSince, runStartedAt, ...extra });

      // Changes: search pages in (modified date, id) keyset order.
      if (checkpoint.phase !== 'archived') {
        for (;;) {
          const { results } = await searchPage(http, position, properties);
          if (position.stage === 'tie') {
            if (results.length > 0) position = { ...position, afterId: results[results.length - 1].id };
            // A short page ends the tie: everything modified at this instant is stored.
            if (results.length < SEARCH_LIMIT) position = { ...position, stage: 'after' };
            if (results.length > 0) yield { records: results, deletedIds: [], checkpoint: state('search') };
            continue;
          }
          if (results.length < SEARCH_LIMIT) {
            // A short page holds everything left. (An empty one yields nothing, so a resumed run always gets on.)
            if (results.length > 0) {
              position = { stage: 'after', modifiedAt: modifiedMs(results[results.length - 1]), afterId: '' };
              yield { records: results, deletedIds: [], checkpoint: state('search') };
            }
            break;
          }
          // A full page: records before its last instant are complete; that instant may go on past the page, in an
          // order HubSpot does not define, so it is read again — by id if it fills the page on its own.
          const last = modifiedMs(results[results.length - 1]);
          const complete = results.filter((record) => modifiedMs(record) < last);
          if (complete.length === 0) {
            position = { stage: 'tie', modifiedAt: last, afterId: '' };
            continue;
          }
          position = { stage: 'from', modifiedAt: last, afterId: '' };
          yield { records: complete, deletedIds: [], checkpoint: state('search') };
        }
      }

      // Deletes: search never returns archived records, so read the archived list and keep those archived since the
      // last run began. (HubSpot keeps archived records for 90 days; older ones only a full resync notices.)
      const archived = paginateByCursor<ListResponse>(http, {
        path: listPath,
        query: { limit: listLimit, properties: 'hs_object_id', archived: 'true' },
        cursorParam: 'after',
        nextCursor: (body) => body.paging?.next?.after,
        startAt: checkpoint.phase === 'archived' && checkpoint.listAfter ? String(checkpoint.listAfter) : undefined,
      });
      for await (const { body, next } of archived) {
        const deletedIds = body.results
          .filter((record) => !(archivedSince > 0) || !record.archivedAt || Date.parse(record.archivedAt) >= archivedSince)
          .map((record) => record.id);
        yield { records: [], deletedIds, checkpoint: next ? state('archived', { listAfter: next }) : done(position, runStartedAt - CLOCK_MARGIN_MS) };
      }
    },
  });
}

interface PropertiesResponse {
  results: { name: string; type: string; hidden?: boolean; hubspotDefined?: boolean }[];
}

/**
 * The object's properties in this portal. HubSpot sends every value as a string, so a property's kind is `string`
 * whatever its type: the check stays as loose as the values are. Hidden properties are not offered to `*`.
 */
export async function listProperties(http: ProviderHttpClient, object: string): Promise<AvailableField[]> {
  const { results } = await http.get<PropertiesResponse>(`/crm/v3/properties/${object}`);
  const kind: FieldKind = 'string';
  return results.filter((property) => property.hidden !== true).map((property) => ({ name: property.name, kind, custom: property.hubspotDefined !== true }));
}

/** A finished run's cursor: the next run starts from here and looks for archives from `archivedSince` on. */
function done(position: SearchPosition, archivedSince: number): Checkpoint {
  return { phase: 'done', ...position, archivedSince };
}

function positionOf(checkpoint: Checkpoint): SearchPosition {
  const stage = checkpoint.stage;
  const modifiedAt = Number(checkpoint.modifiedAt);
  if ((stage !== 'from' && stage !== 'tie' && stage !== 'after') || !Number.isFinite(modifiedAt)) {
    throw new ProviderError('permanent', `checkpoint ${JSON.stringify(checkpoint)} is not a HubSpot search position`);
  }
  const afterId = String(checkpoint.afterId ?? '');
  if (afterId !== '' && !/^\d+$/.test(afterId)) throw new ProviderError('permanent', `checkpoint id "${afterId}" is not a HubSpot object id`);
  return { stage, modifiedAt, afterId };
}
