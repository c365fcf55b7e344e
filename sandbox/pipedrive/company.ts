// One Pipedrive company in memory: its users, fields, persons and organizations (soft-deleted, purged after the
// retention), the v2 list endpoint's sorted, cursor-paged reads, search, and the change events webhooks announce.
import { controlError } from '../common/errors';
import { Random } from '../common/random';
import { checkSeedArguments, tieGroupStamps } from '../common/seeding';
import type { SandboxClock } from '../common/clock';
import { type ListPosition, type SortBy, type SortDirection } from './cursors';
import { generateOrganization, generatePerson } from './data-generator';
import { FieldCatalog, type PipedriveObject } from './fields';
import { checkWrite, toApiItem, type ApiItem, type ContactPoint, type FieldProblem, type RecordValues, type RenderOptions, type StoredRecord } from './record-values';
import { SearchIndex, searchDocument, type SearchDocument } from './search-index';
import { SortedIndex, compareKeys } from './sorted-index';

const SEED_WINDOW_SECONDS = 30 * 86_400;

export interface CompanyUser {
  id: number;
  name: string;
  email: string;
  isAdmin: boolean;
}

/** Who made a change: through the API (an app's token) or in Pipedrive's own UI (the control API stands for that). */
export interface ChangeOrigin {
  source: 'api' | 'app';
  userId: number;
}

export interface ChangeEvent {
  object: PipedriveObject;
  action: 'create' | 'change' | 'delete';
  id: number;
  /** The record after the change; null on delete. */
  data: Record<string, unknown> | null;
  /** create: null; change: the old values of the changed fields only; delete: the last state. */
  previous: Record<string, unknown> | null;
  origin: ChangeOrigin;
  atMs: number;
  /** A merge deletes the merged record (naming the survivor) and changes the survivor (naming the merged one). */
  mergedToId?: number;
  mergedFromId?: number;
}

export interface ListQuery {
  sortBy: SortBy;
  direction: SortDirection;
  after: ListPosition | null;
  limit: number;
  /** `updated_since` (inclusive) and `updated_until` (exclusive), in ms. */
  sinceMs: number | null;
  untilMs: number | null;
  ids: ReadonlySet<number> | null;
  ownerId: number | null;
  orgId: number | null;
}

export interface SearchQuery {
  term: string;
  fields: ReadonlySet<keyof SearchDocument>;
  exactMatch: boolean;
  organizationId: number | null;
}

/** A write the company refused, listing each bad field; callers word it as the API or the control API does. */
export class WriteRefused extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

class ObjectTable {
  readonly byId = new Map<number, StoredRecord>();
  /** Ascending id; ids are handed out in creation order. */
  byIdOrder: StoredRecord[] = [];
  readonly byUpdate = new SortedIndex((record) => record.updateSec);
  readonly byAdd = new SortedIndex((record) => record.addSec);
  /** Soft-deleted records waiting for their purge; kept apart so a purge check need not scan the table. */
  readonly deleted = new Set<StoredRecord>();
  /** The newest update second handed out by seeding, so seeded history never lands after live changes. */
  highWaterSec = Number.NEGATIVE_INFINITY;

  constructor(public nextId: number) {}
}

export class Company {
  readonly id: number;
  readonly users: CompanyUser[];
  readonly fields: FieldCatalog;
  private random: Random;
  private readonly tables: Record<PipedriveObject, ObjectTable>;
  private readonly searchIndex = new SearchIndex();
  /** Set by the server: where change events go (the webhook sender). */
  onChange: (event: ChangeEvent) => void = () => undefined;

  constructor(
    readonly domain: string,
    readonly name: string,
    seed: number,
    private readonly clock: SandboxClock,
    private readonly settings: () => { searchIndexLagMs: number; deletedRetentionMs: number },
  ) {
    this.random = new Random(seed);
    this.id = this.random.int(1_000_000, 19_999_999);
    const firstUserId = this.random.int(10_000_000, 29_999_999);
    this.users = ['Admin', 'Sales Rep', 'Account Manager'].map((role, index) => ({
      id: firstUserId + index,
      name: `${role} ${domain}`,
      email: `${role.toLowerCase().replace(/\s+/g, '.')}@${domain}.example.com`,
      isAdmin: index === 0,
    }));
    this.fields = new FieldCatalog(this.id, this.random.int(10, 90) * 10);
    this.tables = { persons: new ObjectTable(this.random.int(1, 500)), organizations: new ObjectTable(this.random.int(1, 500)) };
  }

  get admin(): CompanyUser {
    return this.users[0];
  }

  reseed(seed: number): void {
    this.random = new Random(seed);
  }

