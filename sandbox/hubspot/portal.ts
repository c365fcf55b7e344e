// The in-memory HubSpot account ("portal"): contacts and companies by numeric id, archived ones kept apart from live
// ones, the list endpoint's id-ordered cursor and the search endpoint's filter, sort and 10,000-result window.
import { controlError } from '../common/errors';
import { Random } from '../common/random';
import { bulkStamps, checkSeedArguments, tieGroupStamps } from '../common/seeding';
import { generateProperties } from './data-generator';
import { OBJECT_DEFINITIONS, knownProperties, type HubSpotObject } from './properties';
import { matchesGroups, compareForSort, type SearchRequest } from './search';

const SEED_WINDOW_MS = 30 * 86_400_000;
/** HubSpot's search answers at most this many results per query; paging past them answers 400. */
export const SEARCH_RESULT_CAP = 10_000;

export interface StoredRecord {
  readonly id: string;
  readonly n: number;
  properties: Record<string, string | null>;
  createdMs: number;
  updatedMs: number;
  archived: boolean;
  archivedMs: number | null;
}

/** A CRM v3 object as the API returns it. */
export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

class ObjectTable {
  /** Ascending by id: ids are handed out in creation order, so appending keeps it sorted. */
  readonly ordered: StoredRecord[] = [];
  readonly byId = new Map<string, StoredRecord>();
  /** The newest modified date handed out: a change never sorts before an earlier change. */
  highWaterMs = Number.NEGATIVE_INFINITY;

  constructor(public nextN: number) {}
}

export class Portal {
  readonly portalId: number;
  private random: Random;
  private readonly tables: Record<HubSpotObject, ObjectTable>;

  constructor(seed: number) {
    this.random = new Random(seed);
    this.portalId = this.random.int(20_000_000, 49_999_999);
    // Fixed-width ids (9 digits) starting at different points per object, as HubSpot's are per object type.
    this.tables = {
      contacts: new ObjectTable(100_000_000 + this.random.int(1, 9_000_000)),
      companies: new ObjectTable(200_000_000 + this.random.int(1, 9_000_000)),
    };
  }

  reseed(seed: number): void {
    this.random = new Random(seed);
  }

  /** Records whose modified dates lie in the past 30 days and come in tie groups (`tieGroupSize` fixes their size). */
  seed(object: HubSpotObject, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    const { tieGroupSize } = opts;
    checkSeedArguments(count, tieGroupSize);
    const table = this.tables[object];
    const now = Date.now();
    const startMs = Math.max(now - SEED_WINDOW_MS, table.highWaterMs + 1);
    const stamps = tieGroupStamps(this.random, count, startMs, Math.max(now, startMs), tieGroupSize);
    const ids: string[] = [];
    for (const modifiedMs of stamps) {
      const createdMs = this.random.chance(0.3) ? modifiedMs : modifiedMs - this.random.int(0, 365 * 86_400_000);
      ids.push(this.insert(table, object, generateProperties(object, this.random), createdMs, modifiedMs).id);
    }
    if (stamps.length > 0) table.highWaterMs = Math.max(table.highWaterMs, stamps[stamps.length - 1]);
    return ids;
  }

  create(object: HubSpotObject, properties: Record<string, unknown>): HubSpotRecord {
    const table = this.tables[object];
    const values = this.validate(object, properties);
    const ms = this.clock(table);
    return toApiRecord(object, this.insert(table, object, values, ms, ms), null);
  }

  update(object: HubSpotObject, id: string, properties: Record<string, unknown>): HubSpotRecord {
    const table = this.tables[object];
    const record = this.live(object, id);
    const values = this.validate(object, properties);
    this.modify(object, record, values, this.clock(table));
    return toApiRecord(object, record, null);
  }

