// The two tables the sandbox serves (contact and account) and their columns: Web API property names, metadata
// attribute types, which are custom (publisher prefix `new_`), secured, computed or set only by the platform.

export type EntitySet = 'contacts' | 'accounts';
export const ENTITY_SETS: readonly EntitySet[] = ['contacts', 'accounts'];

export type AttributeType =
  | 'Uniqueidentifier' | 'String' | 'Memo' | 'Integer' | 'BigInt' | 'Money' | 'Picklist' | 'State' | 'Status'
  | 'DateTime' | 'Lookup' | 'Customer' | 'Owner';

export interface ColumnDefinition {
  /** The attribute's logical name in metadata, e.g. `parentcustomerid`. */
  logicalName: string;
  /** The name rows carry in the Web API: lookups read as `_parentcustomerid_value`. */
  property: string;
  type: AttributeType;
  custom?: boolean;
  /** Column security: without a field security profile granting read, the value reads as null. */
  secured?: boolean;
  /** Maintained by the platform (keys, audit dates, computed names): not valid for create or update. */
  system?: boolean;
  /** For lookups: the tables a value may point at, and the navigation property a write binds through. */
  targets?: { entitySet: EntitySet; bind: string }[];
  /** For choices: the option values (custom options start at 100000000, as publishers' do). */
  options?: readonly number[];
  maxLength?: number;
}

export interface TableDefinition {
  entitySet: EntitySet;
  logicalName: 'contact' | 'account';
  schemaName: string;
  primaryKey: string;
  primaryName: string;
  /** The column the default duplicate detection rule matches on (case-insensitive). */
  duplicateRuleColumn: string;
  columns: readonly ColumnDefinition[];
}

const text = (logicalName: string, maxLength = 100, extra: Partial<ColumnDefinition> = {}): ColumnDefinition => ({ logicalName, property: logicalName, type: 'String', maxLength, ...extra });
const system = (logicalName: string, type: AttributeType): ColumnDefinition => ({ logicalName, property: logicalName, type, system: true });

const AUDIT: ColumnDefinition[] = [
  system('createdon', 'DateTime'),
  system('modifiedon', 'DateTime'),
  system('versionnumber', 'BigInt'),
  { logicalName: 'ownerid', property: '_ownerid_value', type: 'Owner', system: true },
  { logicalName: 'statecode', property: 'statecode', type: 'State', options: [0, 1] },
  { logicalName: 'statuscode', property: 'statuscode', type: 'Status', options: [1, 2] },
];

export const TABLES: Record<EntitySet, TableDefinition> = {
  contacts: {
    entitySet: 'contacts',
    logicalName: 'contact',
    schemaName: 'Contact',
    primaryKey: 'contactid',
    primaryName: 'fullname',
    duplicateRuleColumn: 'emailaddress1',
    columns: [
      system('contactid', 'Uniqueidentifier'),
      text('firstname', 50),
      text('lastname', 50),
      // Computed from first and last name by the platform.
      { ...text('fullname', 160), system: true },
      text('emailaddress1'),
      text('emailaddress2'),
      text('telephone1', 50),
      text('mobilephone', 50),
      text('jobtitle'),
      text('address1_city', 80),
      text('address1_country', 80),
      { logicalName: 'parentcustomerid', property: '_parentcustomerid_value', type: 'Customer', targets: [{ entitySet: 'accounts', bind: 'parentcustomerid_account' }] },
      ...AUDIT,
      // The customer's own columns, as most orgs add them.
      text('new_tier', 20, { custom: true }),
      { logicalName: 'new_region', property: 'new_region', type: 'Picklist', custom: true, options: [100000000, 100000001, 100000002] },
      { logicalName: 'new_loyaltypoints', property: 'new_loyaltypoints', type: 'Integer', custom: true },
      text('new_nationalid', 20, { custom: true, secured: true }),
    ],
  },
  accounts: {
    entitySet: 'accounts',
    logicalName: 'account',
    schemaName: 'Account',
    primaryKey: 'accountid',
    primaryName: 'name',
    duplicateRuleColumn: 'name',
    columns: [
      system('accountid', 'Uniqueidentifier'),
      text('name', 160),
      text('accountnumber', 20),
      text('telephone1', 50),
      text('websiteurl', 200),
      text('address1_city', 80),
      text('address1_country', 80),
      { logicalName: 'numberofemployees', property: 'numberofemployees', type: 'Integer' },
      { logicalName: 'revenue', property: 'revenue', type: 'Money' },
      { logicalName: 'industrycode', property: 'industrycode', type: 'Picklist', options: [1, 2, 3, 4, 5, 6, 7, 8] },
      { logicalName: 'primarycontactid', property: '_primarycontactid_value', type: 'Lookup', targets: [{ entitySet: 'contacts', bind: 'primarycontactid' }] },
      ...AUDIT,
      text('new_segment', 40, { custom: true }),
    ],
  },
};

export function isEntitySet(value: string): value is EntitySet {
  return (ENTITY_SETS as readonly string[]).includes(value);
}

const byProperty = new Map<EntitySet, Map<string, ColumnDefinition>>(
  ENTITY_SETS.map((set) => [set, new Map(TABLES[set].columns.map((column) => [column.property, column]))]),
);

/** Property names are case-sensitive in the Web API, as in OData. */
export function columnOf(entitySet: EntitySet, property: string): ColumnDefinition | undefined {
  return byProperty.get(entitySet)?.get(property);
}

export function tableByLogicalName(logicalName: string): TableDefinition | undefined {
  return Object.values(TABLES).find((table) => table.logicalName === logicalName);
}