  /** Records changed in the past 30 days in tie groups of whole seconds (`tieGroupSize` fixes the group size). */
  seed(object: PipedriveObject, count: number, opts: { tieGroupSize?: number } = {}): number[] {
    checkSeedArguments(count, opts.tieGroupSize);
    this.purgeExpired();
    const table = this.tables[object];
    const nowSec = this.clock.nowSeconds();
    const startSec = Math.max(nowSec - SEED_WINDOW_SECONDS, table.highWaterSec + 1);
    const stamps = tieGroupStamps(this.random, count, startSec, Math.max(nowSec, startSec), opts.tieGroupSize);
    const ownerIds = this.users.map((user) => user.id);
    const organizationIds = object === 'persons' ? this.liveIds('organizations') : [];
    const custom = this.fields.custom(object);
    const nowMs = this.clock.now();
    const created: StoredRecord[] = [];
    for (const updateSec of stamps) {
      const values = object === 'persons' ? generatePerson(this.random, { ownerIds, organizationIds, custom }) : generateOrganization(this.random, { ownerIds, custom });
      const addSec = this.random.chance(0.3) ? updateSec : updateSec - this.random.int(0, 365 * 86_400);
      const record: StoredRecord = { id: table.nextId++, object, values, addSec, updateSec, deletedMs: null };
      table.byId.set(record.id, record);
      table.byIdOrder.push(record);
      created.push(record);
      // Seeded history was indexed long ago.
      this.searchIndex.changed(object, record.id, searchDocument(record, this.fields), nowMs, nowMs);
    }
    table.byUpdate.addAll(created);
    table.byAdd.addAll(created);
    if (stamps.length > 0) table.highWaterSec = Math.max(table.highWaterSec, stamps[stamps.length - 1]);
    return created.map((record) => record.id);
  }

  create(object: PipedriveObject, body: unknown, origin: ChangeOrigin): StoredRecord {
    this.purgeExpired();
    const table = this.tables[object];
    const { values, problems } = checkWrite(object, body, 'create', this.writeContext(), { ownerId: origin.userId });
    if (problems.length > 0) throw new WriteRefused(problems);
    const nowSec = this.clock.nowSeconds();
    const record: StoredRecord = { id: table.nextId++, object, values: values as RecordValues, addSec: nowSec, updateSec: nowSec, deletedMs: null };
    record.values.custom_fields = { ...Object.fromEntries(this.fields.custom(object).map((field) => [field.code, null])), ...record.values.custom_fields };
    table.byId.set(record.id, record);
    table.byIdOrder.push(record);
    table.byUpdate.insert(record);
    table.byAdd.insert(record);
    this.indexForSearch(record);
    this.announce({ object, action: 'create', id: record.id, data: this.item(record), previous: null, origin });
    return record;
  }

  update(object: PipedriveObject, id: number, body: unknown, origin: ChangeOrigin): StoredRecord {
    return this.updateMany(object, [id], body, origin)[0];
  }

  /** One bulk edit: every record gets the same update second, as Pipedrive's bulk edits and imports produce. */
  updateMany(object: PipedriveObject, ids: readonly number[], body: unknown, origin: ChangeOrigin, extra: Partial<ChangeEvent> = {}): StoredRecord[] {
    this.purgeExpired();
    const records = ids.map((id) => this.live(object, id));
    const { values, problems } = checkWrite(object, body, 'update', this.writeContext(), { ownerId: origin.userId });
    if (problems.length > 0) throw new WriteRefused(problems);
    const nowSec = this.clock.nowSeconds();
    for (const record of records) {
      const before = this.item(record);
      const merged: RecordValues = { ...record.values, ...values, custom_fields: { ...record.values.custom_fields, ...(values.custom_fields ?? {}) } };
      if (JSON.stringify(merged) === JSON.stringify(record.values)) continue;
      this.restamp(record, nowSec, () => (record.values = merged));
      this.indexForSearch(record);
      const after = this.item(record);
      this.announce({ object, action: 'change', id: record.id, data: after, previous: changedFields(before, after), origin, ...extra });
    }
    return records;
  }

  /** A soft delete: gone from lists and search at once, readable by id until purged (see `deletedRecordRead`). */
  delete(object: PipedriveObject, id: number, origin: ChangeOrigin, extra: Partial<ChangeEvent> = {}): void {
    this.purgeExpired();
    const record = this.live(object, id);
    const last = this.item(record);
    this.restamp(record, this.clock.nowSeconds(), () => (record.deletedMs = this.clock.now()));
    this.tables[object].deleted.add(record);
    this.searchIndex.remove(object, id);
    this.announce({ object, action: 'delete', id, data: null, previous: last, origin, ...extra });
  }