  /**
   * One import or workflow touching many records: they share modified dates, `tieGroupSize` records per millisecond
   * (default: all of them on one). Returns the records as they are now.
   */
  updateMany(object: HubSpotObject, ids: readonly string[], properties: Record<string, unknown>, opts: { tieGroupSize?: number } = {}): HubSpotRecord[] {
    const table = this.tables[object];
    const values = this.validate(object, properties);
    const records = ids.map((id) => this.live(object, id));
    const stamps = bulkStamps(this.clock(table), records.length, opts.tieGroupSize);
    records.forEach((record, index) => this.modify(object, record, values, stamps[index]));
    if (stamps.length > 0) table.highWaterMs = Math.max(table.highWaterMs, stamps[stamps.length - 1]);
    return records.map((record) => toApiRecord(object, record, null));
  }

  /** A bulk import happening now: `count` new records, `tieGroupSize` of them per millisecond (default: all on one). */
  importNow(object: HubSpotObject, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    const table = this.tables[object];
    const stamps = bulkStamps(this.clock(table), count, opts.tieGroupSize);
    const ids = stamps.map((ms) => this.insert(table, object, generateProperties(object, this.random), ms, ms).id);
    if (stamps.length > 0) table.highWaterMs = Math.max(table.highWaterMs, stamps[stamps.length - 1]);
    return ids;
  }

  /** Into the recycle bin: gone from search and the default list, listed with `archived=true`. */
  archive(object: HubSpotObject, id: string): void {
    const record = this.live(object, id);
    record.archived = true;
    record.archivedMs = this.clock(this.tables[object]);
  }

  /** Restoring is a change: the modified date moves, so incremental searches see the record again. */
  restore(object: HubSpotObject, id: string): HubSpotRecord {
    const record = this.existing(object, id);
    if (!record.archived) throw controlError(400, `${object} ${id} is not archived`, [{ field: 'id', message: 'not archived' }]);
    record.archived = false;
    record.archivedMs = null;
    this.modify(object, record, {}, this.clock(this.tables[object]));
    return toApiRecord(object, record, null);
  }

  /** What HubSpot does 90 days after an archive: the record is gone even from `archived=true`. */
  purgeArchived(): void {
    for (const table of Object.values(this.tables)) {
      for (let i = table.ordered.length - 1; i >= 0; i--) {
        const record = table.ordered[i];
        if (record.archived) {
          table.ordered.splice(i, 1);
          table.byId.delete(record.id);
        }
      }
    }
  }

  /** The truth, ascending by id, with every property. */
  records(object: HubSpotObject, opts: { includeArchived?: boolean } = {}): HubSpotRecord[] {
    return this.tables[object].ordered.filter((r) => opts.includeArchived || !r.archived).map((r) => toApiRecord(object, r, null));
  }

  read(object: HubSpotObject, id: string, properties: readonly string[] | null, archived: boolean): HubSpotRecord | undefined {
    const record = this.tables[object].byId.get(id);
    return record && record.archived === archived ? toApiRecord(object, record, properties) : undefined;
  }

