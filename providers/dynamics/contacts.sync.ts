// Dynamics 365 contacts: the people in the customer's Dataverse environment.
import { z } from 'zod';
import { dataverseTableSync } from './dataverse-table-sync';
import { GUID_PATTERN } from './web-api';

const text = z.string().nullable().optional();

export const dynamicsContactSchema = z.looseObject({
  contactid: z.string().regex(GUID_PATTERN, 'must be a Dataverse row id (a GUID)'),
  firstname: text,
  lastname: text,
  emailaddress1: text,
  createdon: z.string().nullable(),
  modifiedon: z.string(),
});

export const dynamicsContactsSync = dataverseTableSync({
  model: 'contacts',
  description: 'Dynamics 365 contacts',
  entitySet: 'contacts',
  logicalName: 'contact',
  primaryKey: 'contactid',
  schema: dynamicsContactSchema,
  defaultFrequency: '5m',
  wanted: [
    'firstname', 'lastname', 'fullname', 'emailaddress1', 'emailaddress2', 'telephone1', 'mobilephone', 'jobtitle',
    'address1_city', 'address1_country', '_parentcustomerid_value', '_ownerid_value', 'statecode', 'statuscode',
  ],
});
