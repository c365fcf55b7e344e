// One Dataverse environment (an org) in memory: its rows by primary key, the row versions change tracking reads,
// the tombstones of deleted rows, its whole-second clock and the identities WhoAmI names.
import { SandboxClock } from '../common/clock';
import { SandboxHttpError } from '../common/errors';
import { Random } from '../common/random';
import { bulkStamps, checkSeedArguments, tieGroupStamps } from '../common/seeding';
import { generateValues } from './data-generator';
import { dataverseError, odataError, recordNotFound } from './errors';
import { GUID, sequentialGuid, sqlOrderKey } from './guid';
import { TABLES, columnOf, type ColumnDefinition, type EntitySet } from './tables';

const SEED_WINDOW_SECONDS = 30 * 86_400;

export interface StoredRow {
  readonly id: string;
  /** `id` in SQL Server's uniqueidentifier order, as text that sorts that way. */
  readonly orderKey: string;
  /** Every property as the Web API names it (lookups as `_x_value`), nulls included. */
  values: Record<string, unknown>;
  /** The row version: change tracking's position and the `@odata.etag`. */
  version: number;
  modifiedSec: number;
}

export interface Tombstone {
  id: string;
  version: number;
}

/** A change a webhook announces: what happened to which row, with the values written. */
export interface RowChange {
  entitySet: EntitySet;
  message: 'Create' | 'Update' | 'Delete';
  id: string;
  values: Record<string, unknown>;
}

/** Values the caller may not write, and why: the control API lists them, the Web API words the first. */
export class InvalidRow extends SandboxHttpError {
  constructor(
    readonly webApiError: SandboxHttpError,
    fields: { field: string; message: string }[],
  ) {
    super(400, { error: `invalid values: ${fields.map((f) => f.field).join(', ')}`, fields }, webApiError.message);
  }
}

class Table {
  readonly rows = new Map<string, StoredRow>();
  tombstones: Tombstone[] = [];
  /** The newest modifiedon handed out: a change never sorts before an earlier one (it may share its second). */
  highWaterSec = Number.NEGATIVE_INFINITY;
}