  /** One page of the list endpoint: ascending id from `fromN`, live or archived records only. */
  listPage(object: HubSpotObject, opts: { fromN: number; limit: number; archived: boolean; properties: readonly string[] | null }) {
    const ordered = this.tables[object].ordered;
    let low = 0;
    let high = ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ordered[middle].n < opts.fromN) low = middle + 1;
      else high = middle;
    }
    const results: HubSpotRecord[] = [];
    let nextN: number | null = null;
    for (let i = low; i < ordered.length; i++) {
      const record = ordered[i];
      if (record.archived !== opts.archived) continue;
      if (results.length === opts.limit) {
        nextN = record.n;
        break;
      }
      results.push(toApiRecord(object, record, opts.properties));
    }
    return { results, nextN };
  }

  /**
   * Matching live records in the request's order; the caller cuts the result window. `indexedUntilMs`: records created
   * after it are not in the search index yet (the index trails writes).
   */
  search(object: HubSpotObject, request: SearchRequest, indexedUntilMs = Number.POSITIVE_INFINITY): StoredRecord[] {
    const matched = this.tables[object].ordered.filter(
      (record) => !record.archived && record.createdMs <= indexedUntilMs && matchesGroups(record, request.filterGroups),
    );
    const sort = request.sorts[0];
    matched.sort((a, b) => compareForSort(a, b, sort));
    return matched;
  }

  private insert(table: ObjectTable, object: HubSpotObject, values: Record<string, string | null>, createdMs: number, modifiedMs: number): StoredRecord {
    const n = table.nextN++;
    const id = String(n);
    const properties: Record<string, string | null> = {};
    for (const name of OBJECT_DEFINITIONS[object].writable) properties[name] = values[name] ?? null;
    properties.hs_object_id = id;
    properties.createdate = new Date(createdMs).toISOString();
    properties[OBJECT_DEFINITIONS[object].modifiedProperty] = new Date(modifiedMs).toISOString();
    const record: StoredRecord = { id, n, properties, createdMs, updatedMs: modifiedMs, archived: false, archivedMs: null };
    table.ordered.push(record);
    table.byId.set(id, record);
    return record;
  }

  private modify(object: HubSpotObject, record: StoredRecord, values: Record<string, string | null>, ms: number): void {
    record.properties = { ...record.properties, ...values, [OBJECT_DEFINITIONS[object].modifiedProperty]: new Date(ms).toISOString() };
    record.updatedMs = ms;
  }

  /** Wall-clock time, never before a modified date already handed out (two changes in one millisecond tie). */
  private clock(table: ObjectTable): number {
    const ms = Math.max(Date.now(), table.highWaterMs);
    table.highWaterMs = ms;
    return ms;
  }

  private existing(object: HubSpotObject, id: string): StoredRecord {
    const record = this.tables[object].byId.get(String(id));
    if (!record) throw controlError(404, `${object} ${String(id)} does not exist`, [{ field: 'id', message: 'no such record' }]);
    return record;
  }

  private live(object: HubSpotObject, id: string): StoredRecord {
    const record = this.existing(object, id);
    if (record.archived) throw controlError(400, `${object} ${id} is archived`, [{ field: 'id', message: 'archived' }]);
    return record;
  }

  private validate(object: HubSpotObject, properties: Record<string, unknown>): Record<string, string | null> {
    const writable = new Set(OBJECT_DEFINITIONS[object].writable);
    const known = knownProperties(object);
    const values: Record<string, string | null> = {};
    const problems: { field: string; message: string }[] = [];
    for (const [name, value] of Object.entries(properties ?? {})) {
      if (!known.has(name)) problems.push({ field: name, message: `Property "${name}" does not exist` });
      else if (!writable.has(name)) problems.push({ field: name, message: `"${name}" is a read only property; its value cannot be set.` });
      else if (value !== null && typeof value !== 'string' && typeof value !== 'number') problems.push({ field: name, message: 'must be a string, a number or null' });
      else values[name] = value === null ? null : String(value);
    }
    if (problems.length > 0) throw controlError(400, `invalid ${object} properties: ${problems.map((p) => p.field).join(', ')}`, problems);
    return values;
  }
}

/** `properties` null: every property (the handle's truth); otherwise exactly those named that the object has. */
export function toApiRecord(object: HubSpotObject, record: StoredRecord, properties: readonly string[] | null): HubSpotRecord {
  let projected: Record<string, string | null>;
  if (properties === null) projected = { ...record.properties };
  else {
    const known = knownProperties(object);
    projected = {};
    for (const name of properties) if (known.has(name)) projected[name] = record.properties[name] ?? null;
  }
  return {
    id: record.id,
    properties: projected,
    createdAt: new Date(record.createdMs).toISOString(),
    updatedAt: new Date(record.updatedMs).toISOString(),
    archived: record.archived,
    ...(record.archivedMs !== null ? { archivedAt: new Date(record.archivedMs).toISOString() } : {}),
  };
}
