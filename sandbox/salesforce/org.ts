// The in-memory org: current records by Id, a (SystemModstamp, Id) index for range scans, the recycle bin and the org clock.
import { SandboxClock } from '../common/clock';
import { controlError } from '../common/errors';
import { Random } from '../common/random';
import { checkSeedArguments } from '../common/seeding';
import { generateRecords } from './data-generator';
import { formatDateTime, isValidDate } from './datetime';
import { apiError } from './errors';
import { OBJECT_FIELDS, findField, type FieldType, type FieldValue, type SalesforceObject, type SalesforceRecord } from './fields';
import { IdSequence, KEY_PREFIX, toId18 } from './ids';

const SEED_WINDOW_MS = 30 * 86_400_000;

/**
 * One version of one record in the index. Records are immutable: a change makes a new entry and marks the old one
 * superseded, so a query snapshot (an array of record references) keeps the values it saw.
 */
export interface IndexEntry {
  readonly ms: number;
  readonly id: string;
  readonly record: SalesforceRecord;
  live: boolean;
}

class ObjectTable {
  /** Map order is insertion order and ids grow with creation, so iterating this is iterating by Id. */
  readonly current = new Map<string, IndexEntry>();
  index: IndexEntry[] = [];
  superseded = 0;
  /** The newest SystemModstamp handed out: later changes must sort after every earlier one. */
  highWaterMs = Number.NEGATIVE_INFINITY;

  constructor(readonly ids: IdSequence) {}
}

export function compareKey(ms: number, id: string, entry: IndexEntry): number {
  if (ms !== entry.ms) return ms < entry.ms ? -1 : 1;
  return id === entry.id ? 0 : id < entry.id ? -1 : 1;
}