export const formatSeconds = (sec: number): string => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Environment {
  readonly organizationId: string;
  readonly businessUnitId: string;
  /** The systemuser row of the one user every grant signs in as. */
  readonly userId: string;
  /** Set once the environment's listener runs: e.g. http://127.0.0.1:40123 (the org URL, no trailing slash). */
  url = '';
  readonly changeTracking: Record<EntitySet, boolean>;
  /** Delta tokens for versions below this one answer "expired" (see `expireDeltaTokens`). */
  deltaTokensValidFromVersion = 0;
  private readonly tables: Record<EntitySet, Table> = { contacts: new Table(), accounts: new Table() };
  private random: Random;
  private version: number;
  private sequence: number;
  private readonly node: string;
  private readonly clockSeq: string;
  private readonly epoch: string;
  /** The environment's time: modifiedon is its whole second, and delta tokens age by it. */
  readonly clock = new SandboxClock();

  constructor(
    readonly name: string,
    seed: number,
    changeTracking: Partial<Record<EntitySet, boolean>>,
    private readonly onChange: (environment: Environment, change: RowChange) => void = () => undefined,
  ) {
    this.random = new Random(seed);
    const hex = (digits: number) => Array.from({ length: digits }, () => this.random.int(0, 15).toString(16)).join('');
    this.node = hex(12);
    this.clockSeq = hex(4);
    this.epoch = hex(4);
    this.sequence = this.random.int(2 ** 40, 2 ** 46);
    this.organizationId = this.nextGuid();
    this.businessUnitId = this.nextGuid();
    this.userId = this.nextGuid();
    this.version = this.random.int(100_000, 900_000);
    this.changeTracking = { contacts: changeTracking.contacts ?? true, accounts: changeTracking.accounts ?? true };
  }

  reseed(seed: number): void {
    this.random = new Random(seed);
  }

  /** Every delta token issued so far lapses; the version moves on so tokens issued from now on are good. */
  expireDeltaTokens(): void {
    this.deltaTokensValidFromVersion = ++this.version;
  }

  get currentVersion(): number {
    return this.version;
  }

  seed(entitySet: EntitySet, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    checkSeedArguments(count, opts.tieGroupSize);
    const table = this.tables[entitySet];
    const nowSec = Math.floor(this.clock.now() / 1000);
    const startSec = Math.max(nowSec - SEED_WINDOW_SECONDS, table.highWaterSec);
    const stamps = tieGroupStamps(this.random, count, startSec, Math.max(nowSec, startSec), opts.tieGroupSize);
    const accountIds = entitySet === 'contacts' ? [...this.tables.accounts.rows.keys()] : [];
    const ids = stamps.map((modifiedSec) => {
      const values = generateValues(entitySet, this.random);
      if (accountIds.length > 0 && this.random.chance(0.85)) values._parentcustomerid_value = this.random.pick(accountIds);
      const createdSec = this.random.chance(0.3) ? modifiedSec : modifiedSec - this.random.int(0, 365 * 86_400);
      return this.insert(entitySet, this.nextGuid(), values, createdSec, modifiedSec).id;
    });
    if (stamps.length > 0) table.highWaterSec = Math.max(table.highWaterSec, stamps[stamps.length - 1]);
    return ids;
  }

  /** `id`: a client-chosen primary key (an idempotent create); it must not be taken. */
  create(entitySet: EntitySet, input: Record<string, unknown>, id?: string): StoredRow {
    const values = this.validate(entitySet, input);
    const key = id ?? this.nextGuid();
    if (this.tables[entitySet].rows.has(key)) throw dataverseError(412, '0x80040237', 'A record with matching key values already exists.');
    const sec = this.tick(entitySet);
    const row = this.insert(entitySet, key, values, sec, sec);
    this.onChange(this, { entitySet, message: 'Create', id: row.id, values });
    return row;
  }

  update(entitySet: EntitySet, id: string, input: Record<string, unknown>): StoredRow {
    const row = this.existing(entitySet, id);
    const values = this.validate(entitySet, input);
    this.modify(entitySet, row, values, this.tick(entitySet));
    this.onChange(this, { entitySet, message: 'Update', id: row.id, values });
    return row;
  }

  /** One bulk edit: the rows share modifiedon seconds, `tieGroupSize` per second (default: all on one). */
  updateMany(entitySet: EntitySet, ids: readonly string[], input: Record<string, unknown>, opts: { tieGroupSize?: number } = {}): StoredRow[] {
    const rows = ids.map((id) => this.existing(entitySet, id));
    const values = this.validate(entitySet, input);
    const stamps = bulkStamps(this.tick(entitySet), rows.length, opts.tieGroupSize);
    rows.forEach((row, index) => {
      this.modify(entitySet, row, values, stamps[index]);
      this.onChange(this, { entitySet, message: 'Update', id: row.id, values });
    });
    this.raiseHighWater(entitySet, stamps);
    return rows;
  }

  /** An import happening now: new generated rows, `tieGroupSize` per second (default: all on one). */
  importNow(entitySet: EntitySet, count: number, opts: { tieGroupSize?: number } = {}): string[] {
    checkSeedArguments(count, opts.tieGroupSize);
    const stamps = bulkStamps(this.tick(entitySet), count, opts.tieGroupSize);
    const ids = stamps.map((sec) => {
      const values = generateValues(entitySet, this.random);
      const row = this.insert(entitySet, this.nextGuid(), values, sec, sec);
      this.onChange(this, { entitySet, message: 'Create', id: row.id, values });
      return row.id;
    });
    this.raiseHighWater(entitySet, stamps);
    return ids;
  }

  /** Hard delete, as Dataverse deletes: the row is gone and only change tracking remembers it. */
  delete(entitySet: EntitySet, id: string): void {
    const row = this.existing(entitySet, id);
    const table = this.tables[entitySet];
    table.rows.delete(row.id);
    table.tombstones.push({ id: row.id, version: ++this.version });
    this.onChange(this, { entitySet, message: 'Delete', id: row.id, values: {} });
  }

  get(entitySet: EntitySet, id: string): StoredRow | undefined {
    return this.tables[entitySet].rows.get(id.toLowerCase());
  }

  rows(entitySet: EntitySet): IterableIterator<StoredRow> {
    return this.tables[entitySet].rows.values();
  }

  /** Rows changed in (from, to] by version, then deletes in (from, to]: what a delta link answers. */
  changesBetween(entitySet: EntitySet, fromVersion: number, toVersion: number): { changed: StoredRow[]; deleted: Tombstone[] } {
    const table = this.tables[entitySet];
    const changed = [...table.rows.values()].filter((row) => row.version > fromVersion && row.version <= toVersion).sort((a, b) => a.version - b.version);
    const deleted = table.tombstones.filter((t) => t.version > fromVersion && t.version <= toVersion);
    return { changed, deleted };
  }

  /** Duplicate detection's default rules: contacts by e-mail, accounts by name, ignoring case. */
  findDuplicate(entitySet: EntitySet, values: Record<string, unknown>, exceptId?: string): StoredRow | undefined {
    const column = TABLES[entitySet].duplicateRuleColumn;
    const wanted = values[column];
    if (typeof wanted !== 'string' || wanted === '') return undefined;
    for (const row of this.tables[entitySet].rows.values()) {
      const value = row.values[column];
      if (row.id !== exceptId && typeof value === 'string' && value.toLowerCase() === wanted.toLowerCase()) return row;
    }
    return undefined;
  }

  /** Checked values as stored (lookup binds resolved); throws InvalidRow naming every problem. */
  validate(entitySet: EntitySet, input: Record<string, unknown>): Record<string, unknown> {
    const table = TABLES[entitySet];
    const values: Record<string, unknown> = {};
    const problems: { field: string; message: string; error: SandboxHttpError }[] = [];
    const problem = (field: string, error: SandboxHttpError) => problems.push({ field, message: error.message.replace(/^[^:]*: /, ''), error });
    for (const [key, value] of Object.entries(input ?? {})) {
      const bind = /^(.+)@odata\.bind$/.exec(key);
      if (bind) {
        const lookup = table.columns.find((column) => column.targets?.some((target) => target.bind === bind[1]));
        const target = lookup?.targets?.find((t) => t.bind === bind[1]);
        if (!lookup || !target) {
          problem(key, odataError(400, `An undeclared property '${bind[1]}' which only has property annotations in the payload but no property value was found in the payload.`));
          continue;
        }
        const match = typeof value === 'string' ? /^\/?([a-z]+)\(([0-9a-f-]{36})\)$/i.exec(value) : null;
        if (value === null) values[lookup.property] = null;
        else if (!match || match[1] !== target.entitySet || !GUID.test(match[2])) problem(key, odataError(400, `The value '${String(value)}' of '${key}' is not a valid entity reference: use /${target.entitySet}(<guid>).`));
        else if (!this.get(target.entitySet, match[2])) problem(key, recordNotFound(TABLES[target.entitySet].logicalName, match[2].toLowerCase()));
        else values[lookup.property] = match[2].toLowerCase();
        continue;
      }
      if (key.includes('@')) continue;
      const column = columnOf(entitySet, key);
      if (!column || column.property !== column.logicalName) {
        problem(key, odataError(400, `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${table.logicalName}'. Make sure to only use property names that are defined by the type.`));
        continue;
      }
      // The platform keeps these itself; a payload naming them is accepted and the value ignored.
      if (column.system) continue;
      const error = checkValue(table.logicalName, column, value);
      if (error) problem(key, error);
      else values[key] = value;
    }
    if (problems.length > 0) throw new InvalidRow(problems[0].error, problems.map(({ field, message }) => ({ field, message })));
    return values;
  }

  /** The truth for tests: every row with every property (secured ones unmasked), by primary key in SQL order. */
  records(entitySet: EntitySet): Record<string, unknown>[] {
    return [...this.tables[entitySet].rows.values()].sort((a, b) => (a.orderKey < b.orderKey ? -1 : 1)).map((row) => ({ '@odata.etag': etagOf(row), ...row.values }));
  }

  private insert(entitySet: EntitySet, id: string, values: Record<string, unknown>, createdSec: number, modifiedSec: number): StoredRow {
    const table = TABLES[entitySet];
    const all: Record<string, unknown> = {};
    for (const column of table.columns) all[column.property] = null;
    Object.assign(all, values, {
      [table.primaryKey]: id,
      _ownerid_value: this.userId,
      statecode: values.statecode ?? 0,
      statuscode: values.statuscode ?? 1,
      createdon: formatSeconds(createdSec),
    });
    const row: StoredRow = { id, orderKey: sqlOrderKey(id), values: all, version: 0, modifiedSec };
    this.stamp(entitySet, row, modifiedSec);
    // A key deleted before and created again is a live row now, not a delete.
    const tables = this.tables[entitySet];
    tables.tombstones = tables.tombstones.filter((t) => t.id !== id);
    tables.rows.set(id, row);
    return row;
  }

  private modify(entitySet: EntitySet, row: StoredRow, values: Record<string, unknown>, sec: number): void {
    Object.assign(row.values, values);
    this.stamp(entitySet, row, sec);
  }

  private stamp(entitySet: EntitySet, row: StoredRow, sec: number): void {
    row.version = ++this.version;
    row.modifiedSec = sec;
    row.values.versionnumber = row.version;
    row.values.modifiedon = formatSeconds(sec);
    if (entitySet === 'contacts') row.values.fullname = [row.values.firstname, row.values.lastname].filter((v) => typeof v === 'string' && v !== '').join(' ') || null;
  }

  /** The current second, never before a modifiedon already handed out; changes within one second share it. */
  /** Later changes are stamped after the last of a bulk change's stamps. */
  private raiseHighWater(entitySet: EntitySet, stamps: readonly number[]): void {
    const table = this.tables[entitySet];
    if (stamps.length > 0) table.highWaterSec = Math.max(table.highWaterSec, stamps[stamps.length - 1]);
  }

  private tick(entitySet: EntitySet): number {
    const table = this.tables[entitySet];
    const sec = Math.max(Math.floor(this.clock.now() / 1000), table.highWaterSec);
    table.highWaterSec = sec;
    return sec;
  }

  private existing(entitySet: EntitySet, id: string): StoredRow {
    const row = typeof id === 'string' ? this.get(entitySet, id) : undefined;
    if (!row) throw Object.assign(recordNotFound(TABLES[entitySet].logicalName, String(id)), {});
    return row;
  }

  private nextGuid(): string {
    // Sequential within the environment, with gaps, as NEWSEQUENTIALID-style keys have.
    this.sequence += this.random.int(1, 4096);
    return sequentialGuid(this.node, this.clockSeq, this.epoch, this.sequence);
  }
}

