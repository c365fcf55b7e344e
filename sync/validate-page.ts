// Turns a page of raw provider records into what the store keeps: valid records by id, and why the others are not.
import type { FieldKind } from './fields';
import type { SyncDefinition } from './sync-definition';

export interface ValidRecord {
  externalId: string;
  data: Record<string, unknown>;
}

export interface InvalidRecord {
  /** `null` when even the id could not be read. */
  externalId: string | null;
  problems: string[];
}

export interface ValidatedPage {
  valid: ValidRecord[];
  invalid: InvalidRecord[];
}

/**
 * Each raw record is checked against the model's schema, then its extra (custom) fields against the kinds the
 * provider reported for them. The schema keeps unknown fields, so custom fields are stored with the record and
 * covered by its content hash.
 */
export function validatePage(sync: SyncDefinition, records: readonly unknown[], extraKinds: Record<string, FieldKind> = {}): ValidatedPage {
  const page: ValidatedPage = { valid: [], invalid: [] };
  for (const raw of records) {
    const parsed = sync.schema.safeParse(raw);
    const problems = parsed.success
      ? extraFieldProblems(sync, parsed.data, extraKinds)
      : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`);
    if (parsed.success && problems.length === 0) page.valid.push({ externalId: sync.idOf(parsed.data), data: parsed.data });
    else page.invalid.push({ externalId: rawIdOf(sync, raw), problems });
  }
  return page;
}

/** The sync's `rawIdOf`; without one, its `idOf` tried on the raw record, which often reads the id just as well. */
function rawIdOf(sync: SyncDefinition, raw: unknown): string | null {
  if (sync.rawIdOf) return sync.rawIdOf(raw);
  if (typeof raw !== 'object' || raw === null) return null;
  try {
    const id = sync.idOf(raw as Record<string, unknown>);
    return typeof id === 'string' && id !== '' && id !== 'undefined' ? id : null;
  } catch {
    return null;
  }
}

function extraFieldProblems(sync: SyncDefinition, record: Record<string, unknown>, extraKinds: Record<string, FieldKind>): string[] {
  const problems: string[] = [];
  for (const [field, kind] of Object.entries(extraKinds)) {
    const value = sync.fields ? sync.fields.valueOf(record, field) : record[field];
    if (!fitsKind(value, kind)) problems.push(`${field}: expected ${kind} or null, got ${JSON.stringify(value)}`);
  }
  return problems;
}

/** Loose on purpose: a missing or null value always fits, and dates only need to parse. */
export function fitsKind(value: unknown, kind: FieldKind): boolean {
  if (value === undefined || value === null) return true;
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
    default:
      return true;
  }
}
