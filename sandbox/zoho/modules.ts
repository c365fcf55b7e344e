// The two modules the sandbox serves (Contacts and Accounts) and their fields by API name: data types, which are
// custom (named from their label, told apart only by `custom_field: true`), mandatory, or kept by the system.

export type ModuleName = 'Contacts' | 'Accounts';
export const MODULES: readonly ModuleName[] = ['Contacts', 'Accounts'];

export type DataType = 'text' | 'textarea' | 'email' | 'phone' | 'website' | 'picklist' | 'integer' | 'currency' | 'date' | 'datetime' | 'boolean' | 'lookup' | 'ownerlookup';

export interface FieldDefinition {
  apiName: string;
  label: string;
  dataType: DataType;
  length?: number;
  custom?: boolean;
  /** Set by the system (ids, audit fields, computed names): accepted in a write and ignored. */
  system?: boolean;
  mandatory?: boolean;
  /** For lookups: the module the `{id}` points at. */
  lookupModule?: ModuleName;
  picklist?: readonly string[];
}

export interface ModuleDefinition {
  apiName: ModuleName;
  /** The field that names a record (the deleted-records list's `display_name`). */
  displayField: string;
  /** System-defined duplicate check fields, which upsert tries first (ZOAS upsertRecords). */
  duplicateCheckFields: readonly string[];
  fields: readonly FieldDefinition[];
}

const text = (apiName: string, label: string, length: number, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({ apiName, label, dataType: 'text', length, ...extra });

const AUDIT: readonly FieldDefinition[] = [
  { apiName: 'Owner', label: 'Owner', dataType: 'ownerlookup', system: true },
  { apiName: 'Created_By', label: 'Created By', dataType: 'ownerlookup', system: true },
  { apiName: 'Modified_By', label: 'Modified By', dataType: 'ownerlookup', system: true },
  { apiName: 'Created_Time', label: 'Created Time', dataType: 'datetime', system: true },
  { apiName: 'Modified_Time', label: 'Modified Time', dataType: 'datetime', system: true },
  // System fields added in later versions carry the `__s` suffix.
  { apiName: 'Record_Status__s', label: 'Record Status', dataType: 'picklist', system: true, picklist: ['Available', 'Draft', 'Trash'] },
];

export const MODULE_DEFINITIONS: Record<ModuleName, ModuleDefinition> = {
  Contacts: {
    apiName: 'Contacts',
    displayField: 'Full_Name',
    duplicateCheckFields: ['Email'],
    fields: [
      text('First_Name', 'First Name', 40),
      text('Last_Name', 'Last Name', 80, { mandatory: true }),
      text('Full_Name', 'Full Name', 121, { system: true }),
      { apiName: 'Email', label: 'Email', dataType: 'email', length: 100 },
      { apiName: 'Secondary_Email', label: 'Secondary Email', dataType: 'email', length: 100 },
      { apiName: 'Phone', label: 'Phone', dataType: 'phone', length: 30 },
      { apiName: 'Mobile', label: 'Mobile', dataType: 'phone', length: 30 },
      text('Title', 'Title', 100),
      text('Department', 'Department', 100),
      { apiName: 'Account_Name', label: 'Account Name', dataType: 'lookup', lookupModule: 'Accounts' },
      text('Mailing_City', 'Mailing City', 30),
      text('Mailing_Country', 'Mailing Country', 30),
      { apiName: 'Lead_Source', label: 'Lead Source', dataType: 'picklist', picklist: ['-None-', 'Advertisement', 'Cold Call', 'Employee Referral', 'Partner', 'Web Download', 'Trade Show'] },
      { apiName: 'Date_of_Birth', label: 'Date of Birth', dataType: 'date' },
      { apiName: 'Email_Opt_Out', label: 'Email Opt Out', dataType: 'boolean' },
      { apiName: 'Description', label: 'Description', dataType: 'textarea', length: 32000 },
      ...AUDIT,
      // The customer's own fields: API names derived from their labels, no suffix.
      { apiName: 'Loyalty_Tier', label: 'Loyalty Tier', dataType: 'picklist', custom: true, picklist: ['-None-', 'Gold', 'Silver', 'Bronze'] },
      { apiName: 'Customer_Score', label: 'Customer Score', dataType: 'integer', custom: true },
      text('Preferred_Language', 'Preferred Language', 40, { custom: true }),
      text('National_ID', 'National ID', 20, { custom: true }),
    ],
  },
  Accounts: {
    apiName: 'Accounts',
    displayField: 'Account_Name',
    duplicateCheckFields: ['Account_Name'],
    fields: [
      text('Account_Name', 'Account Name', 200, { mandatory: true }),
      text('Account_Number', 'Account Number', 40),
      { apiName: 'Phone', label: 'Phone', dataType: 'phone', length: 30 },
      { apiName: 'Website', label: 'Website', dataType: 'website', length: 255 },
      { apiName: 'Industry', label: 'Industry', dataType: 'picklist', picklist: ['-None-', 'Communications', 'Manufacturing', 'Retail', 'Technology', 'Government', 'Finance', 'Healthcare'] },
      { apiName: 'Employees', label: 'Employees', dataType: 'integer' },
      { apiName: 'Annual_Revenue', label: 'Annual Revenue', dataType: 'currency' },
      text('Billing_City', 'Billing City', 30),
      text('Billing_Country', 'Billing Country', 30),
      { apiName: 'Description', label: 'Description', dataType: 'textarea', length: 32000 },
      ...AUDIT,
      { apiName: 'Segment', label: 'Segment', dataType: 'picklist', custom: true, picklist: ['-None-', 'Enterprise', 'Mid-market', 'SMB', 'Public sector'] },
      text('Region_Code', 'Region Code', 10, { custom: true }),
    ],
  },
};

export function isModule(value: string): value is ModuleName {
  return (MODULES as readonly string[]).includes(value);
}

const byApiName = new Map<ModuleName, Map<string, FieldDefinition>>(MODULES.map((module) => [module, new Map(MODULE_DEFINITIONS[module].fields.map((field) => [field.apiName, field]))]));

/** API names are case-sensitive, as in Zoho. */
export function fieldOf(module: ModuleName, apiName: string): FieldDefinition | undefined {
  return byApiName.get(module)?.get(apiName);
}

/** What field metadata reports as `json_type`. */
export function jsonTypeOf(dataType: DataType): string {
  switch (dataType) {
    case 'integer':
      return 'integer';
    case 'currency':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'lookup':
    case 'ownerlookup':
      return 'jsonobject';
    default:
      return 'string';
  }
}
