// The two CRM objects the sandbox serves and their properties: which are dates, numbers or text, and which are
// returned when a request names none. HubSpot returns every property value as a string (or null).

export type HubSpotObject = 'contacts' | 'companies';

export const OBJECTS: readonly HubSpotObject[] = ['contacts', 'companies'];

export type PropertyType = 'datetime' | 'number' | 'string';

interface ObjectDefinition {
  /** The property that moves on every change and that search filters on for incremental reads. */
  modifiedProperty: string;
  /** Returned by list and search when the request names no properties. */
  defaultProperties: readonly string[];
  /** Written by callers. */
  writable: readonly string[];
}

export const OBJECT_DEFINITIONS: Record<HubSpotObject, ObjectDefinition> = {
  contacts: {
    modifiedProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    // `hs_additional_emails` holds further addresses separated by `;`; `associatedcompanyid` the primary company.
    writable: [
      'email', 'firstname', 'lastname', 'phone', 'jobtitle', 'company', 'city', 'country', 'lifecyclestage',
      'mobilephone', 'hs_additional_emails', 'associatedcompanyid', 'hubspot_owner_id',
    ],
  },
  companies: {
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    writable: ['name', 'domain', 'industry', 'phone', 'city', 'country', 'numberofemployees', 'annualrevenue', 'lifecyclestage', 'hubspot_owner_id'],
  },
};

const DATETIME_PROPERTIES = new Set(['createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);
const NUMBER_PROPERTIES = new Set(['hs_object_id', 'numberofemployees', 'annualrevenue', 'associatedcompanyid']);

export function propertyType(name: string): PropertyType {
  if (DATETIME_PROPERTIES.has(name)) return 'datetime';
  if (NUMBER_PROPERTIES.has(name)) return 'number';
  return 'string';
}

/** Every property an object has: the writable ones plus those HubSpot maintains. */
export function knownProperties(object: HubSpotObject): Set<string> {
  const definition = OBJECT_DEFINITIONS[object];
  return new Set([...definition.writable, 'createdate', 'hs_object_id', definition.modifiedProperty]);
}

export function isObject(value: string): value is HubSpotObject {
  return (OBJECTS as readonly string[]).includes(value);
}
