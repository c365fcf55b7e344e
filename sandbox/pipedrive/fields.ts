// The fields of persons and organizations as `/api/v2/personFields` and `/organizationFields` describe them: the
// standard ones, and custom ones keyed by 40-character hashes, whose enum and set values are option ids.
import { createHash } from 'node:crypto';

export type PipedriveObject = 'persons' | 'organizations';
export const OBJECTS: readonly PipedriveObject[] = ['persons', 'organizations'];

export function isObject(value: string): value is PipedriveObject {
  return (OBJECTS as readonly string[]).includes(value);
}

/** The entity name webhooks and errors use: `person`, `organization`. */
export const ENTITY: Record<PipedriveObject, 'person' | 'organization'> = { persons: 'person', organizations: 'organization' };

/** The custom field types the sandbox stores values for (Pipedrive has more: address, daterange, user, …). */
export const CUSTOM_FIELD_TYPES = ['varchar', 'text', 'int', 'double', 'date', 'enum', 'set', 'monetary', 'phone'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface FieldOption {
  id: number;
  label: string;
}

export interface FieldDefinition {
  /** `field_code`: the key of a standard field, or a 40-character hash for a custom one. */
  code: string;
  name: string;
  type: string;
  custom: boolean;
  options: FieldOption[] | null;
}

interface CustomFieldSpec {
  name: string;
  type: CustomFieldType;
  options?: string[];
}

const STANDARD_FIELDS: Record<PipedriveObject, [string, string, string][]> = {
  persons: [
    ['name', 'Name', 'varchar'],
    ['first_name', 'First name', 'varchar'],
    ['last_name', 'Last name', 'varchar'],
    ['emails', 'Email', 'varchar'],
    ['phones', 'Phone', 'phone'],
    ['org_id', 'Organization', 'org'],
    ['owner_id', 'Owner', 'user'],
    ['label_ids', 'Labels', 'set'],
    ['visible_to', 'Visible to', 'visible_to'],
    ['add_time', 'Person created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
  organizations: [
    ['name', 'Name', 'varchar'],
    ['address', 'Address', 'address'],
    ['owner_id', 'Owner', 'user'],
    ['label_ids', 'Labels', 'set'],
    ['visible_to', 'Visible to', 'visible_to'],
    ['add_time', 'Organization created', 'date'],
    ['update_time', 'Update time', 'date'],
  ],
};

/** What a freshly made sandbox company has set up: one field of most kinds, enums with several options. */
const SEEDED_CUSTOM_FIELDS: Record<PipedriveObject, CustomFieldSpec[]> = {
  persons: [
    { name: 'Lead source', type: 'enum', options: ['Website', 'Referral', 'Event', 'Cold call', 'Partner'] },
    { name: 'Interests', type: 'set', options: ['Product A', 'Product B', 'Support', 'Training'] },
    { name: 'LinkedIn profile', type: 'varchar' },
    { name: 'Lead score', type: 'double' },
    { name: 'Next review', type: 'date' },
  ],
  organizations: [
    { name: 'Industry', type: 'enum', options: ['Software', 'Finance', 'Healthcare', 'Retail', 'Manufacturing', 'Education'] },
    { name: 'Employees', type: 'int' },
    { name: 'Website', type: 'varchar' },
    { name: 'Annual revenue', type: 'monetary' },
  ],
};

/** One company's field set; custom field hashes depend on the company, as Pipedrive's are random per company. */
export class FieldCatalog {
  private readonly fields: Record<PipedriveObject, FieldDefinition[]> = { persons: [], organizations: [] };

  constructor(
    private readonly companyId: number,
    private nextOptionId: number,
  ) {
    for (const object of OBJECTS) {
      for (const [code, name, type] of STANDARD_FIELDS[object]) this.fields[object].push({ code, name, type, custom: false, options: null });
      for (const spec of SEEDED_CUSTOM_FIELDS[object]) this.add(object, spec);
    }
  }

  list(object: PipedriveObject): readonly FieldDefinition[] {
    return this.fields[object];
  }

  custom(object: PipedriveObject): FieldDefinition[] {
    return this.fields[object].filter((field) => field.custom);
  }

  customByCode(object: PipedriveObject, code: string): FieldDefinition | undefined {
    return this.fields[object].find((field) => field.custom && field.code === code);
  }

  /** A user adds a custom field: it gets a new hash and is null on every existing record. */
  add(object: PipedriveObject, spec: CustomFieldSpec): FieldDefinition {
    const code = createHash('sha1').update(`${this.companyId}:${object}:${spec.name}:${this.fields[object].length}`).digest('hex');
    const options = spec.type === 'enum' || spec.type === 'set' ? (spec.options ?? []).map((label) => ({ id: this.nextOptionId++, label })) : null;
    const field: FieldDefinition = { code, name: spec.name, type: spec.type, custom: true, options };
    this.fields[object].push(field);
    return field;
  }
}

/** A field as the v2 field endpoints return it. */
export function toApiField(field: FieldDefinition) {
  return {
    field_name: field.name,
    field_code: field.code,
    field_type: field.type,
    is_custom_field: field.custom,
    is_optional_response_field: false,
    options: field.options ? field.options.map((option) => ({ ...option })) : null,
    subfields:
      field.type === 'monetary'
        ? [
            { field_code: 'value', field_name: 'Value', field_type: 'double' },
            { field_code: 'currency', field_name: 'Currency', field_type: 'varchar' },
          ]
        : null,
  };
}
