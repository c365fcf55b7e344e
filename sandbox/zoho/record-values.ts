// Checks one record of a write (`data[i]`) against its module's fields, as Zoho words each problem
// (MANDATORY_NOT_FOUND, INVALID_DATA with `expected_data_type` or `maximum_length`), and returns the values to store.
import { isValidDate } from './datetime';
import { errorBody, type ZohoErrorBody } from './errors';
import { RECORD_ID } from './ids';
import { MODULE_DEFINITIONS, fieldOf, type FieldDefinition, type ModuleName } from './modules';

export interface CheckContext {
  module: ModuleName;
  /** `data[index]` in the request, for `json_path`. */
  index: number;
  /** Inserts need every mandatory field; updates only refuse blanking one. */
  insert: boolean;
  unknownFields: 'error' | 'ignored';
  /** Whether a lookup's target exists. */
  exists(module: ModuleName, id: string): boolean;
}

export type CheckedValues = { ok: true; values: Record<string, unknown> } | { ok: false; problems: ZohoErrorBody[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/** Keys the write envelope may carry per record that are not fields. */
const RECORD_KEYS = new Set(['id']);

export function checkRecord(input: unknown, context: CheckContext): CheckedValues {
  const path = (apiName: string) => `$.data[${context.index}].${apiName}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [errorBody('INVALID_DATA', 'invalid data', { expected_data_type: 'jsonobject', api_name: 'data', json_path: `$.data[${context.index}]` })] };
  }
  const record = input as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const problems: ZohoErrorBody[] = [];
  for (const [key, value] of Object.entries(record)) {
    // `$append_values`, `$approval_state` and the like are instructions or read-only, not fields.
    if (RECORD_KEYS.has(key) || key.startsWith('$')) continue;
    const field = fieldOf(context.module, key);
    if (!field) {
      if (context.unknownFields === 'error') problems.push(errorBody('INVALID_DATA', 'the field api name given seems to be invalid', { api_name: key, json_path: path(key) }));
      continue;
    }
    if (field.system) continue;
    if (field.mandatory && isBlank(value)) {
      problems.push(errorBody('MANDATORY_NOT_FOUND', 'required field not found', { api_name: key, json_path: path(key) }));
      continue;
    }
    const problem = checkValue(field, value, path(key), context);
    if (problem) problems.push(problem);
    else values[key] = normalise(field, value);
  }
  if (context.insert) {
    for (const field of MODULE_DEFINITIONS[context.module].fields) {
      if (field.mandatory && !(field.apiName in record)) problems.push(errorBody('MANDATORY_NOT_FOUND', 'required field not found', { api_name: field.apiName, json_path: path(field.apiName) }));
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

/** Lookups are stored as the target's id; everything else as sent. */
function normalise(field: FieldDefinition, value: unknown): unknown {
  if (field.dataType === 'lookup' && value !== null) return typeof value === 'string' ? value : (value as { id: string }).id;
  return value;
}

function checkValue(field: FieldDefinition, value: unknown, jsonPath: string, context: CheckContext): ZohoErrorBody | null {
  if (value === null) return null;
  const wrongType = (expected: string) => errorBody('INVALID_DATA', 'invalid data', { expected_data_type: expected, api_name: field.apiName, json_path: jsonPath });
  const invalid = (message = 'invalid data') => errorBody('INVALID_DATA', message, { api_name: field.apiName, json_path: jsonPath });
  switch (field.dataType) {
    case 'text':
    case 'textarea':
    case 'phone':
    case 'website':
    case 'picklist':
    case 'email':
      if (typeof value !== 'string') return wrongType('string');
      if (field.length !== undefined && value.length > field.length) {
        return errorBody('INVALID_DATA', 'invalid data', { maximum_length: field.length, api_name: field.apiName, json_path: jsonPath });
      }
      if (field.dataType === 'email' && value !== '' && !EMAIL.test(value)) return invalid();
      return null;
    case 'integer':
      return Number.isInteger(value) && Math.abs(value as number) <= 2_147_483_647 ? null : wrongType('integer');
    case 'currency':
      return typeof value === 'number' && Number.isFinite(value) ? null : wrongType('double');
    case 'boolean':
      return typeof value === 'boolean' ? null : wrongType('boolean');
    case 'date':
      return typeof value === 'string' && isValidDate(value) ? null : wrongType('date');
    case 'lookup': {
      const id = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
      if (typeof id !== 'string') return wrongType('jsonobject');
      if (!RECORD_ID.test(id) || !context.exists(field.lookupModule!, id)) return invalid('the id given seems to be invalid');
      return null;
    }
    default:
      return null;
  }
}
