// The sObjects the sandbox serves and their field types: one table read by the org, SOQL and the generator.

export type SalesforceObject = 'Contact' | 'Account' | 'Opportunity';

export type FieldValue = string | number | boolean | null;

/** A row as Salesforce returns it, minus `attributes`; absent values are present as null. */
export interface SalesforceRecord {
  Id: string;
  IsDeleted: boolean;
  CreatedDate: string;
  LastModifiedDate: string;
  SystemModstamp: string;
  [field: string]: FieldValue;
}

export type FieldType = 'id' | 'reference' | 'string' | 'boolean' | 'datetime' | 'date' | 'double' | 'int';

export interface FieldDefinition {
  name: string;
  type: FieldType;
  /** System fields are set by the org, never by a caller. */
  system?: boolean;
  required?: boolean;
  /** Made by the customer, not Salesforce: its name ends in `__c`. */
  custom?: boolean;
}

const SYSTEM_FIELDS: FieldDefinition[] = [
  { name: 'Id', type: 'id', system: true },
  { name: 'IsDeleted', type: 'boolean', system: true },
];

const AUDIT_FIELDS: FieldDefinition[] = [
  { name: 'CreatedDate', type: 'datetime', system: true },
  { name: 'LastModifiedDate', type: 'datetime', system: true },
  { name: 'SystemModstamp', type: 'datetime', system: true },
];

const strings = (...names: string[]): FieldDefinition[] => names.map((name) => ({ name, type: 'string' }));

export const OBJECT_FIELDS: Record<SalesforceObject, readonly FieldDefinition[]> = {
  Contact: [
    ...SYSTEM_FIELDS,
    { name: 'AccountId', type: 'reference' },
    // The User who owns the record: every Contact and Account has one (the creating user when none is given).
    { name: 'OwnerId', type: 'reference' },
    ...strings('FirstName'),
    { name: 'LastName', type: 'string', required: true },
    ...strings('Salutation', 'Title', 'Email', 'Phone', 'MobilePhone', 'Department', 'LeadSource'),
    ...strings('MailingStreet', 'MailingCity', 'MailingState', 'MailingPostalCode', 'MailingCountry'),
    { name: 'Birthdate', type: 'date' },
    ...AUDIT_FIELDS,
    // The org's own fields, as most customers add: which tier of service and which sales region a contact is in.
    { name: 'Tier__c', type: 'string', custom: true },
    { name: 'Region__c', type: 'string', custom: true },
  ],
  Account: [
    ...SYSTEM_FIELDS,
    { name: 'Name', type: 'string', required: true },
    { name: 'OwnerId', type: 'reference' },
    ...strings('Type', 'Industry', 'Website', 'Phone'),
    { name: 'AnnualRevenue', type: 'double' },
    { name: 'NumberOfEmployees', type: 'int' },
    ...strings('BillingStreet', 'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry', 'Description'),
    ...AUDIT_FIELDS,
  ],
  // Not synced by Tributary out of the box: the object docs/write-a-sync.md walks through adding.
  Opportunity: [
    ...SYSTEM_FIELDS,
    { name: 'AccountId', type: 'reference' },
    { name: 'Name', type: 'string', required: true },
    { name: 'StageName', type: 'string', required: true },
    { name: 'Amount', type: 'double' },
    { name: 'Probability', type: 'double' },
    { name: 'CloseDate', type: 'date', required: true },
    ...strings('Type', 'LeadSource', 'NextStep', 'Description'),
    ...AUDIT_FIELDS,
  ],
};

export const OBJECTS: readonly SalesforceObject[] = ['Contact', 'Account', 'Opportunity'];

/** SOQL names are case-insensitive; the API answers with the canonical spelling. */
export function canonicalObject(name: string): SalesforceObject | undefined {
  return OBJECTS.find((object) => object.toLowerCase() === name.toLowerCase());
}

const fieldLookup = new Map<SalesforceObject, Map<string, FieldDefinition>>(
  OBJECTS.map((object) => [object, new Map(OBJECT_FIELDS[object].map((field) => [field.name.toLowerCase(), field]))]),
);

export function findField(object: SalesforceObject, name: string): FieldDefinition | undefined {
  return fieldLookup.get(object)?.get(name.toLowerCase());
}