/** First position whose key is ≥ (ms, id). */
function lowerBound(index: readonly IndexEntry[], ms: number, id: string): number {
  let low = 0;
  let high = index.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKey(ms, id, index[middle]) > 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class Org {
  readonly orgId: string;
  readonly userId: string;
  readonly username = 'integration.user@sandbox.example.com';
  /** Two characters standing for the org's instance, shared by every id it mints. */
  readonly pod: string;
  private random: Random;
  private readonly tables: Record<SalesforceObject, ObjectTable>;
  /** The org's time, what SystemModstamp is taken from: a test moves it to make minutes pass between two changes at once. */
  readonly clock = new SandboxClock();

  constructor(seed: number) {
    this.random = new Random(seed);
    this.pod = podFor(this.random);
    const start = () => this.random.int(62 ** 4, 62 ** 5);
    this.orgId = new IdSequence(KEY_PREFIX.Organization, this.pod, start()).take();
    this.userId = new IdSequence(KEY_PREFIX.User, this.pod, start()).take();
    this.tables = {
      Contact: new ObjectTable(new IdSequence(KEY_PREFIX.Contact, this.pod, start())),
      Account: new ObjectTable(new IdSequence(KEY_PREFIX.Account, this.pod, start())),
      // A fixed start, so adding this object left every seeded Contact and Account as it was.
      Opportunity: new ObjectTable(new IdSequence(KEY_PREFIX.Opportunity, this.pod, 62 ** 4)),
    };
  }

  /** A new seed restarts the generator stream; ids keep counting so they stay unique and ordered. */
  reseed(seed: number): void {
    this.random = new Random(seed);
  }

  seed(object: SalesforceObject, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    const tieGroupSize = opts.tieGroupSize;
    checkSeedArguments(count, tieGroupSize);
    const table = this.tables[object];
    const now = this.clock.now();
    // Seeded history lies in the past 30 days, but never before a stamp this object already has.
    const windowStartMs = Math.max(now - SEED_WINDOW_MS, table.highWaterMs + 1);
    const { records, stamps } = generateRecords(object, {
      random: this.random,
      count,
      windowStartMs,
      windowEndMs: Math.max(now, windowStartMs),
      tieGroupSize,
      accountIds: object === 'Account' ? [] : this.liveIds('Account'),
      takeId: () => table.ids.take(),
    });
    const ids: string[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const entry: IndexEntry = { ms: stamps[i], id: records[i].Id, record: records[i], live: true };
      table.current.set(entry.id, entry);
      // Stamps start after the high-water mark and ids grow, so the batch sorts after everything indexed.
      table.index.push(entry);
      ids[i] = entry.id;
    }
    if (records.length > 0) table.highWaterMs = stamps[stamps.length - 1];
    return ids;
  }

  create(object: SalesforceObject, fields: Record<string, unknown>): SalesforceRecord {
    const table = this.tables[object];
    const values = this.validate(object, fields, 'create');
    const ms = this.tick(table);
    const stamp = formatDateTime(ms);
    const record = { Id: table.ids.take(), IsDeleted: false } as SalesforceRecord;
    for (const field of OBJECT_FIELDS[object]) {
      if (!field.system) record[field.name] = values[field.name] ?? null;
    }
    // Salesforce makes the creating user the owner when the caller names none.
    if ('OwnerId' in record && record.OwnerId === null) record.OwnerId = this.userId;
    record.CreatedDate = stamp;
    record.LastModifiedDate = stamp;
    record.SystemModstamp = stamp;
    this.put(table, { ms, id: record.Id, record, live: true });
    return { ...record };
  }

  /**
   * `committedLateByMs`: the change was made that long ago in a transaction that commits only now, so it becomes
   * visible with a SystemModstamp earlier than changes already visible (what a lookback exists for).
   */
  update(object: SalesforceObject, id: string, fields: Record<string, unknown>, opts: { committedLateByMs?: number } = {}): SalesforceRecord {
    const table = this.tables[object];
    const previous = this.existing(object, id);
    const values = this.validate(object, fields, 'update');
    const ms = opts.committedLateByMs ? this.clock.now() - opts.committedLateByMs : this.tick(table);
    const stamp = formatDateTime(ms);
    const record: SalesforceRecord = { ...previous.record, ...values, LastModifiedDate: stamp, SystemModstamp: stamp };
    this.replace(table, previous, { ms, id: previous.id, record, live: true });
    return { ...record };
  }

  /** What a rollup or workflow does: SystemModstamp moves, LastModifiedDate does not. */
  touch(object: SalesforceObject, id: string): SalesforceRecord {
    const table = this.tables[object];
    const previous = this.existing(object, id);
    const ms = this.tick(table);
    const record: SalesforceRecord = { ...previous.record, SystemModstamp: formatDateTime(ms) };
    this.replace(table, previous, { ms, id: previous.id, record, live: true });
    return { ...record };
  }

  /** Soft delete into the recycle bin: the row stays visible to queryAll with IsDeleted = true. */
  delete(object: SalesforceObject, id: string): void {
    const table = this.tables[object];
    const previous = this.existing(object, id);
    const ms = this.tick(table);
    const stamp = formatDateTime(ms);
    const record: SalesforceRecord = { ...previous.record, IsDeleted: true, LastModifiedDate: stamp, SystemModstamp: stamp };
    this.replace(table, previous, { ms, id: previous.id, record, live: true });
  }

  /** What Salesforce does after 15 days: recycled rows vanish even from queryAll. */
  purgeRecycleBin(): void {
    for (const table of Object.values(this.tables)) {
      for (const [id, entry] of table.current) {
        if (entry.record.IsDeleted) {
          entry.live = false;
          table.superseded++;
          table.current.delete(id);
        }
      }
      this.compactIfWorthIt(table);
    }
  }

  records(object: SalesforceObject, opts: { includeDeleted?: boolean } = {}): SalesforceRecord[] {
    const rows: SalesforceRecord[] = [];
    for (const entry of this.tables[object].current.values()) {
      if (opts.includeDeleted || !entry.record.IsDeleted) rows.push({ ...entry.record });
    }
    return rows;
  }

  /** The current version (recycled ones included), never to be mutated. */
  get(object: SalesforceObject, id: string): SalesforceRecord | undefined {
    return this.tables[object].current.get(toId18(id))?.record;
  }

  /** The index (sorted by SystemModstamp, then Id) and the first position whose key is ≥ (ms, id). Read it synchronously. */
  indexFrom(object: SalesforceObject, ms: number, id: string): { index: readonly IndexEntry[]; start: number } {
    const index = this.tables[object].index;
    return { index, start: lowerBound(index, ms, id) };
  }

  private liveIds(object: SalesforceObject): string[] {
    const ids: string[] = [];
    for (const entry of this.tables[object].current.values()) if (!entry.record.IsDeleted) ids.push(entry.id);
    return ids;
  }

  /** Strictly after the previous change, so resuming after any (SystemModstamp, Id) never skips a later change. */
  private tick(table: ObjectTable): number {
    const ms = Math.max(this.clock.now(), table.highWaterMs + 1);
    table.highWaterMs = ms;
    return ms;
  }

  private existing(object: SalesforceObject, id: string): IndexEntry {
    const entry = typeof id === 'string' ? this.tables[object].current.get(toId18(id)) : undefined;
    if (!entry) throw controlError(404, `${object} ${String(id)} does not exist`, [{ field: 'id', message: 'no such record' }]);
    if (entry.record.IsDeleted) throw apiError(400, 'ENTITY_IS_DELETED', 'entity is deleted');
    return entry;
  }

  private replace(table: ObjectTable, previous: IndexEntry, next: IndexEntry): void {
    previous.live = false;
    table.superseded++;
    this.put(table, next);
    this.compactIfWorthIt(table);
  }

  private put(table: ObjectTable, entry: IndexEntry): void {
    table.current.set(entry.id, entry);
    const index = table.index;
    const last = index[index.length - 1];
    if (!last || compareKey(entry.ms, entry.id, last) > 0) index.push(entry);
    else index.splice(lowerBound(index, entry.ms, entry.id), 0, entry);
  }

  /** Superseded entries are skipped by scans; dropping them only pays once they are a large share. */
  private compactIfWorthIt(table: ObjectTable): void {
    if (table.superseded > 1024 && table.superseded * 2 > table.index.length) {
      table.index = table.index.filter((entry) => entry.live);
      table.superseded = 0;
    }
  }

  private validate(object: SalesforceObject, fields: Record<string, unknown>, mode: 'create' | 'update'): Record<string, FieldValue> {
    const values: Record<string, FieldValue> = {};
    const problems: { field: string; message: string }[] = [];
    for (const [name, value] of Object.entries(fields ?? {})) {
      const field = findField(object, name);
      if (!field) {
        problems.push({ field: name, message: `No such column '${name}' on sobject of type ${object}` });
        continue;
      }
      if (field.system) {
        problems.push({ field: field.name, message: 'Unable to create/update fields: not writeable' });
        continue;
      }
      const problem = this.checkValue(field.type, value);
      if (problem) problems.push({ field: field.name, message: problem });
      else values[field.name] = field.type === 'reference' && typeof value === 'string' ? toId18(value) : (value as FieldValue);
    }
    for (const field of OBJECT_FIELDS[object]) {
      if (!field.required) continue;
      const value = field.name in values ? values[field.name] : mode === 'create' ? null : undefined;
      if (value === null || value === '') problems.push({ field: field.name, message: 'Required fields are missing' });
    }
    if (problems.length > 0) throw controlError(400, `invalid ${object} fields: ${problems.map((p) => p.field).join(', ')}`, problems);
    return values;
  }

  private checkValue(type: FieldType, value: unknown): string | null {
    if (value === null) return null;
    switch (type) {
      case 'string':
        return typeof value === 'string' ? null : 'must be a string or null';
      case 'date':
        return typeof value === 'string' && isValidDate(value) ? null : 'must be a date YYYY-MM-DD or null';
      case 'double':
        return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number or null';
      case 'int':
        return Number.isInteger(value) ? null : 'must be an integer or null';
      case 'reference': {
        const account = typeof value === 'string' ? this.get('Account', value) : undefined;
        return account && !account.IsDeleted ? null : 'must be the Id of a live Account or null';
      }
      default:
        return 'not writeable';
    }
  }
}

/** Derived from the seed so ids are reproducible. */
function podFor(random: Random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return alphabet[random.int(0, 25)] + alphabet[random.int(0, 61)];
}