  /**
   * Merging two records: `fromId` is deleted and `intoId` takes its missing values. Webhooks v2 announce it as a
   * delete of the merged record and a change of the survivor (v1's `merged` action no longer exists).
   */
  merge(object: PipedriveObject, fromId: number, intoId: number, origin: ChangeOrigin): StoredRecord {
    if (fromId === intoId) throw new WriteRefused([{ field: 'merge_with_id', message: 'cannot merge a record with itself' }]);
    const from = this.live(object, fromId);
    const into = this.live(object, intoId);
    // The survivor keeps its own addresses first (its primary stays primary) and gains the merged record's new ones.
    const union = (kept: ContactPoint[] = [], added: ContactPoint[] = []) =>
      [...kept, ...added.filter((point) => !kept.some((own) => own.value === point.value))].map((point, index) => ({ ...point, primary: index === 0 }));
    const custom: Record<string, unknown> = {};
    for (const [code, value] of Object.entries(from.values.custom_fields)) if ((into.values.custom_fields[code] ?? null) === null && value !== null) custom[code] = value;
    const body: Record<string, unknown> = { custom_fields: custom };
    if (object === 'persons') {
      body.emails = union(into.values.emails, from.values.emails);
      body.phones = union(into.values.phones, from.values.phones);
    }
    this.delete(object, fromId, origin, { mergedToId: intoId });
    return this.updateMany(object, [intoId], body, origin, { mergedFromId: fromId })[0] ?? into;
  }

  /** What Pipedrive does 30 days after a delete (or now, for `purgeDeleted`): the record is gone even by id. */
  purgeExpired(all = false): void {
    const cutoff = this.clock.now() - this.settings().deletedRetentionMs;
    for (const table of Object.values(this.tables)) {
      const expired = (record: StoredRecord) => record.deletedMs !== null && (all || record.deletedMs <= cutoff);
      const purged = [...table.deleted].filter(expired);
      if (purged.length === 0) continue;
      for (const record of purged) {
        table.byId.delete(record.id);
        table.deleted.delete(record);
      }
      table.byIdOrder = table.byIdOrder.filter((record) => !expired(record));
      table.byUpdate.removeWhere(expired);
      table.byAdd.removeWhere(expired);
    }
  }

  /** A record by id, deleted ones included until purged. */
  find(object: PipedriveObject, id: number): StoredRecord | undefined {
    this.purgeExpired();
    return this.tables[object].byId.get(id);
  }

  /** The truth, ascending by id, rendered as the API renders items. */
  records(object: PipedriveObject, opts: { includeDeleted?: boolean } = {}): ApiItem[] {
    this.purgeExpired();
    return this.tables[object].byIdOrder.filter((record) => opts.includeDeleted || record.deletedMs === null).map((record) => this.item(record));
  }

  item(record: StoredRecord, render?: RenderOptions): ApiItem {
    return toApiItem(record, this.fields, render);
  }

  liveIds(object: PipedriveObject): number[] {
    return this.tables[object].byIdOrder.filter((record) => record.deletedMs === null).map((record) => record.id);
  }

  /** One page in (key, id) order after `after`; `next` is the position to continue from, null when nothing is left. */
  listPage(object: PipedriveObject, query: ListQuery): { records: StoredRecord[]; next: ListPosition | null } {
    this.purgeExpired();
    const table = this.tables[object];
    const key: (record: StoredRecord) => number =
      query.sortBy === 'id' ? (record) => record.id : query.sortBy === 'update_time' ? (record) => record.updateSec : (record) => record.addSec;
    const items = query.sortBy === 'id' ? table.byIdOrder : query.sortBy === 'update_time' ? table.byUpdate.items : table.byAdd.items;
    const ascending = query.direction === 'asc';
    const lowerBound = (k: number, id: number) => {
      let low = 0;
      let high = items.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (compareKeys(key(items[middle]), items[middle].id, k, id) < 0) low = middle + 1;
        else high = middle;
      }
      return low;
    };
    let at: number;
    if (query.after) at = ascending ? lowerBound(query.after.key, query.after.id + 1) : lowerBound(query.after.key, query.after.id) - 1;
    else if (ascending) at = query.sortBy === 'update_time' && query.sinceMs !== null ? lowerBound(Math.ceil(query.sinceMs / 1000), Number.MIN_SAFE_INTEGER) : 0;
    else at = items.length - 1;

