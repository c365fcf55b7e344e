// One Zoho CRM org in memory: its Contacts and Accounts by id, the deleted records (recycle bin, then permanent),
// its whole-second clock in its own offset, its one user, and the ids field metadata and notifications name.
import { createHash } from 'node:crypto';
import { SandboxClock } from '../common/clock';
import { controlError } from '../common/errors';
import { Random } from '../common/random';
import { bulkStamps, checkSeedArguments, tieGroupStamps } from '../common/seeding';
import { generateValues } from './data-generator';
import { IdSequence, compareIds } from './ids';
import { MODULE_DEFINITIONS, MODULES, type ModuleName } from './modules';

const SEED_WINDOW_SECONDS = 30 * 86_400;

export interface StoredRecord {
  readonly id: string;
  /** Field values by API name (lookups as the target's id), nulls included; system fields are not here. */
  values: Record<string, unknown>;
  createdSec: number;
  modifiedSec: number;
  /** Orders every write in the org, also within one second (never shown). */
  version: number;
  /** Wall-clock ms of the last write, for the search index lag. */
  writtenAtMs: number;
  /** What the search index held before the last write (null: the record was not there yet). */
  indexedValues: Record<string, unknown> | null;
  /** A stable order for records sharing a time that is not id order ("whatever order the database read them in"). */
  readonly tieRank: string;
}

export interface Tombstone {
  id: string;
  /** Set while in the recycle bin; a permanent delete keeps only the id and time. */
  displayName: string | null;
  type: 'recycle' | 'permanent';
  deletedSec: number;
}

/** A change a notification channel announces, in the words of its callback (`insert|update|delete`). */
export interface RecordChange {
  module: ModuleName;
  operation: 'insert' | 'update' | 'delete';
  id: string;
  /** The fields the write set (for `affected_fields` and `affected_values`). */
  values: Record<string, unknown>;
}

export interface OrgUser {
  id: string;
  zuid: string;
  firstName: string;
  lastName: string;
  email: string;
  profile: { id: string; name: string };
  role: { id: string; name: string };
}

class ModuleStore {
  readonly records = new Map<string, StoredRecord>();
  tombstones: Tombstone[] = [];
  /** The newest Modified_Time handed out: a change never sorts before an earlier one (it may share its second). */
  highWaterSec = Number.NEGATIVE_INFINITY;
}

const tieRankOf = (id: string) => createHash('md5').update(id).digest('hex');

export class Org {
  readonly orgId: string;
  readonly zgid: string;
  readonly user: OrgUser;
  /** Ids of the modules, their fields and the profiles, as metadata and notification answers show them. */
  readonly moduleIds: Record<ModuleName, string>;
  readonly fieldIds: Record<ModuleName, Record<string, string>>;
  readonly profiles: { administrator: string; standard: string };
  private readonly modules: Record<ModuleName, ModuleStore> = { Contacts: new ModuleStore(), Accounts: new ModuleStore() };
  private random: Random;
  private readonly ids: IdSequence;
  private version = 0;
  private serial = 0;
  /** The org's time: Modified_Time is its whole second, and page tokens age by it. */
  readonly clock = new SandboxClock();

  constructor(
    readonly name: string,
    readonly location: string,
    readonly offsetMinutes: number,
    readonly timeZone: string,
    seed: number,
    private readonly onChange: (org: Org, change: RecordChange) => void = () => undefined,
  ) {
    this.random = new Random(seed);
    this.ids = new IdSequence(String(this.random.int(1_000_000, 9_999_999)), this.random);
    this.orgId = String(this.random.int(600_000_000, 899_999_999));
    this.zgid = String(this.random.int(600_000_000, 899_999_999));
    const zuid = String(this.random.int(10_000_000, 99_999_999));
    this.profiles = { administrator: this.ids.next(this.random), standard: this.ids.next(this.random) };
    this.user = {
      id: this.ids.next(this.random),
      zuid,
      firstName: 'Integration',
      lastName: 'User',
      email: `integration@${name}.example.com`,
      // The integration user is not an administrator: field permissions of the Standard profile apply.
      profile: { id: this.profiles.standard, name: 'Standard' },
      role: { id: this.ids.next(this.random), name: 'Manager' },
    };
    this.moduleIds = { Contacts: this.ids.next(this.random), Accounts: this.ids.next(this.random) };
    this.fieldIds = { Contacts: {}, Accounts: {} };
    for (const module of MODULES) for (const field of MODULE_DEFINITIONS[module].fields) this.fieldIds[module][field.apiName] = this.ids.next(this.random);
  }