export const etagOf = (row: StoredRow): string => `W/"${row.version}"`;

function checkValue(logicalName: string, column: ColumnDefinition, value: unknown): SandboxHttpError | null {
  if (value === null) return null;
  const wrongType = (edm: string) => odataError(400, `Cannot convert the literal '${String(value)}' to the expected type '${edm}'.`);
  switch (column.type) {
    case 'String':
    case 'Memo':
      if (typeof value !== 'string') return wrongType('Edm.String');
      if (column.maxLength !== undefined && value.length > column.maxLength) {
        return dataverseError(400, '0x80044331', `A validation error occurred. The length of the '${column.logicalName}' attribute of the '${logicalName}' entity exceeded the maximum allowed length of '${column.maxLength}'.`);
      }
      return null;
    case 'Integer':
      return Number.isInteger(value) ? null : wrongType('Edm.Int32');
    case 'Money':
      return typeof value === 'number' && Number.isFinite(value) ? null : wrongType('Edm.Decimal');
    case 'Picklist':
    case 'State':
    case 'Status':
      if (!Number.isInteger(value)) return wrongType('Edm.Int32');
      return column.options?.includes(value as number) ? null : dataverseError(400, '0x8004431a', `A validation error occurred. The value ${String(value)} of '${column.logicalName}' on record of type '${logicalName}' is outside the valid range.`);
    default:
      return odataError(400, `The property '${column.property}' cannot be set directly: bind the lookup with '@odata.bind'.`);
  }
}
