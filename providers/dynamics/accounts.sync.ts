// Dynamics 365 accounts: the companies in the customer's Dataverse environment.
import { z } from 'zod';
import { dataverseTableSync } from './dataverse-table-sync';
import { GUID_PATTERN } from './web-api';

export const dynamicsAccountSchema = z.looseObject({
  accountid: z.string().regex(GUID_PATTERN, 'must be a Dataverse row id (a GUID)'),
  name: z.string().nullable().optional(),
  createdon: z.string().nullable(),
  modifiedon: z.string(),
});

export const dynamicsAccountsSync = dataverseTableSync({
  model: 'accounts',
  description: 'Dynamics 365 accounts',
  entitySet: 'accounts',
  logicalName: 'account',
  primaryKey: 'accountid',
  schema: dynamicsAccountSchema,
  defaultFrequency: '5m',
  wanted: [
    'name', 'accountnumber', 'telephone1', 'websiteurl', 'address1_city', 'address1_country', 'numberofemployees',
    'revenue', 'industrycode', '_primarycontactid_value', '_ownerid_value', 'statecode', 'statuscode',
  ],
});