  reseed(seed: number): void {
    this.random = new Random(seed);
  }

  seed(module: ModuleName, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    checkSeedArguments(count, opts.tieGroupSize);
    const store = this.modules[module];
    const nowSec = Math.floor(this.clock.now() / 1000);
    const startSec = Math.max(nowSec - SEED_WINDOW_SECONDS, store.highWaterSec);
    const stamps = tieGroupStamps(this.random, count, startSec, Math.max(nowSec, startSec), opts.tieGroupSize);
    const ids = stamps.map((modifiedSec) => {
      const createdSec = this.random.chance(0.3) ? modifiedSec : modifiedSec - this.random.int(0, 365 * 86_400);
      return this.insert(module, this.generated(module), createdSec, modifiedSec).id;
    });
    if (stamps.length > 0) store.highWaterSec = Math.max(store.highWaterSec, stamps[stamps.length - 1]);
    return ids;
  }

  /** `values` already checked (record-values.ts). */
  create(module: ModuleName, values: Record<string, unknown>): StoredRecord {
    const sec = this.tick(module);
    const record = this.insert(module, values, sec, sec);
    this.onChange(this, { module, operation: 'insert', id: record.id, values });
    return record;
  }

  update(module: ModuleName, id: string, values: Record<string, unknown>): StoredRecord {
    const record = this.existing(module, id);
    this.modify(module, record, values, this.tick(module));
    this.onChange(this, { module, operation: 'update', id: record.id, values });
    return record;
  }

  /** One mass update: the records share Modified_Time seconds, `tieGroupSize` per second (default: all on one). */
  updateMany(module: ModuleName, ids: readonly string[], values: Record<string, unknown>, opts: { tieGroupSize?: number } = {}): StoredRecord[] {
    const records = ids.map((id) => this.existing(module, id));
    const stamps = bulkStamps(this.tick(module), records.length, opts.tieGroupSize);
    records.forEach((record, index) => {
      this.modify(module, record, values, stamps[index]);
      this.onChange(this, { module, operation: 'update', id: record.id, values });
    });
    if (stamps.length > 0) this.bumpHighWater(module, stamps[stamps.length - 1]);
    return records;
  }

  /** An import happening now: new generated records, `tieGroupSize` per second (default: all on one). */
  importNow(module: ModuleName, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    checkSeedArguments(count, opts.tieGroupSize);
    const stamps = bulkStamps(this.tick(module), count, opts.tieGroupSize);
    const ids = stamps.map((sec) => {
      const values = this.generated(module);
      const record = this.insert(module, values, sec, sec);
      this.onChange(this, { module, operation: 'insert', id: record.id, values });
      return record.id;
    });
    if (stamps.length > 0) this.bumpHighWater(module, stamps[stamps.length - 1]);
    return ids;
  }

  /** To the recycle bin (listed as `recycle`), or past it (`permanent`, only the id and time kept). */
  delete(module: ModuleName, id: string, opts: { permanent?: boolean } = {}): void {
    const record = this.existing(module, id);
    const store = this.modules[module];
    store.records.delete(record.id);
    const displayName = record.values[MODULE_DEFINITIONS[module].displayField];
    store.tombstones.push({
      id: record.id,
      displayName: opts.permanent ? null : typeof displayName === 'string' ? displayName : null,
      type: opts.permanent ? 'permanent' : 'recycle',
      deletedSec: this.tick(module),
    });
    this.onChange(this, { module, operation: 'delete', id: record.id, values: {} });
  }

