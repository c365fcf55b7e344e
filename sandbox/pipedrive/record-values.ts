// What a person or organization holds, how write bodies (`POST`/`PATCH /api/v2/…`) are checked into it, and how a
// stored record is rendered as a v2 item: `emails`/`phones` arrays with `primary`, custom fields under their hashes.
import type { FieldCatalog, FieldDefinition, PipedriveObject } from './fields';

export interface ContactPoint {
  value: string;
  primary: boolean;
  label: string;
}

export interface Address {
  value: string;
  country: string | null;
  locality: string | null;
  postal_code: string | null;
}

/** Everything a caller can set; which keys apply depends on the object. */
export interface RecordValues {
  name: string;
  owner_id: number;
  visible_to: number;
  label_ids: number[];
  custom_fields: Record<string, unknown>;
  // Persons only.
  first_name?: string | null;
  last_name?: string | null;
  org_id?: number | null;
  emails?: ContactPoint[];
  phones?: ContactPoint[];
  // Organizations only.
  address?: Address | null;
}

export interface StoredRecord {
  readonly id: number;
  readonly object: PipedriveObject;
  values: RecordValues;
  addSec: number;
  updateSec: number;
  /** Clock time of the delete; null while the record lives. */
  deletedMs: number | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** What the company knows that a write is checked against. */
export interface WriteContext {
  fields: FieldCatalog;
  userIds: ReadonlySet<number>;
  liveOrganization(id: number): boolean;
}

const VISIBILITY = new Set([1, 3, 5, 7]);
const KEYS: Record<PipedriveObject, Set<string>> = {
  persons: new Set(['name', 'first_name', 'last_name', 'owner_id', 'org_id', 'emails', 'phones', 'visible_to', 'label_ids', 'custom_fields']),
  organizations: new Set(['name', 'owner_id', 'address', 'visible_to', 'label_ids', 'custom_fields']),
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a write body and returns the values it sets (a create also fills the defaults). Unknown keys are refused
 * rather than ignored (unconfirmed upstream), so a misspelled field fails loudly in tests.
 */
export function checkWrite(
  object: PipedriveObject,
  body: unknown,
  mode: 'create' | 'update',
  context: WriteContext,
  defaults: { ownerId: number },
): { values: Partial<RecordValues>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: Partial<RecordValues> = {};
  if (!isPlainObject(body)) return { values, problems: [{ field: '(body)', message: 'must be a JSON object' }] };
  for (const key of Object.keys(body)) if (!KEYS[object].has(key)) problems.push({ field: key, message: 'is not a field of this entity' });

  const text = (key: 'name' | 'first_name' | 'last_name', nullable: boolean) => {
    if (!(key in body)) return;
    const value = body[key];
    if (value === null && nullable) values[key] = null as never;
    else if (typeof value === 'string' && value.trim() !== '') values[key] = value.trim() as never;
    else problems.push({ field: key, message: nullable ? 'must be a non-empty string or null' : 'must be a non-empty string' });
  };
  text('name', false);
  if (object === 'persons') {
    text('first_name', true);
    text('last_name', true);
  }
  if ('owner_id' in body) {
    if (typeof body.owner_id === 'number' && context.userIds.has(body.owner_id)) values.owner_id = body.owner_id;
    else problems.push({ field: 'owner_id', message: 'must be the id of a user of this company' });
  }
  if ('visible_to' in body) {
    if (typeof body.visible_to === 'number' && VISIBILITY.has(body.visible_to)) values.visible_to = body.visible_to;
    else problems.push({ field: 'visible_to', message: 'must be one of 1, 3, 5, 7' });
  }
  if ('label_ids' in body) {
    if (Array.isArray(body.label_ids) && body.label_ids.every((id) => Number.isInteger(id))) values.label_ids = body.label_ids as number[];
    else problems.push({ field: 'label_ids', message: 'must be an array of integers' });
  }
  if (object === 'persons') {
    if ('org_id' in body) {
      if (body.org_id === null) values.org_id = null;
      else if (typeof body.org_id === 'number' && context.liveOrganization(body.org_id)) values.org_id = body.org_id;
      else problems.push({ field: 'org_id', message: 'must be the id of an existing organization or null' });
    }
    for (const key of ['emails', 'phones'] as const) {
      if (!(key in body)) continue;
      const points = contactPoints(body[key], 'work');
      if (typeof points === 'string') problems.push({ field: key, message: points });
      else values[key] = points;
    }
  } else if ('address' in body) {
    const address = body.address;
    if (address === null) values.address = null;
    else if (typeof address === 'string' && address.trim() !== '') values.address = { value: address.trim(), country: null, locality: null, postal_code: null };
    else if (isPlainObject(address) && typeof address.value === 'string') {
      const part = (key: string) => (typeof address[key] === 'string' ? (address[key] as string) : null);
      values.address = { value: address.value, country: part('country'), locality: part('locality'), postal_code: part('postal_code') };
    } else problems.push({ field: 'address', message: 'must be an object with a string value, or null' });
  }
  if ('custom_fields' in body) {
    if (!isPlainObject(body.custom_fields)) problems.push({ field: 'custom_fields', message: 'must be an object keyed by field code' });
    else {
      const custom: Record<string, unknown> = {};
      for (const [code, raw] of Object.entries(body.custom_fields)) {
        const field = context.fields.customByCode(object, code);
        if (!field) problems.push({ field: `custom_fields.${code}`, message: 'is not a custom field of this entity' });
        else {
          const checked = customValue(field, raw);
          if (checked.problem) problems.push({ field: `custom_fields.${code}`, message: checked.problem });
          else custom[code] = checked.value;
        }
      }
      values.custom_fields = custom;
    }
  }

  if (mode === 'create') {
    if (values.name === undefined) problems.push({ field: 'name', message: 'Parameter is required' });
    values.owner_id ??= defaults.ownerId;
    values.visible_to ??= 3;
    values.label_ids ??= [];
    if (object === 'persons') {
      values.org_id ??= null;
      values.emails ??= [];
      values.phones ??= [];
    } else values.address ??= null;
  }
  // Pipedrive splits a person's name into first and last name when they are not given.
  if (object === 'persons' && values.name !== undefined && values.first_name === undefined && values.last_name === undefined) {
    const [first, ...rest] = values.name.split(/\s+/);
    values.first_name = first;
    values.last_name = rest.length > 0 ? rest.join(' ') : null;
  }
  return { values, problems };
}

function contactPoints(raw: unknown, defaultLabel: string): ContactPoint[] | string {
  if (!Array.isArray(raw)) return 'must be an array of {value, primary, label}';
  const points: ContactPoint[] = [];
  for (const item of raw) {
    if (!isPlainObject(item) || typeof item.value !== 'string' || item.value.trim() === '') return 'each item needs a non-empty string value';
    if (item.primary !== undefined && typeof item.primary !== 'boolean') return 'primary must be a boolean';
    if (item.label !== undefined && typeof item.label !== 'string') return 'label must be a string';
    points.push({ value: item.value.trim(), primary: item.primary === true, label: typeof item.label === 'string' ? item.label : defaultLabel });
  }
  // Exactly one primary: the first marked one, else the first.
  const primaryAt = Math.max(0, points.findIndex((point) => point.primary));
  return points.map((point, index) => ({ ...point, primary: index === primaryAt }));
}

function customValue(field: FieldDefinition, raw: unknown): { value?: unknown; problem?: string } {
  if (raw === null) return { value: null };
  switch (field.type) {
    case 'varchar':
    case 'text':
    case 'phone':
      return typeof raw === 'string' ? { value: raw } : { problem: 'must be a string' };
    case 'int':
      return Number.isInteger(raw) ? { value: raw } : { problem: 'must be an integer' };
    case 'double':
      return typeof raw === 'number' && Number.isFinite(raw) ? { value: raw } : { problem: 'must be a number' };
    case 'date':
      return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? { value: raw } : { problem: 'must be a date YYYY-MM-DD' };
    case 'enum': {
      const ids = new Set(field.options?.map((option) => option.id));
      return typeof raw === 'number' && ids.has(raw) ? { value: raw } : { problem: `must be one of the option ids ${[...ids].join(', ')}` };
    }
    case 'set': {
      const ids = new Set(field.options?.map((option) => option.id));
      return Array.isArray(raw) && raw.length > 0 && raw.every((id) => typeof id === 'number' && ids.has(id))
        ? { value: [...new Set(raw as number[])] }
        : { problem: `must be a non-empty array of the option ids ${[...ids].join(', ')} (null clears it)` };
    }
    case 'monetary':
      return isPlainObject(raw) && typeof raw.value === 'number' && typeof raw.currency === 'string' && /^[A-Z]{3}$/.test(raw.currency)
        ? { value: { value: raw.value, currency: raw.currency } }
        : { problem: 'must be {value: number, currency: "EUR"}' };
    default:
      return { problem: 'is not writable here' };
  }
}

/** A person or organization as the v2 API returns it (the fields every item has, and the rest). */
export interface ApiItem {
  id: number;
  name: string;
  add_time: string;
  update_time: string;
  is_deleted: boolean;
  custom_fields: Record<string, unknown>;
  [field: string]: unknown;
}

export interface RenderOptions {
  /** `custom_fields` query parameter: only these keys (null: all of them). */
  customFields: ReadonlySet<string> | null;
  /** `include_option_labels=true`: enum and set values as `{id, label}` instead of bare ids. */
  optionLabels: boolean;
}

const ALL: RenderOptions = { customFields: null, optionLabels: false };

/** A stored record as the v2 API returns it. */
export function toApiItem(record: StoredRecord, fields: FieldCatalog, render: RenderOptions = ALL): ApiItem {
  const { values } = record;
  const custom: Record<string, unknown> = {};
  for (const field of fields.custom(record.object)) {
    if (render.customFields && !render.customFields.has(field.code)) continue;
    const value = values.custom_fields[field.code] ?? null;
    custom[field.code] = render.optionLabels ? withLabels(field, value) : structuredClone(value);
  }
  const common = {
    id: record.id,
    name: values.name,
    owner_id: values.owner_id,
    add_time: formatSeconds(record.addSec),
    update_time: formatSeconds(record.updateSec),
    visible_to: values.visible_to,
    label_ids: [...values.label_ids],
    is_deleted: record.deletedMs !== null,
  };
  if (record.object === 'persons') {
    return {
      ...common,
      first_name: values.first_name ?? null,
      last_name: values.last_name ?? null,
      org_id: values.org_id ?? null,
      emails: (values.emails ?? []).map((point) => ({ ...point })),
      phones: (values.phones ?? []).map((point) => ({ ...point })),
      picture_id: null,
      custom_fields: custom,
    };
  }
  return { ...common, address: values.address ? { ...values.address, formatted_address: values.address.value } : null, custom_fields: custom };
}

function withLabels(field: FieldDefinition, value: unknown): unknown {
  const label = (id: unknown) => ({ id, label: field.options?.find((option) => option.id === id)?.label ?? null });
  if (value === null) return null;
  if (field.type === 'enum') return label(value);
  if (field.type === 'set' && Array.isArray(value)) return value.map(label);
  return structuredClone(value);
}

/** RFC 3339 in UTC with whole seconds, as Pipedrive v2 writes `add_time` and `update_time` (e.g. 2025-01-10T13:22:08Z). */
function formatSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
