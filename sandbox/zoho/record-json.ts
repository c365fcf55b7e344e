// A record as the CRM API answers it: `id` and the asked-for fields, lookups as `{name, id}`, users as
// `{name, id, email}`, times in the org's offset; fields the user's profile hides are left out (or null).
import { formatZohoTime } from './datetime';
import { MODULE_DEFINITIONS, fieldOf, type ModuleName } from './modules';
import type { Org, StoredRecord } from './org';

export interface Visibility {
  hidden: ReadonlySet<string>;
  answer: 'omitted' | 'null';
}

/** Everything visible: the control API's truth. */
export const SEE_ALL: Visibility = { hidden: new Set(), answer: 'omitted' };

export const userRef = (org: Org) => ({ name: `${org.user.firstName} ${org.user.lastName}`, id: org.user.id, email: org.user.email });

export function fieldValue(org: Org, module: ModuleName, record: StoredRecord, apiName: string): unknown {
  switch (apiName) {
    case 'Owner':
    case 'Created_By':
    case 'Modified_By':
      return userRef(org);
    case 'Created_Time':
      return formatZohoTime(record.createdSec, org.offsetMinutes);
    case 'Modified_Time':
      return formatZohoTime(record.modifiedSec, org.offsetMinutes);
    case 'Record_Status__s':
      return 'Available';
  }
  const field = fieldOf(module, apiName);
  const value = record.values[apiName] ?? null;
  if (field?.dataType === 'lookup' && typeof value === 'string') {
    const target = org.get(field.lookupModule!, value);
    // The name is read live, as Zoho shows a renamed account's new name; a deleted target reads as no lookup.
    return target ? { name: target.values[MODULE_DEFINITIONS[field.lookupModule!].displayField] ?? null, id: target.id } : null;
  }
  return value;
}

/** `select` null: every field the user may see. */
export function recordJson(org: Org, module: ModuleName, record: StoredRecord, select: readonly string[] | null, visibility: Visibility): Record<string, unknown> {
  const names = select ?? MODULE_DEFINITIONS[module].fields.map((field) => field.apiName);
  const out: Record<string, unknown> = {};
  for (const apiName of names) {
    if (apiName === 'id') continue;
    if (visibility.hidden.has(apiName)) {
      if (visibility.answer === 'null') out[apiName] = null;
      continue;
    }
    out[apiName] = fieldValue(org, module, record, apiName);
  }
  out.id = record.id;
  return out;
}