  /** Purges the recycle bin: its records stay listed, as permanent deletes with only the id and time. */
  emptyRecycleBin(module: ModuleName): number {
    let purged = 0;
    for (const tombstone of this.modules[module].tombstones) {
      if (tombstone.type !== 'recycle') continue;
      tombstone.type = 'permanent';
      tombstone.displayName = null;
      purged++;
    }
    return purged;
  }

  get(module: ModuleName, id: string): StoredRecord | undefined {
    return this.modules[module].records.get(id);
  }

  exists(module: ModuleName, id: string): boolean {
    return this.modules[module].records.has(id);
  }

  records(module: ModuleName): IterableIterator<StoredRecord> {
    return this.modules[module].records.values();
  }

  recordCount(module: ModuleName): number {
    return this.modules[module].records.size;
  }

  tombstones(module: ModuleName): readonly Tombstone[] {
    return this.modules[module].tombstones;
  }

  /** A live record whose `field` equals `value` (text compared ignoring case), other than `exceptId`. */
  findByField(module: ModuleName, field: string, value: unknown, exceptId?: string): StoredRecord | undefined {
    if (value === null || value === undefined || value === '') return undefined;
    const wanted = typeof value === 'string' ? value.toLowerCase() : value;
    for (const record of this.modules[module].records.values()) {
      if (record.id === exceptId) continue;
      const stored = record.values[field];
      if ((typeof stored === 'string' ? stored.toLowerCase() : stored) === wanted) return record;
    }
    return undefined;
  }

  /** Records in id order (the truth tests compare with). */
  sortedRecords(module: ModuleName): StoredRecord[] {
    return [...this.modules[module].records.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  private generated(module: ModuleName): Record<string, unknown> {
    const values = generateValues(module, this.random, ++this.serial);
    if (module === 'Contacts') {
      const accounts = this.modules.Accounts.records;
      // Most contacts belong to an account; picking from the live ones keeps lookups valid.
      values.Account_Name = accounts.size > 0 && this.random.chance(0.85) ? this.pickAccount() : null;
    }
    return values;
  }

  private pickAccount(): string {
    const ids = [...this.modules.Accounts.records.keys()];
    return this.random.pick(ids);
  }

  private insert(module: ModuleName, values: Record<string, unknown>, createdSec: number, modifiedSec: number): StoredRecord {
    const all: Record<string, unknown> = {};
    for (const field of MODULE_DEFINITIONS[module].fields) if (!field.system) all[field.apiName] = null;
    Object.assign(all, values);
    const id = this.ids.next(this.random);
    const record: StoredRecord = { id, values: all, createdSec, modifiedSec, version: 0, writtenAtMs: 0, indexedValues: null, tieRank: tieRankOf(id) };
    this.stamp(module, record, modifiedSec);
    this.modules[module].records.set(id, record);
    return record;
  }

  private modify(module: ModuleName, record: StoredRecord, values: Record<string, unknown>, sec: number): void {
    record.indexedValues = { ...record.values };
    Object.assign(record.values, values);
    this.stamp(module, record, sec);
  }

  private stamp(module: ModuleName, record: StoredRecord, sec: number): void {
    record.version = ++this.version;
    record.modifiedSec = sec;
    record.writtenAtMs = Date.now();
    if (module === 'Contacts') {
      const parts = [record.values.First_Name, record.values.Last_Name].filter((part) => typeof part === 'string' && part !== '');
      record.values.Full_Name = parts.length > 0 ? parts.join(' ') : null;
    }
  }

  /** The current second, never before a Modified_Time already handed out; changes within one second share it. */
  private tick(module: ModuleName): number {
    const store = this.modules[module];
    const sec = Math.max(Math.floor(this.clock.now() / 1000), store.highWaterSec);
    store.highWaterSec = sec;
    return sec;
  }

  private bumpHighWater(module: ModuleName, sec: number): void {
    this.modules[module].highWaterSec = Math.max(this.modules[module].highWaterSec, sec);
  }

  private existing(module: ModuleName, id: string): StoredRecord {
    const record = typeof id === 'string' ? this.get(module, id) : undefined;
    if (!record) throw controlError(404, `no ${module} record ${String(id)}`, [{ field: 'id', message: 'unknown' }]);
    return record;
  }
}