    const matches = (record: StoredRecord) =>
      record.deletedMs === null &&
      (query.sinceMs === null || record.updateSec * 1000 >= query.sinceMs) &&
      (query.untilMs === null || record.updateSec * 1000 < query.untilMs) &&
      (query.ids === null || query.ids.has(record.id)) &&
      (query.ownerId === null || record.values.owner_id === query.ownerId) &&
      (query.orgId === null || record.values.org_id === query.orgId);
    const records: StoredRecord[] = [];
    let more = false;
    for (; at >= 0 && at < items.length; at += ascending ? 1 : -1) {
      const record = items[at];
      // Sorted by update time, the range ends the scan.
      if (query.sortBy === 'update_time' && ascending && query.untilMs !== null && record.updateSec * 1000 >= query.untilMs) break;
      if (query.sortBy === 'update_time' && !ascending && query.sinceMs !== null && record.updateSec * 1000 < query.sinceMs) break;
      if (!matches(record)) continue;
      if (records.length === query.limit) {
        more = true;
        break;
      }
      records.push(record);
    }
    const last = records[records.length - 1];
    return { records, next: more && last ? { sortBy: query.sortBy, direction: query.direction, key: key(last), id: last.id } : null };
  }

  /** Live records search finds now (the index trails changes), best matches first, then by id. */
  search(object: PipedriveObject, query: SearchQuery): { record: StoredRecord; score: number; document: SearchDocument }[] {
    this.purgeExpired();
    const term = query.term.toLowerCase();
    const now = this.clock.now();
    const found: { record: StoredRecord; score: number; document: SearchDocument }[] = [];
    for (const record of this.tables[object].byIdOrder) {
      if (record.deletedMs !== null) continue;
      if (query.organizationId !== null && record.values.org_id !== query.organizationId) continue;
      const document = this.searchIndex.document(object, record.id, now);
      if (!document) continue;
      let score = 0;
      for (const field of query.fields) {
        for (const value of document[field]) {
          const text = value.toLowerCase();
          if (text === term) score = Math.max(score, 1);
          else if (!query.exactMatch && text.includes(term)) score = Math.max(score, 0.5);
        }
      }
      if (score > 0) found.push({ record, score, document });
    }
    return found.sort((a, b) => b.score - a.score || a.record.id - b.record.id);
  }

  user(userId: number): CompanyUser | undefined {
    return this.users.find((user) => user.id === userId);
  }

  private writeContext() {
    return {
      fields: this.fields,
      userIds: new Set(this.users.map((user) => user.id)),
      liveOrganization: (id: number) => this.tables.organizations.byId.get(id)?.deletedMs === null,
    };
  }

  /** Moves a record to a new update second, keeping the update-time index in order around the change. */
  private restamp(record: StoredRecord, updateSec: number, change: () => void): void {
    const table = this.tables[record.object];
    table.byUpdate.remove(record);
    change();
    record.updateSec = updateSec;
    table.byUpdate.insert(record);
  }

  private indexForSearch(record: StoredRecord): void {
    const now = this.clock.now();
    this.searchIndex.changed(record.object, record.id, searchDocument(record, this.fields), now + this.settings().searchIndexLagMs, now);
  }

  private live(object: PipedriveObject, id: number): StoredRecord {
    const record = this.tables[object].byId.get(id);
    if (!record || record.deletedMs !== null) throw new RecordMissing(object, id);
    return record;
  }

  private announce(event: Omit<ChangeEvent, 'atMs'>): void {
    this.onChange({ ...event, atMs: this.clock.now() });
  }
}

/** No live record with that id (never existed, deleted, or purged). */
export class RecordMissing extends Error {
  constructor(
    readonly object: PipedriveObject,
    readonly id: number,
  ) {
    super(`${object} ${id} does not exist`);
  }
}

/** The old values of the fields a change touched; custom fields compared one by one. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(before)) {
    if (key === 'update_time') continue;
    if (key === 'custom_fields') {
      const oldCustom = value as Record<string, unknown>;
      const newCustom = after.custom_fields as Record<string, unknown>;
      const changed = Object.fromEntries(Object.entries(oldCustom).filter(([code, old]) => JSON.stringify(old) !== JSON.stringify(newCustom[code])));
      if (Object.keys(changed).length > 0) previous.custom_fields = changed;
    } else if (JSON.stringify(value) !== JSON.stringify(after[key])) previous[key] = value;
  }
  return previous;
}

/** Control-API wording for the company's refusals. */
export function asControlError(error: unknown): unknown {
  if (error instanceof WriteRefused) return controlError(400, `invalid values: ${error.message}`, error.problems);
  if (error instanceof RecordMissing) return controlError(404, error.message, [{ field: 'id', message: 'no such live record' }]);
  return error;
}
